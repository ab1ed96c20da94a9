package http_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// An officer at a port types a first contact and takes a photo; the session ends before they
// send it. Nothing is lost: they sign in again, are told what happened, and send it.
func TestBrowserFirstContactSurvivesAnEndedSession(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	ctx := browser(t)
	photo := filepath.Join(t.TempDir(), "port.jpg")
	if err := os.WriteFile(photo, jpegBytes(t), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.store.SetClock(time.Now) })
	base := a.srv.URL
	var flash, offer, heading string
	var thumbs int
	err := chromedp.Do(ctx,
		signInAs(base, "border@border.example.org"),
		chromedp.Navigate(base+"/children/new"),
		chromedp.WaitVisible(chromedp.ID("given_names")),
		chromedp.SendKeys(chromedp.ID("given_names"), "Tsega"),
		chromedp.SendKeys(chromedp.ID("family_name"), "Berhe Woldu"),
		chromedp.SetValue(chromedp.ID("date_of_birth"), "2011-07-09"),
		chromedp.SendKeys(chromedp.ID("place"), "Dover Eastern Docks"),
		chromedp.SetUploadFiles(chromedp.ID("photo"), []string{photo}),
		chromedp.Func(func(context.Context, *chromedp.Target) error {
			later := time.Now().Add(3 * time.Hour) // the session has ended while the officer typed
			a.store.SetClock(func() time.Time { return later })
			return nil
		}),
		chromedp.Submit(chromedp.ID("given_names")),
		chromedp.WaitVisible(chromedp.ID("password")),
		into(&flash, chromedp.Text(chromedp.CSS("main"))),
		screenshot("held-signin"),
		chromedp.SendKeys(chromedp.ID("email"), "border@border.example.org"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/held/send"]`)),
		into(&offer, chromedp.Text(chromedp.CSS("main"))),
		screenshot("held-offer"),
		chromedp.Click(chromedp.CSS(`form[action="/held/send"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".child-head")),
		into(&heading, chromedp.Text(chromedp.CSS("h1"))),
		into(&thumbs, chromedp.Evaluate[int](`document.querySelectorAll('.child-head img').length`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(flash, "Nothing is lost") || !strings.Contains(offer, "Record first contact") {
		t.Fatalf("the officer was not told what happened:\n%s\n%s", flash, offer)
	}
	if heading != "Tsega Berhe Woldu" || thumbs == 0 {
		t.Fatalf("the kept first contact saved %q with %d photos", heading, thumbs)
	}
}

// The first screen of a first contact is the minimum (photo, name, sex, age, nationality, where
// and when), saved with one button; the rest waits, folded, for now or later.
func TestBrowserFirstContactMinimumFirst(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	ctx := browser(t)
	photo := filepath.Join(t.TempDir(), "port.jpg")
	if err := os.WriteFile(photo, jpegBytes(t), 0o644); err != nil {
		t.Fatal(err)
	}
	var fields int
	var saveAt float64
	var heading, lacking string
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		signInAs(a.srv.URL, "border@border.example.org"),
		chromedp.Navigate(a.srv.URL+"/children/new"),
		chromedp.WaitVisible(chromedp.ID("given_names")),
		screenshot("first-contact-minimum"),
		into(&fields, chromedp.Evaluate[int](`[...document.querySelectorAll('#child-form input:not([type=hidden]), #child-form select, #child-form textarea')].filter(e => e.checkVisibility()).length`)),
		into(&saveAt, chromedp.Evaluate[float64](`document.querySelector('#child-form button[type=submit]').getBoundingClientRect().top`)),
		chromedp.SetUploadFiles(chromedp.ID("photo"), []string{photo}),
		chromedp.SendKeys(chromedp.ID("given_names"), "Senait"),
		chromedp.SendKeys(chromedp.ID("family_name"), "Ghebre"),
		chromedp.SetValue(chromedp.ID("sex"), "F"),
		chromedp.SendKeys(chromedp.ID("age"), "15"),
		chromedp.SetValue(chromedp.ID("nationality"), "ER"),
		chromedp.SendKeys(chromedp.ID("place"), "Lorry park, Junction 8"),
		chromedp.Click(chromedp.CSS(`#child-form > p > button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".child-head")),
		into(&heading, chromedp.Text(chromedp.CSS("h1"))),
		into(&lacking, chromedp.Text(chromedp.ID("completeness"))),
	)
	if err != nil {
		t.Fatal(err)
	}
	if fields != 9 {
		t.Errorf("the first step shows %d fields, want the minimum's 9", fields)
	}
	if saveAt > 3*844 {
		t.Errorf("the first Save button is %.0f px down: more than three phone screens", saveAt)
	}
	if heading != "Senait Ghebre" || lacking != "Identification record incomplete" {
		t.Errorf("saved %q, %q", heading, lacking)
	}
}

// A border officer at a port screens a child on a phone: the guidance opens beside each
// indicator, and the screening is saved with what was ticked.
func TestBrowserScreeningOnAPhone(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	const border = "border@border.example.org"
	c := &waymark.Child{GivenNames: "Kibrom", FamilyName: "Tekle", Sex: "M", DateOfBirth: "2011-06-01", Nationality: "ER"}
	if err := a.reg.CreateChild(ctx, a.actor(border), c, nil); err != nil {
		t.Fatal(err)
	}
	b := browser(t)
	var guidance, saved string
	err := chromedp.Do(b,
		chromedp.EmulateViewport(390, 844),
		signInAs(a.srv.URL, border),
		chromedp.Navigate(a.srv.URL+"/children/"+c.ID),
		chromedp.Click(chromedp.CSS(`a[href$="/screenings/new"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[value="debt_bondage"]`)),
		chromedp.Click(chromedp.CSS(`input[value="debt_bondage"]`)),
		chromedp.Click(chromedp.CSS(`input[value="documents_held"]`)),
		chromedp.Click(chromedp.Search(`//input[@value="debt_bondage"]/ancestor::div[@class="indicator"]//summary`)),
		into(&guidance, chromedp.Text(chromedp.Search(`//input[@value="debt_bondage"]/ancestor::div[@class="indicator"]//details`))),
		screenshot("screening-phone"),
		chromedp.SetValue(chromedp.ID("outcome"), "trafficking_concern"),
		chromedp.SendKeys(chromedp.ID("child_account"), "Says he owes money for the lorry"),
		chromedp.Submit(chromedp.ID("child_account")),
		chromedp.WaitVisible(chromedp.CSS(".child-head")),
		into(&saved, chromedp.Text(chromedp.CSS("main"))),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(guidance, "Do you owe anyone money?") || !strings.Contains(saved, "Trafficking concern") || !strings.Contains(saved, "2 indicators") {
		t.Fatalf("guidance %q; saved:\n%s", guidance, saved)
	}
}
