package registry

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/interchange"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// ExportChildren writes every child of orgID ("" for all), with their encounters and care
// history, to w as child interchange JSON Lines, and returns how many. The export is audited,
// with how many children it holds, before the first line is written.
func (r *Registry) ExportChildren(ctx context.Context, a waymark.Actor, orgID string, w io.Writer) (int, error) {
	if err := r.check(ctx, a, waymark.ExportChildren, waymark.Scope{OrgID: orgID}, "children", orgID); err != nil {
		return 0, err
	}
	n, err := r.store.CountChildren(ctx, orgID)
	if err != nil {
		return 0, err
	}
	e := entry(a, string(waymark.ExportChildren), "children", orgID, orgID)
	e.Reason = fmt.Sprintf("%d children", n)
	if err := r.store.Audit(ctx, e); err != nil {
		return 0, err
	}
	bw := bufio.NewWriter(w)
	written := 0
	err = r.store.AllChildren(ctx, orgID, func(c *waymark.Child) error {
		encs, err := r.store.Encounters(ctx, c.ID)
		if err != nil {
			return err
		}
		h, err := r.history(ctx, c.ID)
		if err != nil {
			return err
		}
		written++
		return interchange.Write(bw, interchange.Export(c, encs, h))
	})
	if err != nil {
		return written, err
	}
	return written, bw.Flush()
}

// history reads the care history a child's interchange record carries.
func (r *Registry) history(ctx context.Context, childID string) (h interchange.History, err error) {
	if h.Placements, err = r.store.Placements(ctx, childID); err != nil {
		return h, err
	}
	if h.Episodes, err = r.store.Episodes(ctx, childID); err != nil {
		return h, err
	}
	if h.Screenings, err = r.store.Screenings(ctx, childID); err != nil {
		return h, err
	}
	h.NRM, err = r.store.NRMReferral(ctx, childID)
	return h, err
}

// Redacted stands where a subject access export leaves out what another person is.
const Redacted = "[withheld: about another person]"

// ExportSubject writes everything held on one child, for a subject access request, as JSON Lines
// to w: the record with its care history (as child interchange), every contact, every link to a
// person, phone or place, every fingerprint bureau search, every photo (base64), and every audit
// entry about the child — who viewed or changed the record, and when. With redact, what is about
// other people (the adults with the child, the people and places of concern, the people the child
// is linked to, the professionals who read the record) is withheld, for the officer to release
// what may be released. The export is audited before the first line is written; it returns how
// many lines it wrote.
func (r *Registry) ExportSubject(ctx context.Context, a waymark.Actor, childID string, redact bool, w io.Writer) (int, error) {
	sc, err := r.childScope(ctx, a, waymark.SubjectAccess, childID)
	if err != nil {
		return 0, err
	}
	c, err := r.store.Child(ctx, childID)
	if err != nil {
		return 0, err
	}
	encs, err := r.store.Encounters(ctx, childID)
	if err != nil {
		return 0, err
	}
	h, err := r.history(ctx, childID)
	if err != nil {
		return 0, err
	}
	links, err := r.store.ChildLinks(ctx, childID)
	if err != nil {
		return 0, err
	}
	bureau, err := r.store.BureauSearches(ctx, childID)
	if err != nil {
		return 0, err
	}
	entries, err := r.store.AuditEntries(ctx, sqlstore.AuditFilter{RecordID: childID, Limit: 1 << 30})
	if err != nil {
		return 0, err
	}
	e := entry(a, string(waymark.SubjectAccess), "child", childID, sc.OrgID)
	e.Reason = map[bool]string{true: "redacted", false: "not redacted"}[redact]
	if err := r.store.Audit(ctx, e); err != nil {
		return 0, err
	}
	if redact {
		c.Concerns = withheld(c.Concerns)
		for _, enc := range encs {
			enc.AccompanyingAdults = withheld(enc.AccompanyingAdults)
		}
		for _, ep := range h.Episodes {
			ep.LastSeenWith, ep.FoundBy = withheld(ep.LastSeenWith), withheld(ep.FoundBy)
		}
		for _, l := range links {
			if l.Entity.Kind == "person" {
				l.Entity.Value, l.Entity.Details = Redacted, withheld(l.Entity.Details)
			}
			l.Note = withheld(l.Note)
		}
		for i := range entries {
			entries[i].ActorName, entries[i].UserID, entries[i].Addr = withheld(entries[i].ActorName), "", ""
		}
	}
	lines := []any{map[string]any{"type": "record", "record": interchange.Export(c, encs, h)}}
	for _, enc := range encs {
		lines = append(lines, map[string]any{"type": "contact", "contact": enc})
	}
	for _, l := range links {
		lines = append(lines, map[string]any{"type": "link", "link": l, "entity": l.Entity})
	}
	for _, b := range bureau {
		lines = append(lines, map[string]any{"type": "bureau_search", "bureau_search": b})
	}
	for _, p := range c.Photos {
		_, contentType, data, err := r.store.PhotoData(ctx, p.ID, false)
		if err != nil {
			return 0, err
		}
		lines = append(lines, map[string]any{"type": "photo", "id": p.ID, "content_type": contentType, "taken": p.CreatedAt, "data": data})
	}
	for _, ae := range entries {
		lines = append(lines, map[string]any{"type": "audit", "at": ae.At, "by": ae.ActorName, "org_id": ae.OrgID, "action": ae.Action, "reason": ae.Reason})
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for i, l := range lines {
		if err := enc.Encode(l); err != nil {
			return i, err
		}
	}
	return len(lines), bw.Flush()
}

// withheld is Redacted where there is something to withhold.
func withheld(s string) string {
	if s == "" {
		return ""
	}
	return Redacted
}

// ChildIDByRef returns the id of the organisation's child with the reference, for those who may
// answer a subject access request for its children.
func (r *Registry) ChildIDByRef(ctx context.Context, a waymark.Actor, orgID, ref string) (string, error) {
	if err := r.check(ctx, a, waymark.SubjectAccess, waymark.Scope{OrgID: orgID}, "child", ""); err != nil {
		return "", err
	}
	ids, err := r.store.ChildIDsByRefs(ctx, orgID, []string{ref})
	if err != nil {
		return "", err
	}
	if ids[ref] == "" {
		return "", waymark.Errorf(waymark.ENOTFOUND, "No child of that organisation has the reference %q.", ref)
	}
	return ids[ref], nil
}
