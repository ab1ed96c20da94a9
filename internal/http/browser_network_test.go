package http_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// A police officer at a raid, on a phone, records the phone seized from a found child they hold
// (a wrong role first, told why, what was typed kept), then taps through: the child's network
// search by the phone lists the child; a manager's picture of the demo's network leads, by an
// entity's node, to the children linked to it.
func TestBrowserNetworkOnAPhone(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	c := &waymark.Child{GivenNames: "Minh", FamilyName: "Raid"}
	if err := a.reg.CreateChild(ctx, a.actor(police), c, nil); err != nil {
		t.Fatal(err)
	}
	b := browser(t)
	var refused, saved, found string
	err := chromedp.Do(b,
		chromedp.EmulateViewport(390, 844),
		signInAs(a.srv.URL, police),
		chromedp.Navigate(a.srv.URL+"/children/"+c.ID),
		chromedp.Click(chromedp.CSS(`a[href$="/links/new"]`)),
		chromedp.WaitVisible(chromedp.ID("value")),
		chromedp.SetValue(chromedp.ID("kind"), "phone"),
		chromedp.SendKeys(chromedp.ID("value"), "07700 900 888"),
		chromedp.SetValue(chromedp.ID("role"), "lived_at"),
		chromedp.SetValue(chromedp.ID("source"), "phone_seized"),
		chromedp.SetValue(chromedp.ID("confidence"), "confirmed"),
		chromedp.Submit(chromedp.ID("value")),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")),
		into(&refused, chromedp.Text(chromedp.CSS("main"))),
		chromedp.SetValue(chromedp.ID("role"), "called_from"),
		chromedp.Submit(chromedp.ID("value")),
		chromedp.WaitVisible(chromedp.CSS(".child-head")),
		into(&saved, chromedp.Text(chromedp.CSS("#network + div + ul"))),
		chromedp.Navigate(a.srv.URL+"/network"),
		chromedp.SendKeys(chromedp.ID("phone"), "+44 7700 900888"),
		chromedp.Submit(chromedp.ID("phone")),
		chromedp.WaitVisible(chromedp.CSS("ul.results")),
		into(&found, chromedp.Text(chromedp.CSS("ul.results"))),
		screenshot("network-search-phone"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(refused, "not linked to a phone as") {
		t.Errorf("a child 'lived at' a phone was not refused:\n%s", refused)
	}
	if !strings.Contains(saved, "Called from: Phone +447700900888") || !strings.Contains(found, "Minh Raid") {
		t.Fatalf("saved %q; found %q", saved, found)
	}

	var networked string
	if err := a.store.DB().QueryRow(`SELECT l.child_id FROM links l JOIN children c ON c.id = l.child_id JOIN entities e ON e.id = l.entity_id
		WHERE c.org_id = $1 AND e.kind = 'person' LIMIT 1`, a.actor(manager).OrgID).Scan(&networked); err != nil {
		t.Fatal(err)
	}
	var listed string
	err = chromedp.Do(browser(t),
		chromedp.EmulateViewport(1280, 900),
		signInAs(a.srv.URL, manager),
		chromedp.Navigate(a.srv.URL+"/children/"+networked),
		chromedp.Click(chromedp.CSS(`main a[href="/children/`+networked+`/network"]`)),
		chromedp.WaitVisible(chromedp.CSS("svg.network")),
		chromedp.Click(chromedp.CSS(`svg.network a[href^="/network?entity="]`)),
		chromedp.WaitVisible(chromedp.CSS("ul.results")),
		into(&listed, chromedp.Text(chromedp.CSS("main"))),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(listed, "Children linked") || strings.Contains(listed, "No child is linked") {
		t.Fatalf("the node led to:\n%s", listed)
	}
}
