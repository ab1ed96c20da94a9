package http_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/demo"
	wmhttp "github.com/waymark-org/waymark/internal/http"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
	"github.com/waymark-org/waymark/internal/web"
)

func init() { auth.Default = auth.Params{Memory: 8 * 1024, Time: 1, Threads: 1} }

const password = "test password 123"

// app is a running Waymark over a real database holding the demo world.
type app struct {
	t      testing.TB
	srv    *httptest.Server
	store  *sqlstore.Store
	reg    *registry.Registry
	logins map[string]demo.Login // by e-mail
	// offline, when set, drops every connection as it arrives: the signal gone, as a phone sees it.
	offline atomic.Bool
}

var ctx = context.Background()

func newApp(t testing.TB, d sqlstore.Dialect) *app {
	t.Helper()
	store := storetest.Open(t, d)
	reg := registry.New(store)
	logins, err := demo.Seed(ctx, reg, demo.Options{Children: 12, Seed: 7, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Europe/London")
	pages, err := web.Load(loc)
	if err != nil {
		t.Fatal(err)
	}
	s := &wmhttp.Server{Registry: reg, Pages: pages, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Location: loc,
		SessionIdle: time.Hour, SessionMax: 12 * time.Hour}
	a := &app{t: t, store: store, reg: reg, logins: map[string]demo.Login{}}
	h := s.Handler()
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.offline.Load() {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(a.srv.Close)
	for _, l := range logins {
		a.logins[l.Email] = l
	}
	return a
}

// Demo users.
const (
	socialWorker = "social.worker@northshire.example.org"
	otherCouncil = "social.worker@eastport.example.org"
	admin        = "admin@northshire.example.org"
	guardian     = "guardian@guardians.example.org"
	police       = "police@police.example.org"
	analyst      = "analyst@northshire.example.org"
	manager      = "manager@northshire.example.org"
	carer        = "carer@northshire.example.org"
	keyWorker    = "key.worker@guardians.example.org"
)

func (a *app) actor(email string) waymark.Actor {
	l := a.logins[email]
	u, err := a.store.User(ctx, l.UserID)
	if err != nil {
		a.t.Fatal(err)
	}
	return waymark.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, Name: u.Name}
}

// client returns an HTTP client signed in as email.
func (a *app) client(email string) *http.Client {
	a.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(a.srv.URL+"/signin", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		a.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		a.t.Fatalf("sign in as %s: %d %s", email, res.StatusCode, res.Header.Get("Location"))
	}
	return c
}

func get(t testing.TB, c *http.Client, u string) (int, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// childOf returns the id of one child owned by the organisation of email.
func (a *app) childOf(email string) string {
	act := a.actor(email)
	list, _, err := a.store.Children(ctx, sqlstore.ChildFilter{OrgID: act.OrgID, Limit: 1})
	if err != nil || len(list) == 0 {
		a.t.Fatalf("no child for %s: %v", email, err)
	}
	return list[0].ID
}

func contains(t testing.TB, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Fatalf("page lacks %q:\n%s", w, body)
		}
	}
}

// orgID returns the id of the demo organisation named.
func (a *app) orgID(name string) string {
	o, err := a.store.OrgByName(ctx, name)
	if err != nil {
		a.t.Fatal(err)
	}
	return o.ID
}
