package registry

import (
	"context"
	"strings"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// RequestHandover hands a child the actor's organisation is responsible for to a council: from
// whoever recorded them (border force, police) to the council whose area it is, or from one
// council to another. The receiving council is alerted at once; until it accepts, the sending
// organisation stays responsible.
func (r *Registry) RequestHandover(ctx context.Context, a waymark.Actor, h *waymark.Handover) error {
	if err := h.Normalize(); err != nil {
		return err
	}
	sc, err := r.store.ChildScope(ctx, h.ChildID)
	if err != nil {
		return err
	}
	if err := r.check(ctx, a, waymark.EditChild, sc, "child", h.ChildID); err != nil {
		return err
	}
	from, err := r.store.Org(ctx, sc.OrgID)
	if err != nil {
		return err
	}
	to, err := r.store.Org(ctx, h.ToOrgID)
	if waymark.ErrorCode(err) == waymark.ENOTFOUND || err == nil && (to.Kind != "council" || to.ID == from.ID) {
		return &waymark.Error{Code: waymark.EINVALID, Message: "The child was not handed over.",
			Fields: []waymark.FieldError{{Field: "to_org_id", Message: "Choose a council other than the one responsible now"}}}
	} else if err != nil {
		return err
	}
	h.FromOrgID, h.RequestedBy, h.Kind = from.ID, a.Name, waymark.HandoverKind
	if from.Kind == "council" {
		h.Kind = waymark.TransferKind
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.CreateHandover(h); err != nil {
			return err
		}
		if _, err := tx.RaiseAlerts([]*waymark.Alert{{Kind: waymark.AlertHandoverRequested, Subject: h.ID, ChildID: h.ChildID,
			OrgID: h.ToOrgID, DueAt: h.RequestedAt}}); err != nil {
			return err
		}
		e := entry(a, "handover.request", "handover", h.ID, from.ID)
		e.Reason = h.Kind + " to " + to.Name + ": " + h.Reason
		return tx.Audit(e)
	})
}

// DecideHandover accepts (the receiving council becomes responsible for the child) or declines,
// with a reason, a handover waiting on the actor's organisation. Declined, the sending
// organisation is alerted and stays responsible.
func (r *Registry) DecideHandover(ctx context.Context, a waymark.Actor, id string, accept bool, why string) (*waymark.Handover, error) {
	h, err := r.store.Handover(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := r.check(ctx, a, waymark.RecordCare, waymark.Scope{OrgID: h.ToOrgID}, "handover", h.ID); err != nil {
		return nil, err
	}
	if why = strings.Join(strings.Fields(why), " "); !accept && why == "" {
		return nil, &waymark.Error{Code: waymark.EINVALID, Message: "The handover was not declined.",
			Fields: []waymark.FieldError{{Field: "reason", Message: "Say why, so that the sending organisation knows what to do next"}}}
	}
	share, err := r.shareWith(ctx, a, h.FromOrgID, h.ChildID, "handover", "the child's care moves by "+h.Kind, "safeguarding")
	if err != nil {
		return nil, err
	}
	defer r.reindex(ctx, h.ChildID)
	return h, r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.DecideHandover(h, accept, a.Name, why); err != nil {
			return err
		}
		if !accept {
			if _, err := tx.RaiseAlerts([]*waymark.Alert{{Kind: waymark.AlertHandoverDeclined, Subject: h.ID, ChildID: h.ChildID,
				OrgID: h.FromOrgID, DueAt: h.DecidedAt}}); err != nil {
				return err
			}
			e := entry(a, "handover.decline", "handover", h.ID, h.ToOrgID)
			e.Reason = why
			return tx.Audit(e)
		}
		accepted := entry(a, "handover.accept", "handover", h.ID, h.ToOrgID)
		accepted.Reason = strings.TrimPrefix(share.under(), "; ")
		if err := tx.Audit(accepted); err != nil {
			return err
		}
		if err := tx.Disclose(share.disclosure); err != nil {
			return err
		}
		e := entry(a, string(waymark.EditChild), "child", h.ChildID, h.ToOrgID) // the change feed's word for it
		e.Reason = "responsible from now, by " + h.Kind + " " + h.ID
		return tx.Audit(e)
	})
}

// Handovers lists the handovers to or from the actor's organisation, in a status ("" for any).
func (r *Registry) Handovers(ctx context.Context, a waymark.Actor, status string) ([]*waymark.Handover, error) {
	if err := r.check(ctx, a, waymark.EditChild, waymark.Scope{OrgID: a.OrgID}, "handovers", a.OrgID); err != nil {
		return nil, err
	}
	list, err := r.store.Handovers(ctx, a.OrgID, status)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(list))
	for i, h := range list {
		ids[i] = h.ChildID
	}
	refs, err := r.store.ChildRefs(ctx, ids)
	for _, h := range list {
		h.ChildRef = refs[h.ChildID]
	}
	return list, err
}
