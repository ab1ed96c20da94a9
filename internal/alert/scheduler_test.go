package alert_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/alert"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

var ctx = context.Background()

// world is a council with a social worker and a manager, a police force, and a fake clock.
type world struct {
	t       *testing.T
	reg     *registry.Registry
	store   *sqlstore.Store
	now     time.Time
	worker  waymark.Actor
	manager waymark.Actor
	police  waymark.Actor
	council *waymark.Organisation
	force   *waymark.Organisation
}

func newWorld(t *testing.T, d sqlstore.Dialect) *world {
	w := &world{t: t, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	st := storetest.Open(t, d)
	st.SetClock(func() time.Time { return w.now })
	w.reg, w.store = registry.New(st), st
	w.council = &waymark.Organisation{Name: "Northshire County Council", Kind: "council"}
	w.force = &waymark.Organisation{Name: "Northshire Police", Kind: "police"}
	users := map[waymark.Role]*waymark.User{}
	err := st.InTx(ctx, func(tx *sqlstore.Tx) error {
		for _, o := range []*waymark.Organisation{w.council, w.force} {
			if err := tx.CreateOrg(o); err != nil {
				return err
			}
		}
		for _, r := range []waymark.Role{waymark.RoleSocialWorker, waymark.RoleManager, waymark.RolePolice} {
			org := w.council
			if r == waymark.RolePolice {
				org = w.force
			}
			u := &waymark.User{OrgID: org.ID, Email: string(r) + "@example.org", Name: string(r), Role: r, PasswordHash: "x"}
			if err := tx.CreateUser(u); err != nil {
				return err
			}
			users[r] = u
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	actor := func(r waymark.Role) waymark.Actor {
		u := users[r]
		return waymark.Actor{UserID: u.ID, OrgID: u.OrgID, Role: r, Name: u.Name}
	}
	w.worker, w.manager, w.police = actor(waymark.RoleSocialWorker), actor(waymark.RoleManager), actor(waymark.RolePolice)
	return w
}

func (w *world) scheduler() *alert.Scheduler {
	s := alert.New(w.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.Now = func() time.Time { return w.now }
	return s
}

func (w *world) child(dob string) *waymark.Child {
	c := &waymark.Child{GivenNames: "Test", FamilyName: "Child", DateOfBirth: dob, Sex: "M", Nationality: "VN"}
	if err := w.reg.CreateChild(ctx, w.worker, c, nil); err != nil {
		w.t.Fatal(err)
	}
	return c
}

// kinds returns the kinds raised, in order.
func kinds(t *testing.T, s *alert.Scheduler) []string {
	t.Helper()
	raised, err := s.Tick(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range raised {
		out = append(out, a.Kind)
	}
	slices.Sort(out)
	return out
}

func (w *world) open(a waymark.Actor) []string {
	w.t.Helper()
	alerts, _, err := w.reg.Alerts(ctx, a, registry.AlertsShown)
	if err != nil {
		w.t.Fatal(err)
	}
	var out []string
	for _, x := range alerts {
		out = append(out, x.Kind)
	}
	slices.Sort(out)
	return out
}

func same(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func TestMissingEpisodeAlertsNeitherRepeatNorSkip(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			w := newWorld(t, d)
			c := w.child("2010-05-01")
			p := &waymark.Placement{ChildID: c.ID, Type: "residential", Provider: "Hill House", Start: w.now, PoliceOrgID: w.force.ID}
			if err := w.reg.AddPlacement(ctx, w.worker, p, ""); err != nil {
				t.Fatal(err)
			}
			s := w.scheduler()
			same(t, "before anything is due", kinds(t, s))

			w.now = w.now.Add(2 * time.Hour)
			e := &waymark.MissingEpisode{ChildID: c.ID, Kind: "missing", Risk: "high", LastSeenAt: w.now.Add(-time.Hour), LastSeenPlace: "Station"}
			if err := w.reg.ReportMissing(ctx, w.worker, e); err != nil {
				t.Fatal(err)
			}
			same(t, "reported", kinds(t, s), waymark.AlertMissing)
			same(t, "the same sweep again", kinds(t, s))
			same(t, "police told", w.open(w.police), waymark.AlertMissing)

			w.now = w.now.Add(25 * time.Hour)
			// A high risk is reviewed every 2 hours: the report's grading is long past due.
			same(t, "after 25 hours", kinds(t, s), waymark.AlertIdentification, waymark.AlertMissing24h, waymark.AlertRiskReview)
			if _, err := w.reg.ReviewRisk(ctx, w.police, e.ID, &waymark.RiskReview{Risk: "high", Note: "Seen on CCTV at the station"}); err != nil {
				t.Fatal(err)
			}
			same(t, "the sweep after the review", kinds(t, s))
			same(t, "reviewed", w.open(w.manager), waymark.AlertIdentification, waymark.AlertMissing24h)
			w.now = w.now.Add(2 * time.Hour)
			same(t, "2 hours after the review", kinds(t, s), waymark.AlertRiskReview)
			same(t, "police told of the review due", w.open(w.police), waymark.AlertMissing24h, waymark.AlertRiskReview)

			// Down for a week: a new scheduler (a restart) catches up on both passed deadlines, once.
			w.now = w.now.Add(7 * 24 * time.Hour)
			s = w.scheduler()
			same(t, "after a restart 8 days in", kinds(t, s), waymark.AlertMissing72h, waymark.AlertMissing7d)
			same(t, "and again", kinds(t, s))
			// All four stages are raised and open; the list shows the episode once, at its latest.
			same(t, "manager's open alerts", w.open(w.manager), waymark.AlertIdentification, waymark.AlertMissing7d, waymark.AlertRiskReview)

			_, err := w.reg.UpdateEpisode(ctx, w.police, e.ID, waymark.UpdateMissing, "found", func(e *waymark.MissingEpisode, now time.Time) error {
				return e.RecordFound(waymark.Found{At: now, Place: "Farm Lane", Where: "cannabis_farm"}, now)
			})
			if err != nil {
				t.Fatal(err)
			}
			// The return interview's clock starts when the child is found, not when they are back.
			same(t, "after the find", kinds(t, s), waymark.AlertInterviewDue)
			same(t, "missing alerts cleared", w.open(w.manager), waymark.AlertIdentification, waymark.AlertInterviewDue)

			w.now = w.now.Add(3 * time.Hour)
			returned := func(e *waymark.MissingEpisode, now time.Time) error { return e.RecordReturned(now, now) }
			if _, err := w.reg.UpdateEpisode(ctx, w.worker, e.ID, waymark.RecordCare, "returned", returned); err != nil {
				t.Fatal(err)
			}
			same(t, "returned", kinds(t, s))
			w.now = w.now.Add(70 * time.Hour)
			same(t, "73 hours later", kinds(t, s), waymark.AlertInterviewOverdue)
			interview := func(e *waymark.MissingEpisode, now time.Time) error {
				return e.RecordInterview(waymark.Interview{OfferedAt: now, InterviewAt: now, InterviewBy: "Independent advocate"}, now)
			}
			if _, err := w.reg.UpdateEpisode(ctx, w.worker, e.ID, waymark.RecordCare, "interviewed", interview); err != nil {
				t.Fatal(err)
			}
			same(t, "interview held", kinds(t, s))
			same(t, "only the incomplete record is left", w.open(w.worker), waymark.AlertIdentification)
		})
	}
}

func TestBirthdayIdentificationAndPlacementAlerts(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			w := newWorld(t, d)
			// Turns 17½ in two days; the record lacks a photo, a document and fingerprints.
			c := w.child(w.now.AddDate(-17, -6, 2).Format(waymark.DateLayout))
			s := w.scheduler()
			same(t, "at once", kinds(t, s))
			w.now = w.now.Add(25 * time.Hour)
			same(t, "a day after first contact", kinds(t, s), waymark.AlertIdentification)
			w.now = w.now.Add(24 * time.Hour)
			same(t, "on the day", kinds(t, s), waymark.AlertTurning17Half)

			// A child screened as trafficked placed in a B&B: flagged to the manager at once.
			sc := &waymark.Screening{ChildID: c.ID, Date: w.now, Outcome: "trafficking_concern", Exploitation: []string{"cannabis"}}
			if err := w.reg.AddScreening(ctx, w.worker, sc); err != nil {
				t.Fatal(err)
			}
			p := &waymark.Placement{ChildID: c.ID, Type: "bnb_hostel", Provider: "Station Hotel", Start: w.now}
			if err := w.reg.AddPlacement(ctx, w.worker, p, ""); err != nil {
				t.Fatal(err)
			}
			same(t, "B&B", kinds(t, s), waymark.AlertUnsuitablePlacement)
			same(t, "manager sees", w.open(w.manager), waymark.AlertIdentification, waymark.AlertTurning17Half, waymark.AlertUnsuitablePlacement)
			alerts, _, _ := w.reg.Alerts(ctx, w.manager, registry.AlertsShown)
			if i := slices.IndexFunc(alerts, func(a *waymark.Alert) bool { return a.Kind == waymark.AlertUnsuitablePlacement }); alerts[i].Detail != waymark.Rules[waymark.RuleBnBHostel] {
				t.Errorf("the alert does not say the rule: %q", alerts[i].Detail)
			}
			same(t, "police see none of it", w.open(w.police))

			w.now = w.now.Add(time.Hour)
			foster := &waymark.Placement{ChildID: c.ID, Type: "specialist_foster", Provider: "Safe Homes", Start: w.now}
			if err := w.reg.AddPlacement(ctx, w.worker, foster, "Unsuitable"); err != nil {
				t.Fatal(err)
			}
			same(t, "moved to foster care", kinds(t, s))
			same(t, "B&B alert cleared", w.open(w.manager), waymark.AlertIdentification, waymark.AlertTurning17Half)

			// A 15-year-old in supported accommodation not registered with Ofsted breaks two rules.
			young := w.child(w.now.AddDate(-15, 0, 0).Format(waymark.DateLayout))
			supported := &waymark.Placement{ChildID: young.ID, Type: "supported", Provider: "Riverside Lodge", Start: w.now}
			if err := w.reg.AddPlacement(ctx, w.worker, supported, ""); err != nil {
				t.Fatal(err)
			}
			same(t, "unlawful placement", kinds(t, s), waymark.AlertUnsuitablePlacement)
			alerts, _, _ = w.reg.Alerts(ctx, w.manager, registry.AlertsShown)
			if i := slices.IndexFunc(alerts, func(a *waymark.Alert) bool { return a.ChildID == young.ID }); i < 0 ||
				alerts[i].Detail != waymark.RuleWords([]string{waymark.RuleUnder16, waymark.RuleNotRegistered}) {
				t.Errorf("the alert does not name both rules: %+v", alerts)
			}

			// A deadline passed long before anyone saw it is not news.
			w.child(w.now.AddDate(-19, 0, 0).Format(waymark.DateLayout))
			w.now = w.now.Add(time.Minute)
			same(t, "an adult's old birthdays", kinds(t, s))
		})
	}
}

// The sweep reads only children whose birthday can be due; one born at a month's end, whose
// 17½ or 18th birthday falls on a day the month lacks, must still be raised on the day.
func TestBirthdaysAtMonthEndsRaisedOnTheDay(t *testing.T) {
	w := newWorld(t, sqlstore.SQLite)
	w.now = time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC)
	want := map[[2]string]string{} // child's date of birth and kind → the day due
	for _, dob := range []string{"2008-08-31", "2008-08-29", "2008-02-29", "2008-03-31", "2008-09-30", "2007-12-31"} {
		w.child(dob)
		b, _ := time.Parse(waymark.DateLayout, dob)
		want[[2]string{dob, waymark.AlertTurning17Half}] = b.AddDate(17, 6, 0).Format(waymark.DateLayout)
		want[[2]string{dob, waymark.AlertTurning18}] = b.AddDate(18, 0, 0).Format(waymark.DateLayout)
	}
	got := map[[2]string]string{}
	s := w.scheduler()
	for ; w.now.Before(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)); w.now = w.now.AddDate(0, 0, 1) {
		raised, err := s.Tick(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range raised {
			c, err := w.store.Child(ctx, a.ChildID)
			if err != nil {
				t.Fatal(err)
			}
			got[[2]string{c.DateOfBirth, a.Kind}] = w.now.Format(waymark.DateLayout)
		}
	}
	for k, day := range want {
		if day < "2026-01-20" || day >= "2026-10-01" {
			continue
		}
		if got[k] != day {
			t.Errorf("born %s, %s: raised on %q, due %s", k[0], k[1], got[k], day)
		}
	}
}

// The sweep reads only the episodes whose escalations may still be due; one whose 28-day alert
// fell due a day ago is among them, and one missing too long for any is not raised.
func TestLongMissingStillEscalates(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			w := newWorld(t, d)
			for _, days := range []int{57, 59} {
				e := &waymark.MissingEpisode{ChildID: w.child("2010-01-01").ID, Kind: "missing", Risk: "high", LastSeenAt: w.now.AddDate(0, 0, -days)}
				if err := w.reg.ReportMissing(ctx, w.worker, e); err != nil {
					t.Fatal(err)
				}
			}
			same(t, "missing 57 and 59 days", kinds(t, w.scheduler()), waymark.AlertMissing28d)
		})
	}
}

// A child is missing until found, however long: reviews fall due by the grade for 28 days, then
// monthly, and a child who goes from missing to absent starts a new episode that carries on.
func TestLongTermMissingIsReviewedMonthly(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			w := newWorld(t, d)
			c := w.child("2009-05-01")
			s := w.scheduler()
			e := &waymark.MissingEpisode{ChildID: c.ID, Kind: "missing", Risk: "low", LastSeenAt: w.now, LastSeenPlace: "School"}
			if err := w.reg.ReportMissing(ctx, w.worker, e); err != nil {
				t.Fatal(err)
			}
			review := func(risk string) {
				t.Helper()
				if _, err := w.reg.ReviewRisk(ctx, w.worker, e.ID, &waymark.RiskReview{Risk: risk, Note: "no news"}); err != nil {
					t.Fatal(err)
				}
			}
			same(t, "reported", kinds(t, s), waymark.AlertMissing)
			w.now = w.now.Add(13 * time.Hour) // a low risk is reviewed every 12 hours
			same(t, "13 hours", kinds(t, s), waymark.AlertRiskReview)
			w.now = w.now.Add(27*24*time.Hour - 14*time.Hour)
			same(t, "27 days", kinds(t, s), waymark.AlertIdentification, waymark.AlertMissing24h, waymark.AlertMissing72h, waymark.AlertMissing7d)
			review("low")
			same(t, "reviewed at 27 days", kinds(t, s))
			w.now = w.now.Add(25 * time.Hour)
			same(t, "28 days", kinds(t, s), waymark.AlertMissing28d, waymark.AlertRiskReview)
			review("medium") // past 28 days: the next review is a month on
			for range 6 {    // two months on, swept every ten days: the next monthly review, once
				w.now = w.now.Add(10 * 24 * time.Hour)
				kinds(t, s)
			}
			same(t, "88 days: the monthly review is open", w.open(w.manager), waymark.AlertIdentification, waymark.AlertMissing28d, waymark.AlertMonthlyReview)

			// Seen at a friend's: no longer missing but absent. A new episode, its own alerts.
			next, err := w.reg.ChangeEpisodeKind(ctx, w.worker, e.ID, "absent", w.now, "Seen at a friend's address")
			if err != nil {
				t.Fatal(err)
			}
			old, err := w.store.Episode(ctx, e.ID)
			if err != nil || old.Open() || old.FollowedBy != next.ID || !old.InterviewDue().IsZero() || next.Kind != "absent" || !next.Open() {
				t.Fatalf("kind change: old %+v, next %+v, %v", old, next, err)
			}
			same(t, "absent", kinds(t, s), waymark.AlertMissing)
			same(t, "the missing episode's alerts cleared", w.open(w.manager), waymark.AlertIdentification, waymark.AlertMissing)
		})
	}
}

// The end of a child's immigration leave is a deadline: three months before it, and on the day.
func TestLeaveEndingAlerts(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			w := newWorld(t, d)
			c := w.child("2009-05-01")
			ends := w.now.AddDate(0, 3, 2)
			c.LeaveExpiry, c.ImmigrationStatus = ends.Format(waymark.DateLayout), "uasc_leave"
			if err := w.reg.UpdateChild(ctx, w.worker, c); err != nil {
				t.Fatal(err)
			}
			s := w.scheduler()
			same(t, "at once", kinds(t, s))
			w.now = w.now.Add(3 * 24 * time.Hour)
			same(t, "three months before", kinds(t, s), waymark.AlertIdentification, waymark.AlertLeaveEnding)
			w.now = ends.Add(time.Minute)
			same(t, "on the day", kinds(t, s), waymark.AlertLeaveEnds)
		})
	}
}

// A trafficking concern: the NRM and ICTG referrals fall due 2 working days later; the reasonable
// grounds decision 5 working days after the referral. Each alert clears when what it asks is done.
func TestNRMAndICTGDeadlines(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			w := newWorld(t, d) // Monday 2 March 2026
			c := w.child("2010-05-01")
			if err := w.reg.AddScreening(ctx, w.worker, &waymark.Screening{ChildID: c.ID, Date: w.now, Outcome: "trafficking_concern",
				Indicators: []string{"debt_bondage"}}); err != nil {
				t.Fatal(err)
			}
			s := w.scheduler()
			w.now = w.now.Add(24 * time.Hour) // Tuesday: only the strategy discussion is late
			kinds(t, s)
			w.now = time.Date(2026, 3, 4, 9, 1, 0, 0, time.UTC) // Wednesday, two working days on
			same(t, "two working days", kinds(t, s), waymark.AlertICTGDue, waymark.AlertNRMDue)
			n := &waymark.NRMReferral{ReferredOn: "2026-03-04", Authority: "sca", ChildTold: true}
			if err := w.reg.RecordNRM(ctx, w.worker, c.ID, n); err != nil {
				t.Fatal(err)
			}
			w.now = time.Date(2026, 3, 11, 0, 1, 0, 0, time.UTC) // five working days after the referral
			same(t, "no reasonable grounds decision", kinds(t, s), waymark.AlertRGOverdue)
			open := w.open(w.manager)
			if slices.Contains(open, waymark.AlertNRMDue) || !slices.Contains(open, waymark.AlertICTGDue) {
				t.Fatalf("after the NRM referral: %v", open)
			}
			n.RGOutcome, n.RGDate, n.ICTGReferredOn, n.ICTGService = "positive", "2026-03-10", "2026-03-10", "direct"
			if err := w.reg.RecordNRM(ctx, w.worker, c.ID, n); err != nil {
				t.Fatal(err)
			}
			kinds(t, s)
			if open := w.open(w.manager); slices.Contains(open, waymark.AlertRGOverdue) || slices.Contains(open, waymark.AlertICTGDue) {
				t.Fatalf("after the decision and the ICTG referral: %v", open)
			}
		})
	}
}
