package http_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// newJar is a browser that keeps cookies and shows each redirect rather than following it.
func newJar() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// post sends a form from c and returns the response with its body read.
func (a *app) post(c *http.Client, path string, form url.Values) (*http.Response, string) {
	a.t.Helper()
	res, err := c.PostForm(a.srv.URL+path, form)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// wantRedirect fails unless res is a redirect to where.
func wantRedirect(t *testing.T, res *http.Response, where string) {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != where {
		t.Fatalf("got %d to %q, want a redirect to %q", res.StatusCode, res.Header.Get("Location"), where)
	}
}

var (
	keyShown      = regexp.MustCompile(`<code class="secret">([A-Z2-7]{16,})</code>`)
	recoveryShown = regexp.MustCompile(`<code class="secret">([a-z2-7]{5}-[a-z2-7]{5})</code>`)
)

// An organisation that asks a second factor of a role gets it: at the first sign-in the user sets
// up an authenticator app (the half-signed-in session opens nothing meanwhile), then every sign-in
// asks for a code, each code works once, a recovery code works once, and an admin can remove a
// lost one. A role not chosen signs in with the password alone.
func TestSecondFactor(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			adm := a.client(admin)
			res, _ := a.post(adm, "/users/second-factor", url.Values{"role": {"social_worker", "manager"}})
			if res.StatusCode != http.StatusOK {
				t.Fatalf("setting the roles: %d", res.StatusCode)
			}

			sw := newJar()
			res, _ = a.post(sw, "/signin", creds(socialWorker, password))
			wantRedirect(t, res, "/second-factor?next=")
			if !a.signedOut(sw) {
				t.Fatal("a session that has passed only the password opened the caseload")
			}
			_, page := get(t, sw, a.srv.URL+"/second-factor")
			m := keyShown.FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("no key on the set-up page:\n%s", page)
			}
			key := m[1]
			if qr, err := sw.Get(a.srv.URL + "/second-factor/qr.png"); err != nil || qr.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("QR code: %v %v", err, qr.Header)
			}
			res, page = a.post(sw, "/second-factor", url.Values{"code": {"000000"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Enter the 6-digit code your authenticator app shows now") {
				t.Fatalf("a wrong code at set-up: %d", res.StatusCode)
			}
			now := a.store.Now()
			first := totpAt(t, key, now)
			res, page = a.post(sw, "/second-factor", url.Values{"code": {first}})
			codes := recoveryShown.FindAllStringSubmatch(page, -1)
			if res.StatusCode != http.StatusOK || len(codes) != 10 {
				t.Fatalf("set-up: %d, %d recovery codes", res.StatusCode, len(codes))
			}
			if code, _ := get(t, sw, a.srv.URL+"/children"); code != http.StatusOK {
				t.Fatalf("signed in after set-up: %d", code)
			}

			// Every later sign-in asks for a code; the one used at set-up is spent.
			again := func() *http.Client {
				c := newJar()
				res, _ := a.post(c, "/signin", creds(socialWorker, password))
				wantRedirect(t, res, "/signin/code?next=")
				return c
			}
			c := again()
			if res, _ := a.post(c, "/signin/code", url.Values{"code": {first}}); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("a spent code was taken again: %d", res.StatusCode)
			}
			res, _ = a.post(c, "/signin/code", url.Values{"code": {totpAt(t, key, now.Add(30*time.Second))}})
			wantRedirect(t, res, "/")
			if code, _ := get(t, c, a.srv.URL+"/children"); code != http.StatusOK {
				t.Fatalf("signed in with a code: %d", code)
			}

			c = again()
			spare := codes[3][1]
			res, _ = a.post(c, "/signin/code", url.Values{"code": {strings.ToUpper(spare)}})
			wantRedirect(t, res, "/")
			c = again()
			if res, _ := a.post(c, "/signin/code", url.Values{"code": {spare}}); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("a recovery code worked twice: %d", res.StatusCode)
			}

			// Lost phone: the admin removes it; the sessions end and the next sign-in sets one up.
			res, _ = a.post(adm, "/users/"+a.logins[socialWorker].UserID+"/second-factor/reset", nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("reset: %d", res.StatusCode)
			}
			if !a.signedOut(sw) {
				t.Fatal("a session outlived the reset of its second factor")
			}
			res, _ = a.post(newJar(), "/signin", creds(socialWorker, password))
			wantRedirect(t, res, "/second-factor?next=")

			// The analyst's role was not chosen.
			res, _ = a.post(newJar(), "/signin", creds(analyst, password))
			wantRedirect(t, res, "/")
		})
	}
}

// signedOut reports whether c is sent to sign in when it asks for the caseload.
func (a *app) signedOut(c *http.Client) bool {
	a.t.Helper()
	res, err := c.Get(a.srv.URL + "/children")
	if err != nil {
		a.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/signin")
}

func totpAt(t *testing.T, key string, at time.Time) string {
	t.Helper()
	code, err := auth.TOTPCode(key, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// enrol gives the user of email an authenticator app and returns its key.
func (a *app) enrol(email string) string {
	a.t.Helper()
	act := a.actor(email)
	k, err := a.reg.OfferTOTP(ctx, act)
	if err != nil {
		a.t.Fatal(err)
	}
	code, _ := auth.TOTPCode(k.Secret(), a.store.Now().Add(-30*time.Second))
	if _, err := a.reg.EnableTOTP(ctx, act, code); err != nil {
		a.t.Fatal(err)
	}
	return k.Secret()
}

// A code sent by ten sign-ins at the same moment opens one session; wrong codes count towards the
// lock like wrong passwords, and are audited.
func TestSecondFactorCodeWorksOnce(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			key := a.enrol(socialWorker)
			code := totpAt(t, key, a.store.Now())
			var pending []string
			for range 10 {
				in, err := a.reg.SignIn(ctx, socialWorker, password, "192.0.2.9", time.Hour)
				if err != nil || in.Pending != "code" {
					t.Fatalf("sign in: %v %+v", err, in)
				}
				pending = append(pending, in.Secret)
			}
			var mu sync.Mutex
			opened := 0
			var wg sync.WaitGroup
			for _, secret := range pending {
				wg.Go(func() {
					if _, err := a.reg.SecondFactor(ctx, secret, code, "192.0.2.9", time.Hour); err == nil {
						mu.Lock()
						opened++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if opened != 1 {
				t.Fatalf("one code opened %d sessions", opened)
			}

			in, err := a.reg.SignIn(ctx, socialWorker, password, "192.0.2.10", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			var last error
			for range 6 {
				_, last = a.reg.SecondFactor(ctx, in.Secret, "123456", "192.0.2.10", time.Hour)
			}
			if !strings.Contains(last.Error(), "Too many attempts") {
				t.Fatalf("six wrong codes from one address: %v, want a lock", last)
			}
			denied, err := a.store.AuditEntries(ctx, sqlstore.AuditFilter{Action: "signin"})
			if err != nil {
				t.Fatal(err)
			}
			wrong := 0
			for _, e := range denied {
				if e.Reason == "wrong second-factor code" && e.Addr == "192.0.2.10" {
					wrong++
				}
			}
			if wrong != 5 {
				t.Fatalf("%d wrong codes audited, want 5 (the sixth is refused by the lock)", wrong)
			}
		})
	}
}
