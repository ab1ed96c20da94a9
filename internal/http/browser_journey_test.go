package http_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/waymark-org/waymark/internal/sqlstore"
)

// The journey across agencies, in Chromium on a phone's screen: the border force records a child at
// the port and hands them to Northshire; Northshire accepts, places the child and puts a foster
// carer in the team; the carer reports the child missing; the police find the child; the carer
// records the return; Northshire transfers the child to Eastport, which accepts and sees the whole
// history, while Northshire keeps sight of its own time.
func TestBrowserJourneyAcrossAgencies(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	ctx := browser(t)
	base := a.srv.URL
	var childURL, episodeURL, eastport, northshire, border string
	episode := func() string { return strings.Split(episodeURL, "?")[0] }
	child := func() string { return strings.Split(childURL, "?")[0] }
	err := chromedp.Do(ctx,
		signInAs(base, "border@border.example.org"),
		chromedp.Click(chromedp.CSS(`a[href="/children/new"]`)),
		chromedp.WaitVisible(chromedp.ID("given_names")),
		chromedp.SendKeys(chromedp.ID("given_names"), "Selam"),
		chromedp.SendKeys(chromedp.ID("family_name"), "Weldemariam Tekle"),
		chromedp.SetValue(chromedp.ID("nationality"), "ER"),
		chromedp.SendKeys(chromedp.ID("place"), "Dover Eastern Docks"),
		chromedp.Submit(chromedp.ID("given_names")),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Selam")]`)),
		into(&childURL, chromedp.Location()),
		chromedp.Click(chromedp.CSS(`a[href$="/handovers/new"]`)),
		chromedp.WaitVisible(chromedp.ID("to_org_id")),
		chromedp.SetValue(chromedp.ID("to_org_id"), a.orgID("Northshire County Council")),
		chromedp.SendKeys(chromedp.ID("reason"), "Found in Northshire's area"),
		chromedp.Submit(chromedp.ID("reason")),
		chromedp.WaitVisible(chromedp.Search(`//li[contains(., "waiting")]`)),
		signOut(),

		signInAs(base, manager),
		chromedp.Navigate(base+"/handovers"),
		chromedp.Click(chromedp.CSS(`form[action$="/accept"] button`)),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(., "responsible: Northshire County Council")]`)),
		chromedp.Click(chromedp.CSS(`a[href$="/placements/new"]`)),
		chromedp.WaitVisible(chromedp.ID("placement_type")),
		chromedp.SetValue(chromedp.ID("placement_type"), "foster"),
		chromedp.SendKeys(chromedp.ID("provider"), "Casey Carer"),
		chromedp.SetValue(chromedp.ID("police_org_id"), a.orgID("Northshire Police")),
		chromedp.Submit(chromedp.ID("provider")),
		chromedp.WaitVisible(chromedp.Search(`//dd[contains(., "Casey Carer")]`)),
		chromedp.Click(chromedp.CSS(`a[href$="/team/new"]`)),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), carer),
		chromedp.SetValue(chromedp.ID("role"), "carer"),
		chromedp.Submit(chromedp.ID("email")),
		chromedp.WaitVisible(chromedp.Search(`//ul[@class="team"]/li[contains(., "Casey Carer")]`)),
		signOut(),

		signInAs(base, carer),
		chromedp.Navigate(base+"/children"),
		chromedp.Click(chromedp.Search(`//td/a[contains(., "Selam")]`)),
		chromedp.Click(chromedp.CSS(`a[href$="/missing/new"]`)),
		chromedp.WaitVisible(chromedp.ID("call-police")),
		chromedp.SendKeys(chromedp.ID("last_seen_place"), "The foster home, at bedtime"),
		chromedp.SetValue(chromedp.ID("risk"), "high"),
		chromedp.Submit(chromedp.ID("last_seen_place")),
		chromedp.WaitVisible(chromedp.Search(`//a[contains(., "Missing-person pack")]`)),
		into(&episodeURL, chromedp.Location()),
		signOut(),

		signInAs(base, police),
		navigateLater(episode),
		chromedp.WaitVisible(chromedp.ID("found_place")),
		chromedp.SetValue(chromedp.ID("found_circumstances"), "cannabis_farm"),
		chromedp.SendKeys(chromedp.ID("found_place"), "Unit 9, Mill Lane"),
		chromedp.Submit(chromedp.ID("found_place")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
		signOut(),

		signInAs(base, carer),
		navigateLater(episode),
		chromedp.WaitVisible(chromedp.ID("returned_at")),
		chromedp.Submit(chromedp.ID("returned_at")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
		signOut(),

		signInAs(base, manager),
		navigateLater(child),
		chromedp.Click(chromedp.CSS(`a[href$="/handovers/new"]`)),
		chromedp.WaitVisible(chromedp.ID("to_org_id")),
		chromedp.SetValue(chromedp.ID("to_org_id"), a.orgID("Eastport City Council")),
		chromedp.SendKeys(chromedp.ID("reason"), "National Transfer Scheme"),
		chromedp.Submit(chromedp.ID("reason")),
		chromedp.WaitVisible(chromedp.Search(`//li[contains(., "waiting")]`)),
		signOut(),

		signInAs(base, otherCouncil),
		chromedp.Navigate(base+"/handovers"),
		chromedp.Click(chromedp.CSS(`form[action$="/accept"] button`)),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(., "responsible: Eastport City Council")]`)),
		into(&eastport, chromedp.Text(chromedp.CSS("main"))),
		screenshot("journey-eastport"),
		signOut(),

		signInAs(base, manager),
		navigateLater(child),
		chromedp.WaitVisible(chromedp.ID("handed-on")),
		into(&northshire, chromedp.Text(chromedp.CSS("main"))),
		screenshot("journey-northshire-after"),
		signOut(),

		signInAs(base, "border@border.example.org"),
		navigateLater(child),
		chromedp.WaitVisible(chromedp.ID("handed-on")),
		into(&border, chromedp.Text(chromedp.CSS("main"))),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"recorded by Border Force South East", "Dover Eastern Docks", "Casey Carer", "Cannabis farm", "Returned",
		"Handover from Border Force South East to Northshire County Council", "Transfer from Northshire County Council to Eastport City Council"} {
		if !strings.Contains(eastport, want) {
			t.Errorf("Eastport does not see %q:\n%s", want, eastport)
		}
	}
	for _, want := range []string{"Handed on to Eastport City Council", "Casey Carer", "Cannabis farm"} {
		if !strings.Contains(northshire, want) {
			t.Errorf("Northshire does not see %q of its own time:\n%s", want, northshire)
		}
	}
	for _, want := range []string{"Selam", "Dover Eastern Docks", "Handed on to"} {
		if !strings.Contains(border, want) {
			t.Errorf("the border force does not see %q:\n%s", want, border)
		}
	}
	for _, unwanted := range []string{"Casey Carer", "Cannabis farm", "Transfer from"} {
		if strings.Contains(border, unwanted) {
			t.Errorf("the border force sees %q, of Northshire's time:\n%s", unwanted, border)
		}
	}
}
