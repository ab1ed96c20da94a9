// Package alert raises the alerts that care deadlines call for — missing and still missing, return
// interviews due and overdue, birthdays at 17½ and 18, identification incomplete, unsuitable
// placements — and sends them on by e-mail and signed webhooks.
//
// Alerts are derived from what the database holds, not from timers: each sweep works out every
// deadline that has passed and raises the alerts not yet raised (the database refuses a second alert
// of a kind for one subject). A restarted service, or a second instance, thus neither repeats an
// alert nor skips one; only a deadline already StaleAfter old when first seen is let go.
package alert

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Scheduler sweeps for due deadlines.
type Scheduler struct {
	Store *sqlstore.Store
	Now   func() time.Time
	Log   *slog.Logger
	// OnRaise, if set, is called after a sweep that raised alerts.
	OnRaise func()
	nudge   chan struct{}
}

// New returns a scheduler on the store with the wall clock.
func New(st *sqlstore.Store, log *slog.Logger) *Scheduler {
	return &Scheduler{Store: st, Now: time.Now, Log: log, nudge: make(chan struct{}, 1)}
}

// Nudge asks for a sweep now (after a write that may raise an alert at once).
func (s *Scheduler) Nudge() { nudge(s.nudge) }

// Sweep raises the alerts due now (Tick), logs how many, and hands them to OnRaise (the sender's nudge).
func (s *Scheduler) Sweep(ctx context.Context) error {
	start := time.Now()
	raised, err := s.Tick(ctx)
	if len(raised) > 0 {
		s.Log.Info("alerts raised", "count", len(raised), "sweep", time.Since(start).Round(time.Millisecond))
		if s.OnRaise != nil {
			s.OnRaise()
		}
	}
	return err
}

// Run sweeps every interval, and when nudged, until ctx ends. It begins by waiting: the service
// sweeps once before it listens, since the first sweep after an import may raise thousands of alerts
// and searches arriving meanwhile would wait on it.
func (s *Scheduler) Run(ctx context.Context, interval time.Duration) {
	loop(ctx, interval, s.nudge, s.Log, "alert sweep", false, s.Sweep)
}

func nudge(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// loop runs f every interval and whenever nudged, until ctx ends; and first, if now.
func loop(ctx context.Context, interval time.Duration, nudged chan struct{}, log *slog.Logger, what string, now bool, f func(context.Context) error) {
	run := func() {
		if err := f(ctx); err != nil && ctx.Err() == nil {
			log.Error(what, "err", err)
		}
	}
	if now {
		run()
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-nudged:
		}
		run()
	}
}

// Tick raises every alert now due and not yet raised, and clears those whose cause is gone. It
// returns the alerts it raised.
func (s *Scheduler) Tick(ctx context.Context) ([]*waymark.Alert, error) {
	now := s.Now().UTC()
	due, err := s.due(ctx, now)
	if err != nil {
		return nil, err
	}
	// Most due alerts were raised by an earlier sweep: leave them out of the write transaction,
	// which holds every other writer back. The database still refuses any raised meanwhile.
	known, err := s.Store.RaisedSince(ctx, now.Add(-waymark.StaleAfter))
	if err != nil {
		return nil, err
	}
	due = slices.DeleteFunc(due, func(a *waymark.Alert) bool { return known[[2]string{a.Kind, a.Subject}] })
	var raised []*waymark.Alert
	for batch := range slices.Chunk(due, raiseBatch) {
		var got []*waymark.Alert
		err := s.Store.InTx(ctx, func(tx *sqlstore.Tx) (err error) {
			got, err = tx.RaiseAlerts(batch)
			return err
		})
		if err != nil {
			return raised, err
		}
		raised = append(raised, got...)
	}
	err = s.Store.InTx(ctx, func(tx *sqlstore.Tx) error {
		_, err := tx.ClearResolved(now)
		return err
	})
	return raised, err
}

// raiseBatch alerts are raised per transaction: the first sweep after importing a registry may
// raise thousands, and one transaction for all would hold every request's audit entry back.
const raiseBatch = 200

// birthdays are the ages that raise an alert.
var birthdays = []struct {
	kind          string
	years, months int
}{{waymark.AlertTurning17Half, 17, 6}, {waymark.AlertTurning18, 18, 0}}

// fresh reports whether a deadline at has passed, but not so long ago that it is no longer news.
func fresh(at, now time.Time) bool { return !at.After(now) && now.Sub(at) < waymark.StaleAfter }

// due works out every alert whose deadline has passed.
func (s *Scheduler) due(ctx context.Context, now time.Time) ([]*waymark.Alert, error) {
	var out []*waymark.Alert
	add := func(kind, subject, childID, orgID, police string, at time.Time) *waymark.Alert {
		if !fresh(at, now) {
			return nil
		}
		a := &waymark.Alert{Kind: kind, Subject: subject, ChildID: childID, OrgID: orgID, PoliceOrgID: police, DueAt: at}
		out = append(out, a)
		return a
	}
	// Every open episode, however long: a child is missing until found, and reviewed monthly.
	open, err := s.Store.OpenEpisodes(ctx, "")
	if err != nil {
		return nil, err
	}
	reviews, err := s.Store.OpenReviews(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range open {
		for _, esc := range waymark.Escalations {
			add(esc.Kind, e.ID, e.ChildID, e.OrgID, e.PoliceOrgID, e.LastSeenAt.Add(esc.After)) // time missing counts from last seen
		}
		if rs := reviews[e.ID]; len(rs) > 0 {
			last := rs[len(rs)-1]
			at, monthly := e.NextReview(last)
			kind := waymark.AlertRiskReview
			if monthly {
				kind = waymark.AlertMonthlyReview
			}
			add(kind, last.ID, e.ChildID, e.OrgID, e.PoliceOrgID, at)
		}
	}
	handovers, err := s.Store.OpenHandovers(ctx)
	if err != nil {
		return nil, err
	}
	for _, h := range handovers {
		for _, d := range h.Deadlines() {
			add(d.Kind, d.Subject, d.ChildID, d.OrgID, "", d.DueAt)
		}
	}
	// A profile is due a month after its review: only those reviewed a month (give or take
	// StaleAfter and the months' lengths) ago can be.
	monthAgo := now.AddDate(0, -1, 0)
	profiles, err := s.Store.ProfilesReviewedBetween(ctx, monthAgo.Add(-waymark.StaleAfter).AddDate(0, 0, -4), monthAgo.AddDate(0, 0, 4))
	if err != nil {
		return nil, err
	}
	for _, p := range profiles {
		add(waymark.AlertProfileReview, p.ID, p.ChildID, p.OrgID, "", (&waymark.Profile{ReviewedAt: p.ReviewedAt}).ReviewDue())
	}
	if err := s.firstDays(ctx, now, add); err != nil {
		return nil, err
	}
	pending, err := s.Store.PendingInterviews(ctx, waymark.Actor{})
	if err != nil {
		return nil, err
	}
	for _, e := range pending {
		add(waymark.AlertInterviewDue, e.ID, e.ChildID, e.OrgID, e.PoliceOrgID, e.FoundAt)
		add(waymark.AlertInterviewOverdue, e.ID, e.ChildID, e.OrgID, e.PoliceOrgID, e.InterviewDue())
	}
	for _, b := range birthdays {
		// Only children whose birthday fell within StaleAfter can be due: read those, give or take
		// the few days by which adding months to a month's end overshoots.
		last := now.AddDate(-b.years, -b.months, 0)
		born, err := s.Store.BornBetween(ctx, waymark.Actor{}, last.Add(-waymark.StaleAfter).AddDate(0, 0, -4).Format(waymark.DateLayout),
			last.AddDate(0, 0, 4).Format(waymark.DateLayout))
		if err != nil {
			return nil, err
		}
		for _, c := range born {
			if dob, err := time.Parse(waymark.DateLayout, c.DOB); err == nil {
				add(b.kind, c.ChildID, c.ChildID, c.OrgID, "", dob.AddDate(b.years, b.months, 0))
			}
		}
	}
	concerns, err := s.Store.ConcernsNotReferred(ctx)
	if err != nil {
		return nil, err
	}
	for _, sc := range concerns {
		add(waymark.AlertNRMDue, sc.ID, sc.ChildID, sc.OrgID, "", waymark.AddWorkingDays(sc.Date, waymark.NRMReferralWithin))
	}
	if concerns, err = s.Store.ConcernsWithoutICTG(ctx); err != nil {
		return nil, err
	}
	for _, sc := range concerns {
		add(waymark.AlertICTGDue, sc.ID, sc.ChildID, sc.OrgID, "", waymark.AddWorkingDays(sc.Date, waymark.ICTGReferralWith))
	}
	awaiting, err := s.Store.AwaitingReasonableGrounds(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range awaiting {
		add(waymark.AlertRGOverdue, c.ChildID, c.ChildID, c.OrgID, "", (&waymark.NRMReferral{ReferredOn: c.DOB}).RGDue())
	}
	leaves, err := s.Store.LeaveExpiries(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range leaves { // a new end of leave is a new deadline
		subject := c.ChildID + "/" + c.At.Format(waymark.DateLayout)
		add(waymark.AlertLeaveEnding, subject, c.ChildID, c.OrgID, "", c.At.AddDate(0, -waymark.LeaveWarning, 0))
		add(waymark.AlertLeaveEnds, subject, c.ChildID, c.OrgID, "", c.At)
	}
	incomplete, err := s.Store.IncompleteRecordedBetween(ctx, now.Add(-waymark.IdentificationGrace-waymark.StaleAfter),
		now.Add(-waymark.IdentificationGrace))
	if err != nil {
		return nil, err
	}
	for _, c := range incomplete {
		add(waymark.AlertIdentification, c.ChildID, c.ChildID, c.OrgID, "", c.At.Add(waymark.IdentificationGrace))
	}
	unsuitable, err := s.Store.UnsuitablePlacements(ctx, "", now)
	if err != nil {
		return nil, err
	}
	for _, p := range unsuitable {
		if a := add(waymark.AlertUnsuitablePlacement, p.ID, p.ChildID, p.OrgID, p.PoliceOrgID, p.Start); a != nil {
			a.Detail = waymark.RuleWords(p.Breaks)
		}
	}
	return out, nil
}

// firstDays works out the deadlines of the first 72 hours: safety plans to write and review,
// strategy discussions to hold, and their actions.
func (s *Scheduler) firstDays(ctx context.Context, now time.Time, add func(kind, subject, childID, orgID, police string, at time.Time) *waymark.Alert) error {
	plans, err := s.Store.SafetyPlansDue(ctx, now.Add(-waymark.StaleAfter-waymark.SafetyPlanWithin))
	if err != nil {
		return err
	}
	for _, d := range plans {
		add(waymark.AlertSafetyPlanDue, d.Subject, d.ChildID, d.OrgID, "", d.At.Add(waymark.SafetyPlanWithin))
	}
	reviews, err := s.Store.SafetyPlanReviews(ctx)
	if err != nil {
		return err
	}
	waiting, err := s.Store.WaitingStrategies(ctx)
	if err != nil {
		return err
	}
	for kind, ds := range map[string][]sqlstore.Deadline{waymark.AlertSafetyPlanReview: reviews, waymark.AlertStrategyDue: waiting} {
		for _, d := range ds {
			if !d.At.IsZero() {
				add(kind, d.Subject, d.ChildID, d.OrgID, "", d.At)
			}
		}
	}
	actions, err := s.Store.OpenActions(ctx, now.Add(-waymark.StaleAfter).Format(waymark.DateLayout))
	if err != nil {
		return err
	}
	for _, a := range actions {
		add(waymark.AlertActionDue, a.Subject, a.ChildID, a.OrgID, "", a.At)
		add(waymark.AlertActionOverdue, a.Subject, a.ChildID, a.OrgID, "", a.Overdue)
	}
	return nil
}
