package http_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Every page fits a 320 px phone without scrolling sideways (issue 28, 18): wide tables become
// cards.
func TestPagesFitAPhone(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	base := a.srv.URL
	child := "/children/" + a.childOf(socialWorker)
	for who, paths := range map[string][]string{
		police:  {"/missing", "/identify", "/alerts"},
		manager: {"/children", child, "/alerts", "/duplicates", "/handovers", "/merges", "/stats", "/placements/unsuitable"},
		admin:   {"/audit", "/users", "/tokens"},
	} {
		ctx := browser(t)
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 700), signInAs(base, who)); err != nil {
			t.Fatal(err)
		}
		for _, path := range paths {
			var width int
			err := chromedp.Do(ctx, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS("main")),
				into(&width, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)),
				screenshot("phone"+strings.ReplaceAll(path, "/", "-")))
			if err != nil {
				t.Fatal(path, err)
			}
			if width > 320 {
				t.Errorf("%s is %d px wide on a 320 px phone", path, width)
			}
		}
	}
}
