package registry

import (
	"context"
	"strings"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// RequestMerge asks to merge the record m.MergedID into m.SurvivorID, the same child recorded
// twice. A manager of either record's organisation asks; if both are theirs, the merge is made at
// once; if not, the other organisation's managers are alerted and must agree (DecideMerge).
func (r *Registry) RequestMerge(ctx context.Context, a waymark.Actor, m *waymark.Merge) error {
	if m.MergedID == "" && strings.TrimSpace(m.MergedRef) != "" { // named by its reference, as on the page
		ids, err := r.store.ChildIDsByRef(ctx, strings.ToUpper(strings.TrimSpace(m.MergedRef)))
		if err != nil {
			return err
		}
		if len(ids) != 1 {
			return &waymark.Error{Code: waymark.EINVALID, Message: "The records were not merged.",
				Fields: []waymark.FieldError{{Field: "merged_ref", Message: "No record has this reference"}}}
		}
		m.MergedID = ids[0]
	}
	if err := m.Normalize(); err != nil {
		return err
	}
	scopes, err := r.store.ChildScopes(ctx, []string{m.SurvivorID, m.MergedID})
	if err != nil {
		return err
	}
	survivor, ok1 := scopes[m.SurvivorID]
	merged, ok2 := scopes[m.MergedID]
	if !ok1 || !ok2 {
		return &waymark.Error{Code: waymark.EINVALID, Message: "The records were not merged.",
			Fields: []waymark.FieldError{{Field: "merged_id", Message: "No such record"}}}
	}
	mine, other := survivor, merged
	if merged.OrgID == a.OrgID {
		mine, other = merged, survivor
	}
	if err := r.check(ctx, a, waymark.MergeRecords, mine, "child", m.MergedID); err != nil {
		return err
	}
	if survivor.HandoverTo != "" || merged.HandoverTo != "" {
		return waymark.Errorf(waymark.ECONFLICT, "A handover of one of these records is waiting: accept or decline it first.")
	}
	m.RequestedBy, m.RequestedOrgID, m.OtherOrgID = a.Name, a.OrgID, other.OrgID
	var survivorChild *waymark.Child
	err = r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := r.mergeable(tx, m); err != nil {
			return err
		}
		if err := tx.CreateMerge(m); err != nil {
			return err
		}
		e := entry(a, "merge.request", "child", m.MergedID, merged.OrgID)
		e.Reason = "into " + m.SurvivorID + ": " + m.Reason
		if err := tx.Audit(e); err != nil {
			return err
		}
		if other.OrgID != a.OrgID {
			theirs := m.MergedID // the alert names the other organisation's own record
			if survivor.OrgID == other.OrgID {
				theirs = m.SurvivorID
			}
			_, err := tx.RaiseAlerts([]*waymark.Alert{{Kind: waymark.AlertMergeRequested, Subject: m.ID, ChildID: theirs,
				OrgID: other.OrgID, DueAt: m.RequestedAt}})
			return err
		}
		survivorChild, err = r.doMerge(tx, a, m)
		return err
	})
	r.merged(m, survivorChild, err)
	return err
}

// mergeable refuses records already merged away.
func (r *Registry) mergeable(tx *sqlstore.Tx, m *waymark.Merge) error {
	for _, id := range []string{m.SurvivorID, m.MergedID} {
		c, err := tx.Child(id)
		if err != nil {
			return err
		}
		if c.MergedInto != "" {
			return waymark.Errorf(waymark.ECONFLICT, "Record %s was already merged into another.", c.Ref)
		}
	}
	return nil
}

// doMerge makes the merge: the survivor absorbs the merged record's identity facts and takes
// over everything that happened to it.
func (r *Registry) doMerge(tx *sqlstore.Tx, a waymark.Actor, m *waymark.Merge) (*waymark.Child, error) {
	survivor, err := tx.Child(m.SurvivorID)
	if err != nil {
		return nil, err
	}
	merged, err := tx.Child(m.MergedID)
	if err != nil {
		return nil, err
	}
	before := *survivor
	survivor.Absorb(merged)
	if err := survivor.Normalize(r.store.Now()); err != nil {
		return nil, err
	}
	if err := tx.DoMerge(m, survivor, &before); err != nil {
		return nil, err
	}
	e := entry(a, string(waymark.MergeRecords), "child", m.SurvivorID, survivor.OrgID)
	e.Reason = "merged " + merged.Ref + " into " + survivor.Ref + ": " + m.Reason
	return survivor, tx.Audit(e)
}

// merged brings the index up to date after a merge or its undoing.
func (r *Registry) merged(m *waymark.Merge, survivor *waymark.Child, err error) {
	if err != nil || survivor == nil {
		return
	}
	r.Engine.Put(survivor)
	if m.Status == waymark.MergeDone {
		r.Engine.Index.Remove(m.MergedID)
	}
	r.changed()
}

// DecideMerge agrees to (and so makes) or declines, with a reason, a merge asked of the actor's
// organisation.
func (r *Registry) DecideMerge(ctx context.Context, a waymark.Actor, id string, agree bool, why string) (*waymark.Merge, error) {
	m, err := r.store.Merge(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := r.check(ctx, a, waymark.MergeRecords, waymark.Scope{OrgID: m.OtherOrgID}, "merge", id); err != nil {
		return nil, err
	}
	if why = strings.Join(strings.Fields(why), " "); !agree && why == "" {
		return nil, &waymark.Error{Code: waymark.EINVALID, Message: "The merge was not declined.",
			Fields: []waymark.FieldError{{Field: "reason", Message: "Say why these are not the same child"}}}
	}
	var survivor *waymark.Child
	err = r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if !agree {
			e := entry(a, "merge.decline", "merge", id, m.OtherOrgID)
			e.Reason = why
			if err := tx.DeclineMerge(m, a.Name, why); err != nil {
				return err
			}
			return tx.Audit(e)
		}
		if err := tx.AgreeMerge(m, a.Name); err != nil {
			return err
		}
		if err := r.mergeable(tx, m); err != nil {
			return err
		}
		survivor, err = r.doMerge(tx, a, m)
		return err
	})
	r.merged(m, survivor, err)
	return m, err
}

// UndoMerge undoes a merge exactly: both records are again as they were just before it. A manager
// of the surviving record's organisation, or of the one that asked, undoes it.
func (r *Registry) UndoMerge(ctx context.Context, a waymark.Actor, id string) (*waymark.Merge, error) {
	m, err := r.store.Merge(ctx, id)
	if err != nil {
		return nil, err
	}
	sc, err := r.store.ChildScope(ctx, m.SurvivorID)
	if err != nil {
		return nil, err
	}
	if a.OrgID == m.RequestedOrgID {
		sc.OrgID = a.OrgID
	}
	if err := r.check(ctx, a, waymark.MergeRecords, sc, "merge", id); err != nil {
		return nil, err
	}
	var survivor, merged *waymark.Child
	err = r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.UndoMerge(m, a.Name); err != nil {
			return err
		}
		if survivor, err = tx.Child(m.SurvivorID); err != nil {
			return err
		}
		if merged, err = tx.Child(m.MergedID); err != nil {
			return err
		}
		return tx.Audit(entry(a, "merge.undo", "merge", id, sc.OrgID))
	})
	if err == nil {
		r.Engine.Put(merged)
	}
	r.merged(m, survivor, err)
	return m, err
}

// Merges lists the merges the actor's organisation asked for or must agree to.
func (r *Registry) Merges(ctx context.Context, a waymark.Actor, status string) ([]*waymark.Merge, error) {
	if err := r.check(ctx, a, waymark.MergeRecords, waymark.Scope{OrgID: a.OrgID}, "merges", a.OrgID); err != nil {
		return nil, err
	}
	return r.store.Merges(ctx, a.OrgID, status)
}
