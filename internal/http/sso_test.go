package http_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

const providerPassword = "provider password"

// startProvider runs a real OpenID Connect provider (zitadel's, with its example storage and login
// form) in the test process, knowing one person per e-mail address given, and Waymark as a client
// returning to callback. It returns the issuer.
func startProvider(t *testing.T, callback string, emails ...string) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	users := map[string]*storage.User{}
	for i, e := range emails {
		id := "person-" + string(rune('a'+i))
		users[id] = &storage.User{ID: id, Username: e, Password: providerPassword, FirstName: "Test", LastName: "Person",
			Email: e, EmailVerified: true}
	}
	b, err := json.Marshal(users)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "users.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	us, err := storage.StoreFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	storage.RegisterClients(storage.WebClient("waymark-test", "waymark client secret", callback))
	srv.Config.Handler = exampleop.SetupServer(issuer, storage.NewStorage(us), slog.New(slog.DiscardHandler), false)
	srv.Start()
	t.Cleanup(srv.Close)
	return issuer
}

// ssoSignIn goes through single sign-on as a browser does: Waymark's form with email, the
// provider's login form as who, and back. It returns the last response and its body.
func (a *app) ssoSignIn(c *http.Client, email, who string) (*http.Response, string) {
	a.t.Helper()
	res, err := c.PostForm(a.srv.URL+"/signin/sso", url.Values{"sso_email": {email}})
	if err != nil {
		a.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	id := res.Request.URL.Query().Get("authRequestID")
	if id == "" {
		a.t.Fatalf("not at the provider's login form: %d %s", res.StatusCode, res.Request.URL)
	}
	login := *res.Request.URL
	login.RawQuery = ""
	res, err = c.PostForm(login.String(), url.Values{"id": {id}, "username": {who}, "password": {providerPassword}})
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// Single sign-on with OpenID Connect against a real provider: the authorisation-code flow with
// PKCE signs a user in by e-mail within the organisation that set it up; a person the provider
// vouches for who is no user there, another organisation's user included, is refused and audited;
// a way back without the state the browser carried is refused.
func TestSingleSignOn(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			issuer := startProvider(t, a.srv.URL+"/signin/sso/callback", socialWorker, "stranger@northshire.example.org", otherCouncil)
			org := a.actor(socialWorker).OrgID
			sso := &sqlstore.SSO{OrgID: org, Domain: "Northshire.example.org", Issuer: issuer, ClientID: "waymark-test", ClientSecret: "waymark client secret"}
			if err := a.reg.SetSSO(ctx, waymark.Operator("test"), sso); err != nil {
				t.Fatal(err)
			}
			// The provider is trusted for the second step: a role that needs one is not asked again.
			if err := a.reg.SetMFARoles(ctx, waymark.Operator("test"), org, waymark.DefaultMFARoles()); err != nil {
				t.Fatal(err)
			}

			browser := func() *http.Client { jar, _ := cookiejar.New(nil); return &http.Client{Jar: jar} }
			c := browser()
			res, body := a.ssoSignIn(c, socialWorker, socialWorker)
			if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/" || !strings.Contains(body, `action="/signout"`) {
				t.Fatalf("single sign-on ended at %d %s", res.StatusCode, res.Request.URL)
			}
			if code, _ := get(t, c, a.srv.URL+"/children"); code != http.StatusOK {
				t.Fatalf("signed in by single sign-on, the caseload: %d", code)
			}
			ok, err := a.store.AuditEntries(ctx, sqlstore.AuditFilter{Action: "signin", Outcome: audit.Allowed})
			if err != nil || len(ok) == 0 || !strings.Contains(ok[len(ok)-1].Reason, "single sign-on") {
				t.Fatalf("the sign-in is not audited as single sign-on: %v %+v", err, ok)
			}

			for _, who := range []string{"stranger@northshire.example.org", otherCouncil} {
				res, body = a.ssoSignIn(browser(), socialWorker, who)
				if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "has no such user") {
					t.Fatalf("%s, no user of the organisation: %d", who, res.StatusCode)
				}
			}
			denied, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{Action: "signin", Outcome: audit.Denied})
			if len(denied) != 2 {
				t.Fatalf("%d refused single sign-ons audited, want 2", len(denied))
			}

			res, body = a.post(newJar(), "/signin/sso", url.Values{"sso_email": {"someone@elsewhere.example.org"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "not set up for elsewhere.example.org") {
				t.Fatalf("an address with no single sign-on: %d", res.StatusCode)
			}
			if code, _ := get(t, newJar(), a.srv.URL+"/signin/sso/callback?code=forged&state=forged"); code != http.StatusUnauthorized {
				t.Fatalf("a way back without the browser's state: %d", code)
			}
		})
	}
}
