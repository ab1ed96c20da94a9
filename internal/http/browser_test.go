package http_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// browser starts headless Chromium (Debian's package); the test is skipped where there is none,
// unless WAYMARK_REQUIRE_BROWSER is set, as the test command sets it.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("WAYMARK_CHROMIUM")
	if path == "" {
		path, _ = exec.LookPath("chromium")
	}
	if path == "" {
		if os.Getenv("WAYMARK_REQUIRE_BROWSER") != "" {
			t.Fatal("chromium not found but WAYMARK_REQUIRE_BROWSER is set")
		}
		t.Skip("chromium not installed")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(390, 844),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelCtx := chromedp.NewContext(alloc)
	timeout, cancelTimeout := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return timeout
}

type step = chromedp.Action[chromedp.Void]

// into runs an action that yields a value and keeps the value in dst.
func into[T any](dst *T, a chromedp.Action[T]) step {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		v, err := a(ctx, t)
		*dst = v
		return chromedp.Void{}, err
	}
}

// screenshot saves the page to $WAYMARK_SCREENSHOTS/name.png when that is set (for looking at).
func screenshot(name string) step {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		dir := os.Getenv("WAYMARK_SCREENSHOTS")
		if dir == "" {
			return nil
		}
		png, err := chromedp.FullScreenshot(100)(ctx, t)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	})
}

func signInAs(base, email string) step {
	return chromedp.Steps(
		chromedp.Navigate(base+"/signin"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/signout"]`)),
	)
}

// identifyFor searches the registry from the identify page with the names given (and whatever
// more sets), and waits for the candidates.
func identifyFor(given, family string, more ...step) step {
	return chromedp.Steps(append([]step{
		chromedp.Click(chromedp.CSS(`a[href="/identify"]`)),
		chromedp.WaitVisible(chromedp.ID("given_names")),
		chromedp.SendKeys(chromedp.ID("given_names"), given),
		chromedp.SendKeys(chromedp.ID("family_name"), family),
	}, append(more,
		chromedp.Submit(chromedp.ID("given_names")),
		chromedp.WaitVisible(chromedp.CSS("section.match")),
	)...)...)
}

func signOut() step {
	return chromedp.Steps(chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)), chromedp.WaitVisible(chromedp.ID("email")))
}

func TestBrowserFirstContactToAudit(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	ctx := browser(t)
	photo := filepath.Join(t.TempDir(), "phone-camera.jpg")
	if err := os.WriteFile(photo, jpegBytes(t), 0o644); err != nil {
		t.Fatal(err)
	}
	base := a.srv.URL
	var childURL, heading, summary string
	err := chromedp.Do(ctx,
		signInAs(base, socialWorker),
		chromedp.Click(chromedp.CSS(`a[href="/children/new"]`)),
		chromedp.WaitVisible(chromedp.ID("given_names")),
		screenshot("first-contact-form"),
		// A first try with a bad date: the form comes back with the error summary and the name kept.
		chromedp.SendKeys(chromedp.ID("given_names"), "Fitsum"),
		chromedp.SendKeys(chromedp.ID("family_name"), "Gebremedhin Asfaha"),
		chromedp.SetValue(chromedp.ID("date_of_birth"), "2031-01-01"),
		chromedp.SetValue(chromedp.ID("nationality"), "ER"),
		chromedp.SendKeys(chromedp.ID("place"), "Dover Eastern Docks"),
		chromedp.SetUploadFiles(chromedp.ID("photo"), []string{photo}),
		chromedp.Submit(chromedp.ID("given_names")),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")),
		into(&summary, chromedp.Text(chromedp.CSS(".error-summary"))),
		screenshot("first-contact-error"),
		chromedp.SetValue(chromedp.ID("date_of_birth"), "2010-05-04"),
		chromedp.Submit(chromedp.ID("given_names")),
		chromedp.WaitVisible(chromedp.CSS(".child-head img")),
		into(&childURL, chromedp.Location()),
		screenshot("child-page"),
		// Find the child in the caseload by another spelling's fold and open it.
		chromedp.Navigate(base+"/children"),
		chromedp.SendKeys(chromedp.ID("q"), "FITSUM gebremedhin"),
		chromedp.Submit(chromedp.ID("q")),
		// The unfiltered caseload lists the child too: wait for the results page itself.
		chromedp.WaitVisible(chromedp.Search(`//p[contains(., "1 child matches")]`)),
		chromedp.WaitVisible(chromedp.Search(`//td/a[contains(., "Fitsum Gebremedhin Asfaha")]`)),
		screenshot("caseload"),
		chromedp.Click(chromedp.Search(`//td/a[contains(., "Fitsum Gebremedhin Asfaha")]`)),
		chromedp.WaitVisible(chromedp.CSS("h1")),
		into(&heading, chromedp.Text(chromedp.CSS("h1"))),
		signOut(),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(summary, "future") {
		t.Fatalf("error summary %q does not explain the date", summary)
	}
	if heading != "Fitsum Gebremedhin Asfaha" {
		t.Fatalf("opened %q", heading)
	}
	id := childURL[strings.LastIndex(childURL, "/")+1:]
	if i := strings.IndexByte(id, '?'); i >= 0 {
		id = id[:i]
	}

	var auditText, refusal string
	err = chromedp.Do(ctx,
		signInAs(base, admin),
		chromedp.Navigate(base+"/audit?record="+id),
		chromedp.WaitVisible(chromedp.CSS("table")),
		into(&auditText, chromedp.Text(chromedp.CSS("table"))),
		screenshot("audit"),
		signOut(),
		signInAs(base, otherCouncil),
		chromedp.Navigate(base+"/children/"+id),
		chromedp.WaitVisible(chromedp.CSS("h1")),
		into(&refusal, chromedp.Text(chromedp.CSS("main"))),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(auditText, "child.view") || !strings.Contains(auditText, "Alex Social") || !strings.Contains(auditText, "child.create") {
		t.Fatalf("audit log does not show the view:\n%s", auditText)
	}
	if !strings.Contains(refusal, "You cannot open this") || strings.Contains(refusal, "Fitsum") {
		t.Fatalf("another council's social worker saw:\n%s", refusal)
	}
}

func TestBrowserIdentifyFromPhone(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	child := &waymark.Child{GivenNames: "Văn Minh", FamilyName: "Phạm", Sex: "M", DateOfBirth: "2010-08-09", Nationality: "VN"}
	if err := a.reg.CreateChild(ctx, a.actor(socialWorker), child, nil); err != nil {
		t.Fatal(err)
	}
	b := browser(t)
	var results string
	err := chromedp.Do(b,
		signInAs(a.srv.URL, police),
		identifyFor("Minh", "Pham", chromedp.SetValue(chromedp.ID("date_of_birth"), "2010-09-08")),
		into(&results, chromedp.Text(chromedp.CSS("main"))),
		screenshot("identify-results"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(results, "Reference "+child.Ref) || !strings.Contains(results, "Day and month swapped") ||
		!strings.Contains(results, "Part of the recorded name not given") || strings.Contains(results, "(van)") { // the name left out, but not what it is
		t.Fatalf("results:\n%s", results)
	}
}

// Fourteen alike children and a search that can tell none apart: the page lists ten, says four
// more tie, and one press lists all fourteen.
func TestBrowserIdentifyListsTiedCandidates(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	a.recordAlike(t, 14)
	var before, after []*chromedp.Node
	var notice string
	err := chromedp.Do(browser(t),
		signInAs(a.srv.URL, socialWorker),
		identifyFor("Semhar", "Tekle"),
		into(&before, chromedp.Nodes(chromedp.CSSAll("section.match"))),
		into(&notice, chromedp.Text(chromedp.CSS(`div.panel.incomplete`))),
		screenshot("identify-tied"),
		chromedp.Click(chromedp.CSS(`input[name="limit"] ~ button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`input[name="limit"]`)),       // all are listed: none left to ask for
		chromedp.Poll[chromedp.Void](`document.readyState === "complete"`), // the whole list, not the part parsed so far
		into(&after, chromedp.Nodes(chromedp.CSSAll("section.match"))),
	)
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 10 || len(after) != 14 || !strings.Contains(notice, "4 more recorded children score exactly as the last one shown") {
		t.Fatalf("%d candidates, then %d; notice %q", len(before), len(after), notice)
	}
}

// A social worker whose organisation asks for a second factor sets up an authenticator app at
// their first sign-in, in the browser, and is signed in once the app's code is confirmed.
func TestBrowserSecondFactorSetUp(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	if err := a.reg.SetMFARoles(ctx, a.actor(admin), a.actor(admin).OrgID, []waymark.Role{waymark.RoleSocialWorker}); err != nil {
		t.Fatal(err)
	}
	bctx := browser(t)
	var key string
	var codes []*chromedp.Node
	err := chromedp.Do(bctx,
		chromedp.Navigate(a.srv.URL+"/signin"),
		screenshot("signin"),
		chromedp.SendKeys(chromedp.ID("email"), socialWorker),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS(`img[src="/second-factor/qr.png"]`)),
		screenshot("second-factor-set-up"),
		into(&key, chromedp.Text(chromedp.CSS(`code.secret`))),
		func(c context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			code, err := auth.TOTPCode(strings.TrimSpace(key), a.store.Now())
			if err != nil {
				return chromedp.Void{}, err
			}
			return chromedp.SendKeys(chromedp.ID("code"), code)(c, tg)
		},
		chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitVisible(chromedp.CSS(`ul.codes`)),
		screenshot("recovery-codes"),
		into(&codes, chromedp.Nodes(chromedp.CSSAll(`ul.codes code`))),
		chromedp.Click(chromedp.CSS(`a.button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/signout"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown, want 10", len(codes))
	}
}
