package registry

import (
	"context"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// FirstDays is what the first 72 hours hold for a child: the safety plan, the strategy
// discussions (one may be waiting) and the NRM referral.
type FirstDays struct {
	SafetyPlan *waymark.SafetyPlan
	Strategies []*waymark.Strategy
	NRM        *waymark.NRMReferral // nil if not referred
}

func (r *Registry) firstDays(ctx context.Context, childID string, fd *FirstDays) (err error) {
	if fd.SafetyPlan, err = r.store.SafetyPlan(ctx, childID); err != nil {
		return err
	}
	if fd.Strategies, err = r.store.Strategies(ctx, childID); err != nil {
		return err
	}
	fd.NRM, err = r.store.NRMReferral(ctx, childID)
	return err
}

// openStrategy opens a strategy discussion, due within a working day, unless one already waits.
func (r *Registry) openStrategy(tx *sqlstore.Tx, childID, orgID, reason string) error {
	return tx.OpenStrategy(childID, orgID, reason, waymark.AddWorkingDays(r.store.Now(), waymark.StrategyWithin))
}

// SaveSafetyPlan reviews a child's safety plan: what is saved becomes its current version.
func (r *Registry) SaveSafetyPlan(ctx context.Context, a waymark.Actor, p *waymark.SafetyPlan) error {
	if err := p.Normalize(); err != nil {
		return err
	}
	p.ReviewedBy = a.Name
	return r.recordCare(ctx, a, waymark.RecordCare, p.ChildID, "safety_plan.review", "child", func(tx *sqlstore.Tx, sc waymark.Scope) (string, error) {
		return p.ChildID, tx.SaveSafetyPlan(p)
	})
}

// RecordStrategy records a strategy discussion held for a child: the one waiting, if any. Each
// action's owner is named by user id or e-mail address.
func (r *Registry) RecordStrategy(ctx context.Context, a waymark.Actor, s *waymark.Strategy) error {
	if err := s.Normalize(r.store.Now()); err != nil {
		return err
	}
	for _, act := range s.Actions {
		u, err := r.userNamed(ctx, act.OwnerID, act.Email, "actions")
		if err != nil {
			return err
		}
		act.OwnerID, act.Owner = u.ID, u.Name
	}
	s.RecordedBy = a.Name
	return r.recordCare(ctx, a, waymark.RecordCare, s.ChildID, "strategy.record", "child", func(tx *sqlstore.Tx, sc waymark.Scope) (string, error) {
		s.OrgID = sc.OrgID
		return s.ChildID, tx.RecordStrategy(s)
	})
}

// ActionDone marks a strategy discussion's action done: by its owner, or by whoever records the
// child's care.
func (r *Registry) ActionDone(ctx context.Context, a waymark.Actor, id string) error {
	act, childID, err := r.store.StrategyAction(ctx, id)
	if err != nil {
		return err
	}
	sc, err := r.store.ChildScope(ctx, childID)
	if err != nil {
		return err
	}
	if a.UserID == "" || a.UserID != act.OwnerID {
		if err := r.check(ctx, a, waymark.RecordCare, sc, "strategy_action", id); err != nil {
			return err
		}
	}
	err = r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.ActionDone(id, a.Name); err != nil {
			return err
		}
		return tx.Audit(entry(a, "strategy.action_done", "strategy_action", id, sc.OrgID))
	})
	if err == nil {
		r.changed()
	}
	return err
}

// RecordNRM records a child's NRM referral as it now stands — the referral, its decisions, the
// ICTG referral — by a first responder: police, border officers, councils.
func (r *Registry) RecordNRM(ctx context.Context, a waymark.Actor, childID string, n *waymark.NRMReferral) error {
	if err := n.Normalize(r.store.Now()); err != nil {
		return err
	}
	return r.recordCare(ctx, a, waymark.ScreenChild, childID, "nrm.referral", "child", func(tx *sqlstore.Tx, sc waymark.Scope) (string, error) {
		n.RecordedBy, n.ResponderOrgID = a.Name, a.OrgID
		return childID, tx.SetNRMReferral(childID, n)
	})
}

// Step is one line of the first-72-hours checklist: done (by whom, when), not needed, or to do
// (by when, if there is a deadline).
type Step struct {
	What      string    `json:"what"`
	Done      bool      `json:"done"`
	NotNeeded string    `json:"not_needed,omitempty"` // why it is not needed, if it is not
	By        string    `json:"by,omitempty"`
	At        time.Time `json:"at,omitzero"`
	Due       time.Time `json:"due,omitzero"`
	Overdue   bool      `json:"overdue"` // still to do, and its deadline has passed
}

// Checklist is the first-72-hours checklist of the record at now.
func (rec *ChildRecord) Checklist(now time.Time) []Step {
	c, care := rec.Child, rec.Care
	id := Step{What: "Identification complete", Done: len(c.Lacks) == 0, Due: c.CreatedAt.Add(waymark.IdentificationGrace)}
	handover := Step{What: "Handover accepted", NotNeeded: "recorded by the council responsible"}
	for _, h := range rec.Handovers { // newest first: the first handover is the last listed
		if h.Kind != waymark.HandoverKind {
			continue
		}
		handover = Step{What: handover.What, Done: h.Status == waymark.HandoverAccepted, By: h.DecidedBy, At: h.DecidedAt, Due: h.DueAt}
	}
	if handover.NotNeeded != "" && rec.Owner.Kind != "council" {
		handover.NotNeeded = ""
	}
	placement := Step{What: "Placed"}
	if len(care.Placements) > 0 {
		p := care.Placements[0]
		placement.Done, placement.By, placement.At = true, p.RecordedBy, p.Start
	}
	plan := Step{What: "Safety plan", NotNeeded: "no trafficking concern screened"}
	if care.Concern() {
		plan.NotNeeded = ""
		if p := care.Current(now); p != nil {
			plan.Due = p.Start.Add(waymark.SafetyPlanWithin)
		}
	}
	if sp := rec.SafetyPlan; sp != nil {
		plan = Step{What: plan.What, Done: true, By: sp.ReviewedBy, At: sp.ReviewedAt}
	}
	strategy := Step{What: "Strategy discussion", NotNeeded: "not called for yet"}
	if len(rec.Strategies) > 0 {
		s := rec.Strategies[0] // the one waiting, else the latest held
		strategy = Step{What: strategy.What, Done: !s.HeldAt.IsZero(), By: s.RecordedBy, At: s.HeldAt, Due: s.DueAt}
	}
	nrm, ictg := Step{What: "NRM referral"}, Step{What: "ICTG referral"}
	if n := rec.NRM; n != nil {
		nrm.Done, nrm.By = true, n.RecordedBy
		nrm.At, _ = time.Parse(waymark.DateLayout, n.ReferredOn)
		if n.ICTGReferredOn != "" {
			ictg.Done, ictg.By = true, n.RecordedBy
			ictg.At, _ = time.Parse(waymark.DateLayout, n.ICTGReferredOn)
		}
	}
	for _, m := range rec.Team {
		if m.Role == waymark.TeamICTG {
			ictg.Done, ictg.By, ictg.At = true, m.AddedBy, m.AddedAt
		}
	}
	steps := []Step{id, handover, placement, plan, strategy, nrm, ictg}
	for i, st := range steps {
		if st.Done || st.NotNeeded != "" {
			steps[i].Due = time.Time{}
		}
		steps[i].Overdue = !st.Done && st.NotNeeded == "" && !st.Due.IsZero() && now.After(st.Due)
	}
	return steps
}
