package http_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// A first contact sent after the session ended is kept for the officer who typed it, and only for
// them: signing in again offers to send it, and sending it saves the record with its photo, once.
func TestFormSentAfterSessionEndedIsKept(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) { formKeptAcrossSignIn(t, newApp(t, d)) })
	}
}

func formKeptAcrossSignIn(t *testing.T, a *app) {
	const officer = "border@border.example.org"
	c := a.client(officer)
	later := time.Now().Add(3 * time.Hour) // past the hour a session lasts unused
	a.store.SetClock(func() time.Time { return later })
	t.Cleanup(func() { a.store.SetClock(time.Now) })

	fields := url.Values{"given_names": {"Hiwet"}, "family_name": {"Okbay Mehari"}, "date_of_birth": {"2011-03-02"},
		"nationality": {"ER"}, "kind": {"first_contact"}, "at": {"2026-11-20T03:10"}, "place": {"Dover Eastern Docks"}, "agency": {"border"},
		"confirm_new": {"yes"}}
	ct, body := multipartForm(t, fields, jpegBytes(t))
	res, err := c.Post(a.srv.URL+"/children", ct, body)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/signin?held=1&next=/held" {
		t.Fatalf("form after the session ended: %d %s", res.StatusCode, loc)
	}
	_, signin := get(t, c, a.srv.URL+"/signin?held=1&next=/held")
	contains(t, signin, "Nothing is lost")

	// Another user signing in on the same browser finds nothing waiting for them.
	a.signInWith(c, socialWorker)
	_, page := get(t, c, a.srv.URL+"/held")
	contains(t, page, "Nothing is waiting")

	// A browser that never signed in keeps nothing.
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ct, body = multipartForm(t, fields, nil)
	res, err = anon.Post(a.srv.URL+"/children", ct, body)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/signin?next=") {
		t.Fatalf("form from a browser never signed in: %s", loc)
	}

	a.signInWith(c, officer)
	_, page = get(t, c, a.srv.URL+"/held")
	contains(t, page, "Send what you had typed?", "Record first contact", "It is not saved yet")
	res, err = c.PostForm(a.srv.URL+"/held/send", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/children/") {
		t.Fatalf("send the kept form: %d %s", res.StatusCode, loc)
	}
	_, child := get(t, c, a.srv.URL+loc)
	contains(t, child, "Hiwet Okbay Mehari", "/thumbnail")
	if res, _ := c.PostForm(a.srv.URL+"/held/send", nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("a kept form sent twice: %d", res.StatusCode)
	}
}

// signInWith signs in as email with c's browser, keeping its other cookies.
func (a *app) signInWith(c *http.Client, email string) {
	a.t.Helper()
	res, err := c.PostForm(a.srv.URL+"/signin", url.Values{"email": {email}, "password": {password}, "next": {"/held"}})
	if err != nil {
		a.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("sign in as %s: %d", email, res.StatusCode)
	}
}
