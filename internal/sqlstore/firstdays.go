package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
)

// SaveSafetyPlan records a review of a child's safety plan as its new version.
func (tx *Tx) SaveSafetyPlan(p *waymark.SafetyPlan) error {
	return tx.saveVersion("safety_plans", p.ChildID, p.ReviewedBy, p, func(v version) { p.ID, p.Version, p.ReviewedAt = v.ID, v.Number, v.At })
}

// SafetyPlan returns a child's current safety plan, or nil if none has been written.
func (s *Store) SafetyPlan(ctx context.Context, childID string) (*waymark.SafetyPlan, error) {
	return current[waymark.SafetyPlan](ctx, s, "safety_plans", childID)
}

// Deadline is something due for a child, for the alert sweep: its subject, child, organisation
// and when it is due.
type Deadline struct {
	Subject, ChildID, OrgID string
	At                      time.Time
}

func scanDeadline(r scanner) (Deadline, error) {
	var d Deadline
	err := r.Scan(&d.Subject, &d.ChildID, &d.OrgID, &d.At)
	d.At = d.At.UTC()
	return d, err
}

func (s *Store) deadlines(ctx context.Context, what, query string, args ...any) ([]Deadline, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return collect(rows, scanDeadline)
}

// SafetyPlansDue lists the open placements, begun since, of children with a trafficking concern
// and no safety plan: each due SafetyPlanWithin of its start.
func (s *Store) SafetyPlansDue(ctx context.Context, since time.Time) ([]Deadline, error) {
	return s.deadlines(ctx, "list safety plans due", `SELECT p.id, p.child_id, p.org_id, p.start_at FROM placements p
		WHERE p.end_at IS NULL AND p.start_at >= $1
		AND EXISTS (SELECT 1 FROM screenings x WHERE x.child_id = p.child_id AND x.outcome = 'trafficking_concern')
		AND NOT EXISTS (SELECT 1 FROM safety_plans sp WHERE sp.child_id = p.child_id)`, since.UTC())
}

// SafetyPlanReviews lists each current safety plan with when its review falls due: when the child
// came back from a missing episode after its last review, or else 72 hours after the first
// version (a later version has nothing due until the child next goes missing: At is zero).
func (s *Store) SafetyPlanReviews(ctx context.Context) ([]Deadline, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT sp.id, sp.child_id, c.org_id, sp.version, sp.reviewed_at, m.returned_at
		FROM safety_plans sp JOIN children c ON c.id = sp.child_id
		LEFT JOIN missing_episodes m ON m.child_id = sp.child_id AND m.returned_at > sp.reviewed_at
		WHERE sp.superseded_at IS NULL ORDER BY sp.id, m.returned_at`)
	if err != nil {
		return nil, fmt.Errorf("list safety plan reviews: %w", err)
	}
	type row struct {
		Deadline
		version int
		back    time.Time
	}
	all, err := collect(rows, func(r scanner) (row, error) {
		var x row
		return x, r.Scan(&x.Subject, &x.ChildID, &x.OrgID, &x.version, &x.At, nullable{&x.back})
	})
	var out []Deadline
	for i, x := range all {
		if i > 0 && all[i-1].Subject == x.Subject {
			continue // the first return after the review is the one that counts
		}
		switch {
		case !x.back.IsZero():
			x.At = x.back
		case x.version == 1:
			x.At = x.At.Add(waymark.SafetyPlanFirstReview)
		default:
			x.At = time.Time{}
		}
		x.At = x.At.UTC()
		out = append(out, x.Deadline)
	}
	return out, err
}

// OpenStrategy opens a strategy discussion for a child, due at due, unless one already waits.
func (tx *Tx) OpenStrategy(childID, orgID, reason string, due time.Time) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO strategy_discussions (id, child_id, org_id, reason, opened_at, due_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, NewID(), childID, orgID, reason, tx.s.now(), due.UTC())
	return wrap(err, "open strategy discussion")
}

// strategyNotes are the sealed part of a strategy discussion.
type strategyNotes struct {
	Attendees []waymark.Attendee `json:"attendees"`
	Shared    string             `json:"shared"`
	Decisions string             `json:"decisions"`
}

// RecordStrategy records a strategy discussion as held: the one waiting for the child, if any,
// else a new one; and its actions.
func (tx *Tx) RecordStrategy(s *waymark.Strategy) error {
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT id, reason, opened_at, due_at FROM strategy_discussions WHERE child_id = $1 AND held_at IS NULL`,
		s.ChildID).Scan(&s.ID, &s.Reason, &s.OpenedAt, &s.DueAt)
	if errors.Is(err, sql.ErrNoRows) {
		s.ID, s.OpenedAt, s.DueAt = NewID(), tx.s.now(), tx.s.now()
		if s.Reason == "" {
			s.Reason = waymark.StrategyAsked
		}
		_, err = tx.tx.ExecContext(tx.ctx, `INSERT INTO strategy_discussions (id, child_id, org_id, reason, opened_at, due_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, s.ID, s.ChildID, s.OrgID, s.Reason, s.OpenedAt, s.DueAt)
	}
	if err != nil {
		return fmt.Errorf("strategy discussion: %w", err)
	}
	plain, err := json.Marshal(strategyNotes{s.Attendees, s.Shared, s.Decisions})
	if err != nil {
		return fmt.Errorf("encode strategy discussion: %w", err)
	}
	if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE strategy_discussions SET held_at = $1, sealed = $2, recorded_by = $3 WHERE id = $4`,
		s.HeldAt.UTC(), tx.s.keys.Seal(plain, versionAAD("strategy_discussions", s.ID)), s.RecordedBy, s.ID); err != nil {
		return fmt.Errorf("record strategy discussion: %w", err)
	}
	for _, a := range s.Actions {
		a.ID = NewID()
		if _, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO strategy_actions (id, discussion_id, child_id, what, owner_id, due_on)
			VALUES ($1, $2, $3, $4, $5, $6)`, a.ID, s.ID, s.ChildID, tx.s.seal(a.What, "action", a.ID, "what"), a.OwnerID, a.Due); err != nil {
			return fmt.Errorf("strategy action: %w", err)
		}
	}
	return nil
}

// Strategies lists a child's strategy discussions, the one waiting first, then newest held first,
// each with its actions.
func (s *Store) Strategies(ctx context.Context, childID string) ([]*waymark.Strategy, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, child_id, org_id, reason, opened_at, due_at, held_at, sealed, recorded_by
		FROM strategy_discussions WHERE child_id = $1 ORDER BY held_at IS NOT NULL, held_at DESC`, childID)
	if err != nil {
		return nil, fmt.Errorf("list strategy discussions: %w", err)
	}
	list, err := collect(rows, func(r scanner) (*waymark.Strategy, error) {
		var st waymark.Strategy
		var sealed []byte
		if err := r.Scan(&st.ID, &st.ChildID, &st.OrgID, &st.Reason, &st.OpenedAt, &st.DueAt, nullable{&st.HeldAt}, &sealed, &st.RecordedBy); err != nil {
			return nil, err
		}
		if len(sealed) > 0 {
			plain, err := s.keys.Open(sealed, versionAAD("strategy_discussions", st.ID))
			if err != nil {
				return nil, fmt.Errorf("open strategy discussion %s: %w", st.ID, err)
			}
			var n strategyNotes
			if err := json.Unmarshal(plain, &n); err != nil {
				return nil, fmt.Errorf("decode strategy discussion %s: %w", st.ID, err)
			}
			st.Attendees, st.Shared, st.Decisions = n.Attendees, n.Shared, n.Decisions
		}
		return &st, nil
	})
	if err != nil || len(list) == 0 {
		return list, err
	}
	actions, err := s.strategyActions(ctx, `a.child_id = $1`, childID)
	for _, st := range list {
		for _, a := range actions {
			if a.discussion == st.ID {
				st.Actions = append(st.Actions, a.StrategyAction)
			}
		}
	}
	return list, err
}

type strategyAction struct {
	*waymark.StrategyAction
	discussion, childID, orgID string
}

func (s *Store) strategyActions(ctx context.Context, where string, args ...any) ([]strategyAction, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.discussion_id, a.child_id, c.org_id, a.what, a.owner_id, u.name, a.due_on, a.done_at, a.done_by
		FROM strategy_actions a JOIN users u ON u.id = a.owner_id JOIN children c ON c.id = a.child_id WHERE `+where+` ORDER BY a.due_on`, args...)
	if err != nil {
		return nil, fmt.Errorf("list strategy actions: %w", err)
	}
	return collect(rows, func(r scanner) (strategyAction, error) {
		a := strategyAction{StrategyAction: &waymark.StrategyAction{}}
		if err := r.Scan(&a.ID, &a.discussion, &a.childID, &a.orgID, &a.What, &a.OwnerID, &a.Owner, &a.Due, nullable{&a.DoneAt}, &a.DoneBy); err != nil {
			return a, err
		}
		return a, s.open("action", a.ID, map[string]*string{"what": &a.What})
	})
}

// StrategyAction returns one action and the child it is for.
func (s *Store) StrategyAction(ctx context.Context, id string) (*waymark.StrategyAction, string, error) {
	list, err := s.strategyActions(ctx, `a.id = $1`, id)
	if err != nil {
		return nil, "", err
	}
	if len(list) == 0 {
		return nil, "", notFound(sql.ErrNoRows, "action")
	}
	return list[0].StrategyAction, list[0].childID, nil
}

// ActionDone marks an action done.
func (tx *Tx) ActionDone(id, by string) error {
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE strategy_actions SET done_at = $1, done_by = $2 WHERE id = $3 AND done_at IS NULL`, tx.s.now(), by, id)
	if err != nil {
		return fmt.Errorf("action done: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return waymark.Errorf(waymark.ECONFLICT, "This action is already done.")
	}
	return nil
}

// WaitingStrategies lists the strategy discussions not yet held, each due at its due time.
func (s *Store) WaitingStrategies(ctx context.Context) ([]Deadline, error) {
	return s.deadlines(ctx, "list waiting strategy discussions",
		`SELECT id, child_id, org_id, due_at FROM strategy_discussions WHERE held_at IS NULL`)
}

// ActionDeadline is an action not yet done: due at the start of its day, overdue at its end.
type ActionDeadline struct {
	Deadline
	Overdue time.Time
}

// OpenActions lists the actions not done that are due on or after from (YYYY-MM-DD).
func (s *Store) OpenActions(ctx context.Context, from string) ([]ActionDeadline, error) {
	list, err := s.strategyActions(ctx, `a.done_at IS NULL AND a.due_on >= $1`, from)
	out := make([]ActionDeadline, len(list))
	for i, a := range list {
		due, overdue := a.DueAt()
		out[i] = ActionDeadline{Deadline{a.ID, a.childID, a.orgID, due}, overdue}
	}
	return out, err
}

const nrmColumns = `referred_on, recorded_by, reference, authority, child_told, rg_outcome, rg_date, cg_outcome, cg_date,
	reconsideration_asked, reconsideration_outcome, ictg_referred_on, ictg_service, responder_org`

func nrmArgs(n *waymark.NRMReferral) []any {
	return []any{n.ReferredOn, n.RecordedBy, n.Reference, n.Authority, n.ChildTold, n.RGOutcome, n.RGDate, n.CGOutcome, n.CGDate,
		n.ReconsiderationAsked, n.ReconsiderationOutcome, n.ICTGReferredOn, n.ICTGService, n.ResponderOrgID}
}

// SetNRMReferral records a child's NRM referral as it now stands.
func (tx *Tx) SetNRMReferral(childID string, n *waymark.NRMReferral) error {
	cols := strings.Split(nrmColumns, ",")
	set := make([]string, len(cols))
	for i, c := range cols {
		c = strings.TrimSpace(c)
		set[i] = c + " = excluded." + c
	}
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO nrm_referrals (child_id, recorded_at, `+nrmColumns+`) VALUES (`+placeholders(1, len(cols)+2)+`)
		ON CONFLICT (child_id) DO UPDATE SET recorded_at = excluded.recorded_at, `+strings.Join(set, ", "),
		append([]any{childID, tx.s.now()}, nrmArgs(n)...)...)
	return wrap(err, "record NRM referral")
}

// NRMReferral returns a child's NRM referral, nil if there is none.
func (s *Store) NRMReferral(ctx context.Context, childID string) (*waymark.NRMReferral, error) {
	n, err := scanNRM(s.db.QueryRowContext(ctx, `SELECT child_id, `+nrmColumns+` FROM nrm_referrals WHERE child_id = $1`, childID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return n.NRMReferral, wrap(err, "read NRM referral")
}

// childNRM is a referral with its child.
type childNRM struct {
	childID string
	*waymark.NRMReferral
}

func scanNRM(r scanner) (childNRM, error) {
	n := childNRM{NRMReferral: &waymark.NRMReferral{}}
	err := r.Scan(&n.childID, &n.ReferredOn, &n.RecordedBy, &n.Reference, &n.Authority, &n.ChildTold, &n.RGOutcome, &n.RGDate,
		&n.CGOutcome, &n.CGDate, &n.ReconsiderationAsked, &n.ReconsiderationOutcome, &n.ICTGReferredOn, &n.ICTGService, &n.ResponderOrgID)
	return n, err
}

// AwaitingReasonableGrounds lists the NRM referrals with no reasonable grounds decision yet.
func (s *Store) AwaitingReasonableGrounds(ctx context.Context) ([]ChildDate, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT n.child_id, c.org_id, n.referred_on FROM nrm_referrals n JOIN children c ON c.id = n.child_id
		WHERE n.rg_date = ''`)
	if err != nil {
		return nil, fmt.Errorf("list referrals awaiting a decision: %w", err)
	}
	return collect(rows, func(r scanner) (ChildDate, error) {
		var c ChildDate
		return c, r.Scan(&c.ChildID, &c.OrgID, &c.DOB)
	})
}
