package http_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// A police officer on a phone sees prints taken and never searched, says they have asked IDENT1
// with one tap, and the flag gives way to the pending search.
func TestBrowserAskBureauOnAPhone(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	c := &waymark.Child{GivenNames: "Ermias", FamilyName: "Prints", Biometrics: []waymark.Biometric{{Kind: "fingerprint", Reference: "NX-2026-0101"}}}
	if err := a.reg.CreateChild(ctx, a.actor(police), c, nil); err != nil {
		t.Fatal(err)
	}
	var before, after string
	err := chromedp.Do(browser(t),
		chromedp.EmulateViewport(390, 844),
		signInAs(a.srv.URL, police),
		chromedp.Navigate(a.srv.URL+"/children/"+c.ID+"#bureau"),
		chromedp.WaitVisible(chromedp.CSS(`#bureau + dd button`)),
		into(&before, chromedp.Text(chromedp.CSS("#bureau + dd"))),
		screenshot("bureau-ask"),
		chromedp.Click(chromedp.CSS(`#bureau + dd form input[value="ident1"] ~ button`)),
		chromedp.WaitVisible(chromedp.CSS("#bureau + dd strong")), // the search's outcome: on the page after the tap alone
		into(&after, chromedp.Text(chromedp.CSS("#bureau + dd"))),
		screenshot("bureau-asked"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(before, "Prints taken, never searched") || !strings.Contains(before, "I have asked IDENT1") {
		t.Fatalf("before: %q", before)
	}
	if !strings.Contains(after, "IDENT1") || !strings.Contains(after, "Pending") || strings.Contains(after, "never searched") {
		t.Fatalf("after: %q", after)
	}
}
