package http_test

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/alert"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// The first 72 hours of an unaccompanied child with a trafficking concern: the arrival opens a
// strategy discussion due in a working day; the placement calls for a safety plan within 24 hours,
// reviewed at 72 and after a missing episode; the discussion's action is alerted to its owner, a
// police officer, who marks it done; the checklist says what is done and what is overdue.
func TestFirstSeventyTwoHours(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			sw := a.token(socialWorker, waymark.RoleSocialWorker)
			start := time.Now()
			at := func(later time.Time) []*waymark.Alert { // sweep as of later; the social worker's alerts then
				a.store.SetClock(func() time.Time { return later })
				sched := alert.New(a.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
				sched.Now = a.store.Now
				if _, err := sched.Tick(ctx); err != nil {
					t.Fatal(err)
				}
				as, _, err := a.reg.Alerts(ctx, a.actor(manager), 200)
				if err != nil {
					t.Fatal(err)
				}
				return as
			}
			code, c := a.call(sw, "POST", "/api/v1/children", `{"given_names": "Amanuel", "family_name": "Tesfamariam", "sex": "M", "nationality": "ER", "uasc": true}`)
			if code != http.StatusCreated {
				t.Fatalf("record: %d %v", code, c)
			}
			id := c["child_id"].(string)
			base := "/api/v1/children/" + id
			step := func(what string) map[string]any {
				_, out := a.call(sw, "GET", base+"/first-72-hours", "")
				for _, s := range out["checklist"].([]any) {
					if s := s.(map[string]any); s["what"] == what {
						return s
					}
				}
				t.Fatalf("no step %q in %v", what, out)
				return nil
			}
			if s := step("Strategy discussion"); s["done"] != false || s["due"] == nil {
				t.Fatalf("the arrival opened no strategy discussion: %v", s)
			}
			if s := step("Safety plan"); s["not_needed"] == "" {
				t.Fatalf("a safety plan asked for with no concern: %v", s)
			}
			if err := a.reg.AddScreening(ctx, a.actor(socialWorker), &waymark.Screening{ChildID: id, Date: start, Outcome: "trafficking_concern"}); err != nil {
				t.Fatal(err)
			}
			if err := a.reg.AddPlacement(ctx, a.actor(socialWorker), &waymark.Placement{ChildID: id, Type: "foster", Provider: "The Okafor family", Start: start}, ""); err != nil {
				t.Fatal(err)
			}
			_, list := a.call(sw, "GET", base+"/strategy-discussions", "")
			if n := len(list["strategy_discussions"].([]any)); n != 1 {
				t.Fatalf("%d discussions waiting after the concern, want the one", n)
			}

			// A day and more on, nothing done: both are overdue, on the checklist and as alerts.
			late := waymark.AddWorkingDays(start, 1).Add(time.Hour)
			as := at(late)
			if !hasAlert(as, waymark.AlertSafetyPlanDue, id) || !hasAlert(as, waymark.AlertStrategyDue, id) {
				t.Fatalf("no alerts for a missing safety plan and strategy discussion: %v", as)
			}
			if s := step("Safety plan"); s["overdue"] != true {
				t.Fatalf("the safety plan is not overdue: %v", s)
			}

			// The safety plan: a bad one is refused naming the field; then written, and reviewed.
			if code, out := a.call(sw, "PUT", base+"/safety-plan", `{"phones": "None"}`); code != http.StatusUnprocessableEntity || errorField(out) != "supervision" {
				t.Fatalf("an empty plan: %d %v", code, out)
			}
			plan := `{"supervision": "Within sight at all times for the first week", "traffickers": "A man called Yonas, silver Audi",
				"first_absence": "Call 999 at once: do not wait", "who_is_told": "Duty team, then police"}`
			if code, p := a.call(sw, "PUT", base+"/safety-plan", plan); code != http.StatusOK || p["version"] != 1.0 {
				t.Fatalf("the plan: %d %v", code, p)
			}
			if as := at(late.Add(time.Minute)); hasAlert(as, waymark.AlertSafetyPlanDue, id) {
				t.Fatal("the alert for a missing plan outlived the plan")
			}
			if as := at(late.Add(waymark.SafetyPlanFirstReview + time.Hour)); !hasAlert(as, waymark.AlertSafetyPlanReview, id) {
				t.Fatal("no review due 72 hours after the plan")
			}
			if code, p := a.call(sw, "PUT", base+"/safety-plan", plan); code != http.StatusOK || p["version"] != 2.0 {
				t.Fatalf("the review: %d %v", code, p)
			}
			if as := at(late.Add(waymark.SafetyPlanFirstReview + 2*time.Hour)); hasAlert(as, waymark.AlertSafetyPlanReview, id) {
				t.Fatal("the review alert outlived the review")
			}

			// The strategy discussion: two agencies at least; an action for the police officer.
			now := a.store.Now()
			held := now.Add(-time.Hour).Format(time.RFC3339)
			london, _ := time.LoadLocation("Europe/London")
			today := now.In(london).Format(waymark.DateLayout)
			if code, out := a.call(sw, "POST", base+"/strategy-discussions", `{"held_at": "`+held+`", "attendees": [{"name": "Alex Social", "agency": "childrens_services"}]}`); code != http.StatusUnprocessableEntity || errorField(out) != "attendees" {
				t.Fatalf("a discussion of one: %d %v", code, out)
			}
			code, st := a.call(sw, "POST", base+"/strategy-discussions", `{"held_at": "`+held+`", "shared": "Phone seized at the port",
				"attendees": [{"name": "Alex Social", "agency": "childrens_services", "organisation": "Northshire"}, {"name": "Pat Police", "agency": "police"}],
				"decisions": "Child to stay in foster care, supervised", "actions": [{"what": "Check the phone numbers against the trafficking intelligence", "owner_email": "`+police+`", "due": "`+today+`"}]}`)
			if code != http.StatusCreated || st["reason"] != waymark.StrategyUnaccompanied {
				t.Fatalf("the discussion: %d %v", code, st)
			}
			action := st["actions"].([]any)[0].(map[string]any)
			as = at(now.Add(time.Minute))
			if hasAlert(as, waymark.AlertStrategyDue, id) || !hasAlert(as, waymark.AlertActionDue, id) {
				t.Fatal("held, the discussion still alerts, or its action due today does not")
			}
			if err := a.reg.ActionDone(ctx, a.actor(police), action["id"].(string)); err != nil {
				t.Fatalf("the officer who owns the action could not mark it done: %v", err)
			}
			if code, _ := a.call(sw, "POST", "/api/v1/strategy-actions/"+action["id"].(string)+"/done", ""); code != http.StatusConflict {
				t.Fatalf("done twice: %d", code)
			}
			if as := at(now.Add(2 * time.Minute)); hasAlert(as, waymark.AlertActionDue, id) {
				t.Fatal("the action's alert outlived it")
			}
			var sealed int
			if err := a.store.DB().QueryRowContext(ctx, `SELECT count(*) FROM strategy_actions WHERE what LIKE '%intelligence%'`).Scan(&sealed); err != nil || sealed != 0 {
				t.Fatalf("the action is kept in plain text (%d, %v)", sealed, err)
			}

			// Missing and back: the plan is due for review at the return; a second episode opens
			// another strategy discussion.
			for i := range 2 {
				e := &waymark.MissingEpisode{ChildID: id, Kind: "missing", Risk: "high", LastSeenAt: a.store.Now().Add(-time.Hour)}
				if err := a.reg.ReportMissing(ctx, a.actor(socialWorker), e); err != nil {
					t.Fatal(err)
				}
				if _, err := a.reg.UpdateEpisode(ctx, a.actor(socialWorker), e.ID, waymark.ReportMissing, "returned", func(e *waymark.MissingEpisode, now time.Time) error {
					return e.RecordReturned(now, now)
				}); err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					if as := at(a.store.Now().Add(time.Minute)); !hasAlert(as, waymark.AlertSafetyPlanReview, id) {
						t.Fatal("no safety plan review after the child came back")
					}
				}
			}
			_, list = a.call(sw, "GET", base+"/strategy-discussions", "")
			if first := list["strategy_discussions"].([]any)[0].(map[string]any); first["reason"] != waymark.StrategyMissingAgain || first["held_at"] != nil {
				t.Fatalf("a second missing episode opened no discussion: %v", first)
			}

			// The NRM referral, and the checklist that results.
			if code, out := a.call(sw, "PUT", base+"/nrm-referral", `{"referred_on": "soon"}`); code != http.StatusUnprocessableEntity || errorField(out) != "referred_on" {
				t.Fatalf("a bad referral date: %d %v", code, out)
			}
			if code, _ := a.call(sw, "PUT", base+"/nrm-referral", `{"referred_on": "`+today+`"}`); code != http.StatusOK {
				t.Fatal("the referral")
			}
			for _, what := range []string{"Placed", "Safety plan", "NRM referral"} {
				if s := step(what); s["done"] != true {
					t.Errorf("%s not done: %v", what, s)
				}
			}
			if s := step("ICTG referral"); s["done"] != false {
				t.Errorf("an ICTG referral no one made: %v", s)
			}
			_, page := get(t, a.client(socialWorker), a.srv.URL+"/children/"+id)
			if !strings.Contains(page, "First 72 hours") || !strings.Contains(page, "Phone seized at the port") {
				t.Fatal("the child's page lacks the first 72 hours")
			}
		})
	}
}
