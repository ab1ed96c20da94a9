package registry

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/identify"
	"github.com/waymark-org/waymark/internal/interchange"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// AddLink records a child's link to an entity: the one l.EntityID names, or l.Entity, which is
// the entity already recorded with its value (a phone, a registration, an address, a handle),
// whoever recorded it, or else a new one. When the link makes OverlapChildren children linked to
// the entity within OverlapWindow, each child's council and the police force that linked it are
// alerted.
func (r *Registry) AddLink(ctx context.Context, a waymark.Actor, l *waymark.Link) error {
	now := r.store.Now()
	kind := ""
	var err error
	switch {
	case l.EntityID != "":
		l.Entity = nil
	case l.Entity == nil:
		err = waymark.Invalid("kind", "Say who or what the child is linked to")
	default:
		err, kind = l.Entity.Normalize(), l.Entity.Kind
	}
	if err = joinInvalid(err, l.Normalize(kind, now)); err != nil {
		return err
	}
	if l.Role == "cawn" && a.Role != waymark.RolePolice {
		return waymark.Errorf(waymark.EFORBIDDEN, "Only the police issue child abduction warning notices.")
	}
	return r.recordCare(ctx, a, waymark.RecordNetwork, l.ChildID, "link.create", "link", func(tx *sqlstore.Tx, sc waymark.Scope) (string, error) {
		e, err := r.linkedEntity(tx, a, l)
		if err != nil {
			return "", err
		}
		l.EntityID, l.Entity, l.OrgID, l.RecordedBy = e.ID, e, a.OrgID, a.Name
		if err := tx.AddLink(l); err != nil {
			return "", err
		}
		return l.ID, r.alertOverlap(tx, []*waymark.Entity{e}, now)
	})
}

// linkedEntity returns the entity l joins, recording it when it is new.
func (r *Registry) linkedEntity(tx *sqlstore.Tx, a waymark.Actor, l *waymark.Link) (*waymark.Entity, error) {
	if l.EntityID != "" {
		e, err := tx.Entity(l.EntityID)
		if err != nil {
			return nil, err
		}
		return e, l.Normalize(e.Kind, r.store.Now()) // the role must suit the entity now known
	}
	e, _, err := findOrRecord(tx, a, l.Entity)
	return e, err
}

// findOrRecord returns the entity recorded with e's value, or records e.
func findOrRecord(tx *sqlstore.Tx, a waymark.Actor, e *waymark.Entity) (*waymark.Entity, bool, error) {
	if name, _ := e.SearchKeys(); name != "" {
		known, err := tx.EntityNamed(name)
		if err != nil || known != nil {
			return known, false, err
		}
	}
	e.OrgID, e.RecordedBy = a.OrgID, a.Name
	if err := tx.CreateEntity(e); err != nil {
		return nil, false, err
	}
	return e, true, tx.Audit(entry(a, "entity.create", "entity", e.ID, a.OrgID))
}

// AddEntity records an entity, to be linked to children later (an import's entities before its
// links), or returns the one recorded with its value; created says which.
func (r *Registry) AddEntity(ctx context.Context, a waymark.Actor, e *waymark.Entity) (found *waymark.Entity, created bool, err error) {
	if err := r.check(ctx, a, waymark.RecordNetwork, waymark.Scope{OrgID: a.OrgID}, "entity", ""); err != nil {
		return nil, false, err
	}
	if err := e.Normalize(); err != nil {
		return nil, false, err
	}
	err = r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		found, created, err = findOrRecord(tx, a, e)
		return err
	})
	return found, created, err
}

// alertOverlap raises, for each child linked to one of the entities within the window, once, an
// alert to the child's council and the police force that linked the entity most lately.
func (r *Registry) alertOverlap(tx *sqlstore.Tx, es []*waymark.Entity, now time.Time) error {
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	linked, err := tx.LinkedSince(ids, now.Add(-waymark.OverlapWindow).Format(waymark.DateLayout))
	if err != nil {
		return err
	}
	var as []*waymark.Alert
	for _, e := range es {
		if len(linked[e.ID]) < waymark.OverlapChildren {
			continue
		}
		police, err := tx.LinkingPolice(e.ID)
		if err != nil {
			return err
		}
		detail := fmt.Sprintf("%d children linked to this %s in %d days", len(linked[e.ID]), e.Kind, int(waymark.OverlapWindow.Hours()/24))
		for child, org := range linked[e.ID] {
			as = append(as, &waymark.Alert{Kind: waymark.AlertNetworkOverlap, Subject: e.ID + "/" + child, ChildID: child, OrgID: org,
				PoliceOrgID: police, DueAt: now, Detail: detail})
		}
	}
	for part := range slices.Chunk(as, 500) {
		if _, err := tx.RaiseAlerts(part); err != nil {
			return err
		}
	}
	return nil
}

// NetworkChild is a child a network search or picture reaches, dressed as identification dresses
// a candidate (the reference and owner only, unless the reader may see the child: then their
// names, not the whole record), with how the child is linked.
type NetworkChild struct {
	Match
	Links    []*waymark.Link // to the entities found, without notes
	OwnPhone string          // the phone searched for is among the child's own
}

// NetworkAnswer is what a network search finds: the entities, and the children linked to them
// (the most lately linked 200; More says how many beyond).
type NetworkAnswer struct {
	Entities []*waymark.Entity
	Children []NetworkChild
	More     int
}

// bounds says how many of an entity's links a search or a picture reads (a phone shared by hundreds
// of children is a finding in itself, and the latest say most), and how many children it shows:
// beyond that a page is unread and a picture unreadable (each child drawn is a view, audited).
type bounds struct{ perEntity, children int }

var (
	searchBounds  = bounds{perEntity: 50, children: 200}
	pictureBounds = bounds{perEntity: 20, children: 60}
)

// SearchNetwork finds the entities a phone, registration, address or handle names, whoever
// recorded them, and every child linked to them or whose own phone it is. The search and each
// record shown are audited.
func (r *Registry) SearchNetwork(ctx context.Context, a waymark.Actor, q waymark.EntitySearch) (*NetworkAnswer, error) {
	if err := r.check(ctx, a, waymark.SearchNetwork, waymark.Scope{OrgID: a.OrgID}, "entity", ""); err != nil {
		return nil, err
	}
	keys, err := q.Keys()
	if err != nil {
		return nil, err
	}
	entities, err := r.store.EntitiesFound(ctx, keys)
	if err != nil {
		return nil, err
	}
	if q.Entity != "" {
		byID, err := r.store.EntitiesByID(ctx, []string{q.Entity})
		if err != nil {
			return nil, err
		}
		if e := byID[q.Entity]; e != nil && !slices.ContainsFunc(entities, func(f *waymark.Entity) bool { return f.ID == e.ID }) {
			entities = append(entities, e)
		}
	}
	var phones []string
	for _, k := range keys {
		if p, ok := strings.CutPrefix(k, "phone:"); ok {
			phones = append(phones, p)
		}
	}
	var searched []*audit.Entry
	for _, e := range entities {
		searched = append(searched, entry(a, string(waymark.SearchNetwork), "entity", e.ID, e.OrgID))
	}
	if len(searched) == 0 {
		searched = append(searched, entry(a, string(waymark.SearchNetwork), "entity", "", ""))
	}
	children, more, err := r.networkChildren(ctx, a, entities, phones, "", searchBounds, "network search", searched...)
	for _, e := range entities { // what is known of an adult or a place is for those who see a child linked to it
		if e.OrgID != a.OrgID && !slices.ContainsFunc(children, func(c NetworkChild) bool {
			return c.Visible && slices.ContainsFunc(c.Links, func(l *waymark.Link) bool { return l.EntityID == e.ID })
		}) {
			e.Details = ""
		}
	}
	return &NetworkAnswer{Entities: entities, Children: children, More: more}, err
}

// networkChildren returns the children linked to the entities, or holding one of the phones as
// their own, but the one left out, most lately linked first, each dressed for a and the views
// audited with the entries in also; beyond the bounds, only how many more.
func (r *Registry) networkChildren(ctx context.Context, a waymark.Actor, entities []*waymark.Entity, phones []string, leave string, b bounds,
	reason string, also ...*audit.Entry) (_ []NetworkChild, more int, _ error) {
	ids := make([]string, len(entities))
	for i, e := range entities {
		ids[i] = e.ID
		if e.Kind == "phone" && !slices.Contains(phones, e.Value) {
			phones = append(phones, e.Value)
		}
	}
	links, err := r.store.EntityLinks(ctx, ids, b.perEntity)
	if err != nil {
		return nil, 0, err
	}
	byChild, latest := map[string]*NetworkChild{}, map[string]string{}
	var order []string
	at := func(id string) *NetworkChild {
		if byChild[id] == nil {
			ref, org := r.Engine.Index.Ref(id)
			byChild[id] = &NetworkChild{Match: Match{Candidate: identify.Candidate{ChildID: id, Ref: ref, OrgID: org}}}
			order = append(order, id)
		}
		return byChild[id]
	}
	for _, l := range links {
		if l.ChildID != leave {
			nc := at(l.ChildID)
			nc.Links = append(nc.Links, l)
			latest[l.ChildID] = max(latest[l.ChildID], l.From)
		}
	}
	for _, p := range phones {
		for _, id := range r.Engine.Index.WithPhone(p) {
			if id != leave {
				at(id).OwnPhone = p
			}
		}
	}
	slices.SortStableFunc(order, func(x, y string) int { return cmp.Compare(latest[y], latest[x]) })
	if len(order) > b.children {
		order, more = order[:b.children], len(order)-b.children
	}
	cands := make([]identify.Candidate, len(order))
	for i, id := range order {
		cands[i] = byChild[id].Candidate
	}
	ms, err := r.dressWith(ctx, a, cands, r.store.ChildrenListed, reason, also...) // a search and a picture show names alone
	if err != nil {
		return nil, 0, err
	}
	out := make([]NetworkChild, 0, len(ms))
	for _, m := range recorded(ms) {
		nc := byChild[m.ChildID]
		nc.Match = m
		out = append(out, *nc)
	}
	return out, more, nil
}

// Graph is the picture of a child's network two steps out: the child, the entities linked to them
// (and their own phones), and the other children linked to those.
type Graph struct {
	ChildID string `json:"child_id"`
	Nodes   []Node `json:"nodes"`
	Edges   []Edge `json:"edges"`
	More    int    `json:"more,omitempty"` // other children linked, beyond those drawn
}

// Node is a child or an entity in a Graph. A child the reader may not see is labelled by their
// reference and owner only.
type Node struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"` // "child", or the entity's kind
	Label   string `json:"label"`
	Owner   string `json:"owner,omitempty"`
	Visible bool   `json:"visible"`
	Step    int    `json:"step"` // 0 the child, 1 what they are linked to, 2 the other children
}

// Edge is a link between a child and an entity; a child's own phone is the role "own_phone".
type Edge struct {
	Child      string `json:"child_id"`
	Entity     string `json:"entity_id"`
	Role       string `json:"role"`
	From       string `json:"from,omitempty"`
	To         string `json:"to,omitempty"`
	Confidence string `json:"confidence,omitempty"`
}

// Network draws a child's network for police and managers who may see the child. The other
// children are shown as a search shows them; the view and each record shown are audited.
func (r *Registry) Network(ctx context.Context, a waymark.Actor, childID string) (*Graph, error) {
	sc, err := r.childScope(ctx, a, waymark.ViewNetwork, childID)
	if err != nil {
		return nil, err
	}
	c, err := r.store.Child(ctx, childID)
	if err != nil {
		return nil, err
	}
	links, err := r.store.ChildLinks(ctx, childID)
	if err != nil {
		return nil, err
	}
	g := &Graph{ChildID: childID, Nodes: []Node{{ID: childID, Kind: "child", Label: c.Name(), Visible: true}}}
	var entities []*waymark.Entity
	for _, l := range links {
		if !slices.ContainsFunc(entities, func(e *waymark.Entity) bool { return e.ID == l.EntityID }) {
			entities = append(entities, l.Entity)
			g.Nodes = append(g.Nodes, Node{ID: l.EntityID, Kind: l.Entity.Kind, Label: l.Entity.Value, Visible: true, Step: 1})
		}
		g.Edges = append(g.Edges, Edge{childID, l.EntityID, l.Role, l.From, l.To, l.Confidence})
	}
	phoneNode := map[string]string{}
	for _, e := range entities {
		if e.Kind == "phone" {
			phoneNode[e.Value] = e.ID
		}
	}
	for _, p := range c.Phones { // the child's own phones, as entities where one is recorded
		if phoneNode[p] == "" {
			phoneNode[p] = "phone:" + p
			g.Nodes = append(g.Nodes, Node{ID: phoneNode[p], Kind: "phone", Label: p, Visible: true, Step: 1})
		}
		g.Edges = append(g.Edges, Edge{Child: childID, Entity: phoneNode[p], Role: "own_phone"})
	}
	others, more, err := r.networkChildren(ctx, a, entities, c.Phones, childID, pictureBounds, "network picture",
		entry(a, string(waymark.ViewNetwork), "child", childID, sc.OrgID))
	if err != nil {
		return nil, err
	}
	g.More = more
	for _, o := range others {
		n := Node{ID: o.ChildID, Kind: "child", Label: o.Ref, Visible: o.Visible, Step: 2}
		if o.Owner != nil {
			n.Owner = o.Owner.Name
		}
		if o.Visible {
			n.Label = o.Child.Name()
		}
		g.Nodes = append(g.Nodes, n)
		for _, l := range o.Links {
			g.Edges = append(g.Edges, Edge{o.ChildID, l.EntityID, l.Role, l.From, l.To, l.Confidence})
		}
		if o.OwnPhone != "" {
			g.Edges = append(g.Edges, Edge{Child: o.ChildID, Entity: phoneNode[o.OwnPhone], Role: "own_phone"})
		}
	}
	return g, nil
}

// ImportNetwork records a network file's entities and links for the organisation's children, in
// one transaction: all or nothing. An entity is the one the organisation imported under the same
// ref before (or whose Waymark id the ref is, as an export writes), else the one recorded with the
// same value, else new; a link recorded already (the same child, entity, role and first day) is
// not added again, so a file imported twice adds nothing. bad names each link whose child the organisation does not hold.
func (r *Registry) ImportNetwork(ctx context.Context, a waymark.Actor, orgID string, n *interchange.Network) (created, added int, bad []string, err error) {
	if err := r.check(ctx, a, waymark.RecordNetwork, waymark.Scope{OrgID: orgID}, "entity", ""); err != nil {
		return 0, 0, nil, err
	}
	var refs []string
	for _, l := range n.Links {
		refs = append(refs, l.ChildRef)
	}
	slices.Sort(refs)
	ids, err := r.store.ChildIDsByRefs(ctx, orgID, slices.Compact(refs))
	if err != nil {
		return 0, 0, nil, err
	}
	for _, l := range n.Links {
		if ids[l.ChildRef] == "" {
			bad = append(bad, fmt.Sprintf("line %d: child_ref %q names no child of the organisation", l.Line, l.ChildRef))
		}
	}
	if len(bad) > 0 {
		return 0, 0, bad, nil
	}
	now := r.store.Now()
	err = r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		entities, made, err := importEntities(tx, a, orgID, n)
		if err != nil {
			return err
		}
		created, added = made, 0
		touched := map[*waymark.Entity]bool{}
		for part := range slices.Chunk(n.Links, 1000) {
			ls := make([]*waymark.Link, len(part))
			for i, nl := range part {
				l, e := nl.Link, entities[nl.EntityRef]
				l.ChildID, l.EntityID, l.Entity, l.OrgID, l.RecordedBy = ids[nl.ChildRef], e.ID, e, a.OrgID, a.Name
				ls[i] = &l
			}
			made, err := tx.AddLinksOnce(ls)
			if err != nil {
				return err
			}
			audited := make([]*audit.Entry, len(made))
			for i, l := range made {
				audited[i], touched[l.Entity] = entry(a, "link.create", "link", l.ID, orgID), true
			}
			if err := tx.AuditAll(audited); err != nil {
				return err
			}
			added += len(made)
		}
		if added > bulkLinks {
			if err := tx.Analyze("entities", "links"); err != nil {
				return err
			}
		}
		return r.alertOverlap(tx, slices.Collect(maps.Keys(touched)), now)
	})
	if err == nil && added > 0 {
		r.changed()
	}
	return created, added, nil, err
}

// bulkLinks is how many links an import adds before the planner is told of them within it.
const bulkLinks = 10_000

// importEntities finds or records the entities of an import, a few hundred at a time: by the
// organisation's ref for it, then by its value (a phone, a registration, an address), else
// recorded; each ref is kept. It returns them by ref, and how many it recorded.
func importEntities(tx *sqlstore.Tx, a waymark.Actor, orgID string, n *interchange.Network) (map[string]*waymark.Entity, int, error) {
	out, byName, created := map[string]*waymark.Entity{}, map[string]*waymark.Entity{}, 0
	for refs := range slices.Chunk(n.Order, 500) {
		known, err := tx.EntitiesByRefs(orgID, refs)
		if err != nil {
			return nil, 0, err
		}
		var names []string
		for _, ref := range refs {
			if name, _ := n.Entities[ref].SearchKeys(); known[ref] == nil && name != "" && byName[name] == nil {
				names = append(names, name)
			}
		}
		named, err := tx.EntitiesNamed(names)
		if err != nil {
			return nil, 0, err
		}
		maps.Copy(byName, named)
		var fresh []*waymark.Entity
		kept := map[string]string{}
		for _, ref := range refs {
			e := known[ref]
			name, _ := n.Entities[ref].SearchKeys()
			if e == nil && name != "" {
				e = byName[name]
			}
			if e == nil {
				e = n.Entities[ref]
				e.OrgID, e.RecordedBy = a.OrgID, a.Name
				fresh = append(fresh, e)
				if name != "" {
					byName[name] = e // the same value under another ref further on is this entity
				}
			}
			out[ref] = e
		}
		if err := tx.CreateEntities(fresh); err != nil {
			return nil, 0, err
		}
		audited := make([]*audit.Entry, len(fresh))
		for i, e := range fresh {
			audited[i] = entry(a, "entity.create", "entity", e.ID, a.OrgID)
		}
		for _, ref := range refs {
			kept[ref] = out[ref].ID
		}
		if err := tx.AuditAll(audited); err != nil {
			return nil, 0, err
		}
		if err := tx.KeepEntityRefs(orgID, kept); err != nil {
			return nil, 0, err
		}
		created += len(fresh)
	}
	return out, created, nil
}

// ExportNetwork writes the links of the organisation's children (orgID "": every child's), with
// the entities they join, as network interchange; the export is audited.
func (r *Registry) ExportNetwork(ctx context.Context, a waymark.Actor, orgID string, w io.Writer) (int, error) {
	if err := r.check(ctx, a, waymark.ExportChildren, waymark.Scope{OrgID: orgID}, "links", orgID); err != nil {
		return 0, err
	}
	links, refs, err := r.store.OrgLinks(ctx, orgID)
	if err != nil {
		return 0, err
	}
	var entities []*waymark.Entity
	for i, l := range links {
		if i == 0 || links[i-1].EntityID != l.EntityID {
			entities = append(entities, l.Entity)
		}
	}
	e := entry(a, "network.export", "links", orgID, orgID)
	e.Reason = fmt.Sprintf("%d entities, %d links", len(entities), len(links))
	if err := r.store.Audit(ctx, e); err != nil {
		return 0, err
	}
	bw := bufio.NewWriter(w)
	if err := interchange.WriteNetwork(bw, entities, links, refs); err != nil {
		return 0, err
	}
	return len(links), bw.Flush()
}

// EndLink records the last day of a child's link (a child moved from an address, a phone no longer
// used): the link stays, as history.
func (r *Registry) EndLink(ctx context.Context, a waymark.Actor, linkID, to string) (*waymark.Link, error) {
	l, err := r.store.Link(ctx, linkID)
	if err != nil {
		return nil, err
	}
	if l.To != "" {
		return nil, waymark.Invalid("to", "This link has already ended, on "+l.To)
	}
	ended := *l
	if ended.To = strings.TrimSpace(to); ended.To == "" {
		return nil, waymark.Invalid("to", "Enter the last day of the link")
	}
	if err := ended.Normalize(l.Entity.Kind, r.store.Now()); err != nil {
		return nil, err
	}
	err = r.recordCare(ctx, a, waymark.RecordNetwork, l.ChildID, "link.end", "link", func(tx *sqlstore.Tx, sc waymark.Scope) (string, error) {
		ok, err := tx.EndLink(linkID, ended.To)
		if err == nil && !ok {
			err = waymark.Errorf(waymark.ECONFLICT, "This link was ended meanwhile.")
		}
		return linkID, err
	})
	return &ended, err
}
