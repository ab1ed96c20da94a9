package http_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Every page fits a 320 px phone without scrolling sideways (issue 28, 18): wide tables become
// cards; and axe-core finds nothing wrong with it on a phone or a desktop (issue 28, 21).
func TestPagesFitAPhone(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	base := a.srv.URL
	child := "/children/" + a.childOf(socialWorker)
	open, err := a.store.OpenEpisodes(ctx, a.actor(socialWorker).OrgID)
	if err != nil || len(open) == 0 {
		t.Fatalf("the demo has no child missing: %v", err)
	}
	episode := "/missing/" + open[0].ID
	var networked string
	if err := a.store.DB().QueryRow(`SELECT l.child_id FROM links l JOIN children c ON c.id = l.child_id WHERE c.org_id = $1 LIMIT 1`,
		a.actor(manager).OrgID).Scan(&networked); err != nil {
		t.Fatalf("the demo links none of the council's children: %v", err)
	}
	axe := axeSource(t)
	for who, paths := range map[string][]string{
		police: {"/missing", "/identify", "/alerts", episode, "/network", "/network?phone=07700900401"},
		socialWorker: {"/children/new", child + "/edit", child + "/placements/new", child + "/screenings/new", child + "/safety-plan/new",
			child + "/strategy/new", child + "/profile/new", child + "/nrm/new", child + "/links/new", child + "/link-end/new", child + "/bureau-searches/new", episode, episode + "/pack", "/held", "/account/password"},
		manager: {"/children", child, "/alerts", "/duplicates", "/handovers", "/merges", "/stats", "/stats/return", "/placements/unsuitable",
			child + "/team/new", child + "/handovers/new", child + "/subject-access", "/children/" + networked, "/children/" + networked + "/network"},
		admin: {"/audit", "/users", "/tokens"},
	} {
		ctx := browser(t)
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 700), signInAs(base, who)); err != nil {
			t.Fatal(err)
		}
		for _, path := range paths {
			for _, w := range []int64{320, 1280} {
				var width int
				var violations string
				err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 700), chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS("main")),
					into(&width, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)),
					screenshot(fmt.Sprintf("phone%s-%d", strings.ReplaceAll(path, "/", "-"), w)), axeRun(axe, &violations))
				if err != nil {
					t.Fatal(path, err)
				}
				if w == 320 && width > 320 {
					t.Errorf("%s is %d px wide on a 320 px phone", path, width)
				}
				if violations != "" {
					t.Errorf("axe-core on %s at %d px:\n%s", path, w, violations)
				}
			}
		}
	}
}

// axeSource is axe-core's script ($WAYMARK_AXE, installed from npm by the test command); "" where
// it is not installed, unless WAYMARK_REQUIRE_AXE is set.
func axeSource(t *testing.T) string {
	path := os.Getenv("WAYMARK_AXE")
	src, err := os.ReadFile(path)
	if path == "" || err != nil {
		if os.Getenv("WAYMARK_REQUIRE_AXE") != "" {
			t.Fatalf("axe-core not found at $WAYMARK_AXE (%q) but WAYMARK_REQUIRE_AXE is set: %v", path, err)
		}
		t.Log("axe-core not installed: pages are not checked for accessibility")
		return ""
	}
	return string(src)
}

// axeRun runs axe-core on the page, keeping its violations, one per line, in dst.
func axeRun(src string, dst *string) step {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if src == "" {
			return nil
		}
		if _, err := chromedp.Evaluate[any](src)(ctx, tg); err != nil {
			return err
		}
		v, err := chromedp.Evaluate[string](`axe.run().then(r => r.violations.map(v => v.id + ': ' + v.help + ' — ' +
			v.nodes.map(n => n.target.join(' ')).join(' | ')).join('\n'))`, chromedp.EvalAwaitPromise)(ctx, tg)
		*dst = v
		return err
	})
}
