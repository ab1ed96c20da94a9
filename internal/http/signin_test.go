package http_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/ratelimit"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// signIn posts the sign-in form from c and returns the response, its body read.
func (a *app) signIn(c *http.Client, form url.Values) (*http.Response, string) {
	a.t.Helper()
	if c == nil {
		c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	res, err := c.PostForm(a.srv.URL+"/signin", form)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func creds(email, pw string) url.Values { return url.Values{"email": {email}, "password": {pw}} }

func (a *app) deniedSignIns() int {
	a.t.Helper()
	denied, err := a.store.AuditEntries(ctx, sqlstore.AuditFilter{Action: "signin", Outcome: audit.Denied})
	if err != nil {
		a.t.Fatal(err)
	}
	return len(denied)
}

// A client that half-closes its connection while the password is hashed cancels the request, but
// not the count: guesses sent that way are counted, audited and locked out like any others.
func TestSignInCountedWhenTheClientHangsUp(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			slow := auth.Params{Memory: 64 * 1024, Time: 8, Threads: 1}.Hash(password) // long enough to hang up during
			if err := a.store.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.SetPassword(a.logins[socialWorker].UserID, slow, false) }); err != nil {
				t.Fatal(err)
			}
			addr := strings.TrimPrefix(a.srv.URL, "http://")
			// hangUp sends a wrong guess, half-closes the connection while the password is hashed,
			// and returns the status of the answer that still comes.
			hangUp := func() int {
				conn, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				body := creds(socialWorker, "a wrong guess here").Encode()
				io.WriteString(conn, "POST /signin HTTP/1.1\r\nHost: "+addr+"\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
					"Content-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body)
				// Hang up once the hashing has begun: a busy machine may take a while to get there.
				for start := time.Now(); a.reg.Hashing.Busy() == 0 && time.Since(start) < 10*time.Second; {
					time.Sleep(time.Millisecond)
				}
				conn.(*net.TCPConn).CloseWrite()
				conn.SetReadDeadline(time.Now().Add(30 * time.Second))
				res, err := http.ReadResponse(bufio.NewReader(conn), nil)
				if err != nil {
					return 0
				}
				res.Body.Close()
				return res.StatusCode
			}
			// A guess whose password was checked is answered 401 and must be counted; one cut off
			// before the check (a slow moment) learns nothing and is not, and another is sent.
			checked := 0
			for tries := 0; checked < 5 && tries < 15; tries++ {
				if hangUp() == http.StatusUnauthorized {
					checked++
				}
			}
			if checked < 5 {
				t.Fatalf("only %d of 15 hung-up guesses were checked", checked)
			}
			if n := a.deniedSignIns(); n != 5 {
				t.Fatalf("%d of 5 checked hung-up guesses audited", n)
			}
			if res, _ := a.signIn(nil, creds(socialWorker, password)); res.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("after five hung-up guesses the right password got %d, want 429", res.StatusCode)
			}
		})
	}
}

// Ten wrong passwords at once count ten times: the lock is not raced past.
func TestParallelWrongPasswordsAllCount(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			var wg sync.WaitGroup
			for range 10 {
				wg.Go(func() { a.signIn(nil, creds(socialWorker, "not the password")) })
			}
			wg.Wait()
			if n := a.deniedSignIns(); n != 10 {
				t.Fatalf("%d of 10 parallel failures audited", n)
			}
			if res, _ := a.signIn(nil, creds(socialWorker, password)); res.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("after ten parallel failures the right password got %d, want 429", res.StatusCode)
			}
		})
	}
}

// An address that belongs to nobody is answered, counted and locked exactly like a user's, so the
// answers do not tell which accounts exist.
func TestUnknownAccountAnsweredAlike(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	for _, email := range []string{socialWorker, "nobody@northshire.example.org"} {
		var got []int
		for range 6 {
			res, body := a.signIn(nil, creds(email, "not the password"))
			got = append(got, res.StatusCode)
			if strings.Contains(body, "not found") || strings.Contains(body, "disabled") {
				t.Fatalf("%s: the answer says too much:\n%s", email, body)
			}
		}
		if want := []int{401, 401, 401, 401, 401, 429}; !slices.Equal(got, want) {
			t.Errorf("%s answered %v, want %v", email, got, want)
		}
	}
	if n := a.deniedSignIns(); n != 12 {
		t.Fatalf("%d failures audited, want 12 (six each: five checked, one refused by the lock)", n)
	}
	if _, err := a.reg.SignIn(ctx, socialWorker, password, "192.0.2.7", time.Hour); err != nil {
		t.Fatalf("locked out from one address, the user is locked out from another too: %v", err)
	}
}

// A crowd of sign-ins waits for a bounded number of hashing slots and, past the wait, is told to
// come back (503 with Retry-After); one address is refused past its rate before any hashing.
func TestSignInBusyAndThrottled(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	a.reg.Hashing = auth.NewGate(0, 20*time.Millisecond)
	release, err := a.reg.Hashing.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, body := a.signIn(nil, creds(socialWorker, password))
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("with every slot taken: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	contains(t, body, "busy", socialWorker) // the form keeps the address typed
	release()
	if res, _ := a.signIn(nil, creds(socialWorker, password)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("with a slot free: %d", res.StatusCode)
	}

	a.reg.SignInRate = ratelimit.New(2, 1, time.Hour, nil)
	for i, want := range []int{401, 401, 429} {
		if res, _ := a.signIn(nil, creds("someone@example.org", "x")); res.StatusCode != want {
			t.Fatalf("attempt %d from one address: %d, want %d", i+1, res.StatusCode, want)
		}
	}
}

// After sign-in the browser goes back where it was going, but only ever to a page of this site.
func TestSignInNextStaysOnSite(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	for next, want := range map[string]string{
		"/children?q=nguyen":    "/children?q=nguyen",
		"/children/abc":         "/children/abc",
		"":                      "/",
		"//evil.example":        "/",
		"/\\evil.example":       "/",
		"/\t/evil.example":      "/",
		"/\n/evil.example":      "/",
		"https://evil.example/": "/",
		"http:/evil.example":    "/",
		"evil.example":          "/",
		"/%0d%0aSet-Cookie:x":   "/%0d%0aSet-Cookie:x",
	} {
		form := creds(socialWorker, password)
		form.Set("next", next)
		res, _ := a.signIn(nil, form)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
			t.Errorf("next %q: %d to %q, want %q", next, res.StatusCode, res.Header.Get("Location"), want)
		}
	}
}

// A user changes their own password (not to a common one); an admin's reset gives a password for
// one sign-in, after which nothing opens until the user has chosen their own.
func TestPasswordChangeAndReset(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	c := a.client(socialWorker)
	change := func(c *http.Client, current, next, confirm string) (int, string) {
		res, err := c.PostForm(a.srv.URL+"/account/password", url.Values{"current": {current}, "password": {next}, "confirm": {confirm}})
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, readAll(t, res)
	}
	for _, tt := range []struct{ current, next, confirm, says string }{
		{"not mine at all", "harbour lights at dusk", "harbour lights at dusk", "That is not your current password"},
		{password, "password1234", "password1234", "among those tried first"},
		{password, "harbour lights at dusk", "harbour lights at noon", "not the same"},
	} {
		if code, page := change(c, tt.current, tt.next, tt.confirm); code != 422 || !strings.Contains(page, tt.says) || strings.Contains(page, tt.next) {
			t.Fatalf("%+v: %d\n%s", tt, code, page)
		}
	}
	if code, _ := change(c, password, "harbour lights at dusk", "harbour lights at dusk"); code != http.StatusSeeOther {
		t.Fatalf("change: %d", code)
	}
	if code, _ := get(t, c, a.srv.URL+"/children"); code != http.StatusSeeOther {
		t.Fatalf("the session that changed the password still works: %d", code)
	}
	if res, _ := a.signIn(nil, creds(socialWorker, "harbour lights at dusk")); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("sign in with the new password: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	admin := a.client(admin)
	_, page := get(t, admin, a.srv.URL+"/users")
	id := a.logins[socialWorker].UserID
	contains(t, page, socialWorker, `action="/users/`+id+`/reset"`)
	res, _ := admin.PostForm(a.srv.URL+"/users/"+id+"/reset", nil)
	page = readAll(t, res)
	temporary := regexp.MustCompile(`<code class="secret">([^<]+)</code>`).FindStringSubmatch(page)
	if res.StatusCode != 200 || temporary == nil {
		t.Fatalf("reset: %d\n%s", res.StatusCode, page)
	}
	if code, _ := get(t, a.client(otherCouncil), a.srv.URL+"/users"); code != http.StatusForbidden {
		t.Fatalf("a social worker opened the users page: %d", code)
	}
	jar, _ := cookiejar.New(nil)
	sw := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, _ = a.signIn(sw, creds(socialWorker, temporary[1]))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account/password?reset=1" {
		t.Fatalf("sign in with a reset password: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	for _, path := range []string{"/children", "/identify", "/"} {
		res, _ := sw.Get(a.srv.URL + path)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account/password?reset=1" {
			t.Fatalf("%s before choosing a password: %d %s", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	if code, _ := change(sw, temporary[1], "a kettle on the boil", "a kettle on the boil"); code != http.StatusSeeOther {
		t.Fatalf("choosing a password after a reset: %d", code)
	}
	if res, _ := a.signIn(nil, creds(socialWorker, "a kettle on the boil")); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("after choosing: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	for _, action := range []string{"password.change", "password.reset"} {
		if es, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{Action: action}); len(es) == 0 {
			t.Errorf("%s not audited", action)
		}
	}
}
