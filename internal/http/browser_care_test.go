package http_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/alert"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// sweep runs one alert sweep as if after had passed since the step ran (not since it was built:
// a form filled in meanwhile may carry a later time), as the scheduler in `waymark serve` would.
func (a *app) sweep(after time.Duration) step {
	return chromedp.Func(func(context.Context, *chromedp.Target) error {
		s := alert.New(a.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
		at := time.Now().Add(after)
		s.Now = func() time.Time { return at }
		_, err := s.Tick(ctx)
		return err
	})
}

// navigateLater goes to a URL known only once earlier steps have run.
func navigateLater(url func() string) step {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Navigate(url())(ctx, t)
		return err
	})
}

// Place a child, report them missing, the police open the pack and record the find in a cannabis
// farm, the child returns, the interview is held, and the alerts clear.
func TestBrowserCareJourney(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	c := &waymark.Child{GivenNames: "Tesfay", FamilyName: "Kidane Berhe", Sex: "M", DateOfBirth: "2010-03-14", Nationality: "ER"}
	if err := a.reg.CreateChild(ctx, a.actor(socialWorker), c, nil); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	base, child := a.srv.URL, a.srv.URL+"/children/"+c.ID
	var episodeURL, pack, boardAfter, alertsMissing, policeAlerts, alertsAfter, childPage string
	err := chromedp.Do(ctx,
		signInAs(base, socialWorker),
		chromedp.Navigate(child),
		chromedp.Click(chromedp.CSS(`a[href$="/placements/new"]`)),
		chromedp.WaitVisible(chromedp.ID("placement_type")),
		chromedp.SetValue(chromedp.ID("placement_type"), "residential"),
		chromedp.SendKeys(chromedp.ID("provider"), "Hill House"),
		chromedp.SetValue(chromedp.Search(`//select[@id="police_org_id"]`), a.orgID("Northshire Police")),
		chromedp.Submit(chromedp.ID("provider")),
		chromedp.WaitVisible(chromedp.Search(`//dd[contains(., "Hill House")]`)),
		chromedp.Click(chromedp.CSS(`a[href$="/missing/new"]`)),
		chromedp.WaitVisible(chromedp.ID("last_seen_place")),
		chromedp.SendKeys(chromedp.ID("last_seen_place"), "Northshire bus station"),
		chromedp.SendKeys(chromedp.ID("last_seen_with"), "An older man, silver car"),
		chromedp.SetValue(chromedp.ID("risk"), "high"),
		screenshot("report-missing"),
		chromedp.Submit(chromedp.ID("last_seen_place")),
		chromedp.WaitVisible(chromedp.Search(`//a[contains(., "Missing-person pack")]`)),
		into(&episodeURL, chromedp.Location()),
		a.sweep(0),
		chromedp.Navigate(base+"/alerts"),
		into(&alertsMissing, chromedp.Text(chromedp.CSS("main"))),
		signOut(),

		signInAs(base, police),
		chromedp.Navigate(base+"/alerts"),
		into(&policeAlerts, chromedp.Text(chromedp.CSS("main"))),
		chromedp.Navigate(base+"/missing"),
		chromedp.Click(chromedp.Search(`//tr[contains(., "Tesfay")]//a[contains(., "Pack")]`)),
		chromedp.WaitVisible(chromedp.CSS(".pack")),
		into(&pack, chromedp.Text(chromedp.CSS(".pack"))),
		screenshot("missing-person-pack"),
		navigateLater(func() string { return strings.Split(episodeURL, "?")[0] }),
		chromedp.WaitVisible(chromedp.ID("found_place")),
		chromedp.SetValue(chromedp.ID("found_circumstances"), "cannabis_farm"),
		chromedp.SendKeys(chromedp.ID("found_place"), "Unit 7, Mill Lane"),
		chromedp.Submit(chromedp.ID("found_place")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
		into(&boardAfter, chromedp.Text(chromedp.CSS("main"))),
		signOut(),

		signInAs(base, socialWorker),
		navigateLater(func() string { return strings.Split(episodeURL, "?")[0] }),
		chromedp.WaitVisible(chromedp.ID("returned_at")),
		chromedp.Submit(chromedp.ID("returned_at")),
		chromedp.WaitVisible(chromedp.ID("interview_by")),
		chromedp.SetValue(chromedp.ID("interview_outcome"), "accepted"),
		chromedp.SendKeys(chromedp.ID("interview_by"), "Independent advocate"),
		chromedp.SendKeys(chromedp.ID("interview_by_role"), "Return interview worker, children's rights service"),
		chromedp.Click(chromedp.CSS(`input[name="interview_independent"]`)),
		chromedp.SendKeys(chromedp.ID("push_pull"), "Owed money to the man with the silver car"),
		screenshot("return-interview"),
		chromedp.Submit(chromedp.ID("interview_by")),
		chromedp.WaitVisible(chromedp.Search(`//dd[contains(., "held") and contains(., "Independent advocate")]`)),
		a.sweep(time.Minute),
		chromedp.Navigate(base+"/alerts"),
		into(&alertsAfter, chromedp.Text(chromedp.CSS("main"))),
		chromedp.Navigate(child),
		into(&childPage, chromedp.Text(chromedp.CSS("main"))),
		screenshot("child-after-return"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(alertsMissing, "Reported missing") || !strings.Contains(alertsMissing, c.Ref) {
		t.Fatalf("social worker's alerts lack the report:\n%s", alertsMissing)
	}
	if !strings.Contains(policeAlerts, c.Ref) {
		t.Fatalf("the police force covering the placement was not alerted:\n%s", policeAlerts)
	}
	for _, want := range []string{"Tesfay Kidane Berhe", "Northshire bus station", "An older man, silver car", "Hill House", "Eritrea"} {
		if !strings.Contains(pack, want) {
			t.Fatalf("pack lacks %q:\n%s", want, pack)
		}
	}
	if strings.Contains(boardAfter, "Tesfay") {
		t.Fatalf("found child still on the missing board:\n%s", boardAfter)
	}
	if strings.Contains(alertsAfter, c.Ref) {
		t.Fatalf("alerts not cleared after the return interview:\n%s", alertsAfter)
	}
	if !strings.Contains(childPage, "Cannabis farm") || !strings.Contains(childPage, "Returned") {
		t.Fatalf("child page does not show the episode:\n%s", childPage)
	}
	// What the return interview learnt is on the episode, and sealed at rest.
	_, episode := get(t, a.client(socialWorker), strings.Split(episodeURL, "?")[0])
	contains(t, episode, "What the return interview learnt", "Owed money to the man with the silver car", "independent of the placement")
	var raw string
	if err := a.store.DB().QueryRow(`SELECT interview_learnt FROM missing_episodes WHERE child_id = $1`, c.ID).Scan(&raw); err != nil ||
		raw == "" || strings.Contains(raw, "Owed money") {
		t.Fatalf("what was learnt is not sealed: %q %v", raw, err)
	}
	// The police's opening of the pack is in the audit log.
	entries, err := a.store.AuditEntries(context.Background(), sqlstore.AuditFilter{OrgID: a.actor(police).OrgID, Action: string(waymark.ViewPack)})
	if err != nil || len(entries) == 0 {
		t.Fatalf("pack opening not audited: %v %d", err, len(entries))
	}
}

// A child about to turn 17½: two days later the social worker sees the alert.
func TestBrowserSeventeenAndAHalfAlert(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	now := time.Now()
	c := &waymark.Child{GivenNames: "Dawit", FamilyName: "Haile", Sex: "M", DateOfBirth: now.AddDate(-17, -6, 2).Format(waymark.DateLayout), Nationality: "ER"}
	if err := a.reg.CreateChild(ctx, a.actor(socialWorker), c, nil); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	var before, after string
	err := chromedp.Do(ctx,
		signInAs(a.srv.URL, socialWorker),
		a.sweep(0),
		chromedp.Navigate(a.srv.URL+"/alerts"),
		into(&before, chromedp.Text(chromedp.CSS("main"))),
		a.sweep(3*24*time.Hour),
		chromedp.Navigate(a.srv.URL+"/alerts"),
		into(&after, chromedp.Text(chromedp.CSS("main"))),
		screenshot("alerts-17-and-a-half"),
	)
	if err != nil {
		t.Fatal(err)
	}
	raised, coming, _ := strings.Cut(before, "Coming up")
	if strings.Contains(raised, c.Ref) || !strings.Contains(coming, c.Ref) {
		t.Fatalf("before the day, want the birthday coming up and no alert:\n%s", before)
	}
	if raised, _, _ := strings.Cut(after, "Coming up"); !strings.Contains(raised, "Turns 17½: plan for leaving care") || !strings.Contains(raised, c.Ref) {
		t.Fatalf("no 17½ alert:\n%s", after)
	}
}

// The statistics page draws its charts without script (under the strict CSP) and leads a manager
// to the return.
func TestBrowserStatistics(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	ctx := browser(t)
	var charts, bars, curve int
	var headline, ret string
	err := chromedp.Do(ctx,
		signInAs(a.srv.URL, "manager@northshire.example.org"),
		chromedp.Click(chromedp.CSS(`nav a[href="/stats"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.headline`)),
		chromedp.Navigate(a.srv.URL+"/stats?from=2020-01-01&to=2030-12-31"),
		chromedp.WaitVisible(chromedp.CSS(`svg.chart`)),
		into(&headline, chromedp.Text(chromedp.CSS(`p.headline`))),
		into(&charts, chromedp.Evaluate[int](`[...document.querySelectorAll("svg.chart")].filter(s => s.getBoundingClientRect().width > 200 && s.getBoundingClientRect().height > 40).length`)),
		into(&bars, chromedp.Evaluate[int](`[...document.querySelectorAll("svg.chart rect")].filter(r => r.getBoundingClientRect().width > 0).length`)),
		into(&curve, chromedp.Evaluate[int](`[...document.querySelectorAll("svg.chart path")].filter(p => p.getTotalLength() > 50).length`)),
		screenshot("statistics"),
		chromedp.Click(chromedp.CSS(`a[href="/stats/return"]`)),
		chromedp.WaitVisible(chromedp.ID("year")),
		into(&ret, chromedp.Text(chromedp.CSS("main"))),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(headline, "children were referred between 1 January 2020 and 31 December 2030") {
		t.Errorf("headline %q", headline)
	}
	if charts < 5 || bars < 5 || curve != 1 {
		t.Errorf("charts drawn: %d charts, %d bars, %d curves", charts, bars, curve)
	}
	if !strings.Contains(ret, "How Waymark's placement types are coded") {
		t.Errorf("return page: %s", ret)
	}
}
