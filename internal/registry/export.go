package registry

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
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

// Subject is everything held on one child, for a subject access request: the record with its
// care history, every contact, every link to a person, phone or place, every fingerprint bureau
// search, every photo, and every audit entry about the child — who viewed or changed the record,
// and when.
type Subject struct {
	Child    *waymark.Child
	Record   *interchange.Record
	Contacts []*waymark.Encounter
	Links    []*waymark.Link
	Bureau   []*waymark.BureauSearch
	Photos   []SubjectPhoto
	Audit    []audit.Entry
	Redacted bool // what is about other people is withheld
}

// SubjectPhoto is a photo with its image.
type SubjectPhoto struct {
	waymark.Photo
	ContentType string
	Data        []byte
}

// Subject gathers everything held on one child for a subject access request. With redact, what is
// about other people (the adults with the child, the people and places of concern, the people the
// child is linked to and the notes on links, who the child was last seen with and found by, the
// professionals who read the record) is withheld, for the officer to release what may be released.
// It is audited before it is returned.
func (r *Registry) Subject(ctx context.Context, a waymark.Actor, childID string, redact bool) (*Subject, error) {
	sc, err := r.childScope(ctx, a, waymark.SubjectAccess, childID)
	if err != nil {
		return nil, err
	}
	s := &Subject{Redacted: redact}
	if s.Child, err = r.store.Child(ctx, childID); err != nil {
		return nil, err
	}
	if s.Contacts, err = r.store.Encounters(ctx, childID); err != nil {
		return nil, err
	}
	h, err := r.history(ctx, childID)
	if err != nil {
		return nil, err
	}
	if s.Links, err = r.store.ChildLinks(ctx, childID); err != nil {
		return nil, err
	}
	if s.Bureau, err = r.store.BureauSearches(ctx, childID); err != nil {
		return nil, err
	}
	if s.Audit, err = r.store.AuditEntries(ctx, sqlstore.AuditFilter{RecordID: childID, Limit: 1 << 30}); err != nil {
		return nil, err
	}
	for _, p := range s.Child.Photos {
		_, contentType, data, err := r.store.PhotoData(ctx, p.ID, false)
		if err != nil {
			return nil, err
		}
		s.Photos = append(s.Photos, SubjectPhoto{p, contentType, data})
	}
	if redact {
		s.withhold(h)
	}
	s.Record = interchange.Export(s.Child, s.Contacts, h)
	e := entry(a, string(waymark.SubjectAccess), "child", childID, sc.OrgID)
	e.Reason = map[bool]string{true: "redacted", false: "not redacted"}[redact]
	return s, r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.Audit(e); err != nil {
			return err
		}
		return tx.Disclose(&waymark.Disclosure{OrgID: sc.OrgID, ChildID: childID, Kind: "subject_access", Recipient: "the child or their representative",
			Purpose: "subject access request (" + e.Reason + ")", LawfulBasis: "subject_access", Actor: a.Name})
	})
}

func (s *Subject) withhold(h interchange.History) {
	s.Child.Concerns = withheld(s.Child.Concerns)
	for _, enc := range s.Contacts {
		enc.AccompanyingAdults = withheld(enc.AccompanyingAdults)
	}
	for _, ep := range h.Episodes {
		ep.LastSeenWith, ep.FoundBy = withheld(ep.LastSeenWith), withheld(ep.FoundBy)
	}
	for _, l := range s.Links {
		if l.Entity.Kind == "person" {
			l.Entity.Value, l.Entity.Details = Redacted, withheld(l.Entity.Details)
		}
		l.Note = withheld(l.Note)
	}
	for i := range s.Audit {
		s.Audit[i].ActorName, s.Audit[i].UserID, s.Audit[i].Addr = withheld(s.Audit[i].ActorName), "", ""
	}
}

// WriteJSONL writes the subject as JSON Lines — the record first, then each contact, link, bureau
// search, photo (base64) and audit entry — and returns how many lines.
func (s *Subject) WriteJSONL(w io.Writer) (int, error) {
	lines := []any{map[string]any{"type": "record", "record": s.Record}}
	for _, enc := range s.Contacts {
		lines = append(lines, map[string]any{"type": "contact", "contact": enc})
	}
	for _, l := range s.Links {
		lines = append(lines, map[string]any{"type": "link", "link": l, "entity": l.Entity})
	}
	for _, b := range s.Bureau {
		lines = append(lines, map[string]any{"type": "bureau_search", "bureau_search": b})
	}
	for _, p := range s.Photos {
		lines = append(lines, map[string]any{"type": "photo", "id": p.ID, "content_type": p.ContentType, "taken": p.CreatedAt, "data": p.Data})
	}
	for _, ae := range s.Audit {
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
