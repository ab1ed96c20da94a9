package registry

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Single sign-on with OpenID Connect: the authorisation-code flow with PKCE, a nonce in the ID
// token and a state bound to the browser by a sealed cookie. A user is matched by e-mail address
// within the organisation whose provider vouched for it; the provider is trusted for the second
// step (Entra ID's conditional access, say), so no code is asked after it.

// ssoFor is how long a browser may take at its provider.
const ssoFor = 10 * time.Minute

// ssoState is what the browser carries, sealed, from the start of a single sign-on to its return.
type ssoState struct {
	OrgID, State, Nonce, Verifier, Next string
	Until                               time.Time
}

// providers keeps each OpenID provider once discovered.
type providers struct {
	mu sync.Mutex
	m  map[string]*oidc.Provider
}

func (p *providers) get(ctx context.Context, issuer string) (*oidc.Provider, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pr, ok := p.m[issuer]; ok {
		return pr, nil
	}
	pr, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		return nil, fmt.Errorf("discover %s: %w", issuer, err)
	}
	if p.m == nil {
		p.m = map[string]*oidc.Provider{}
	}
	p.m[issuer] = pr
	return pr, nil
}

var errSSOFailed = waymark.Errorf(waymark.EUNAUTHORIZED, "Single sign-on did not work. Try again, or sign in with your password.")

// SetSSO sets up single sign-on for an organisation.
func (r *Registry) SetSSO(ctx context.Context, a waymark.Actor, c *sqlstore.SSO) error {
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: c.OrgID}, "organisation", c.OrgID); err != nil {
		return err
	}
	if err := checkSSO(c); err != nil {
		return err
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.SetSSO(c); err != nil {
			return err
		}
		e := entry(a, "sso.set", "organisation", c.OrgID, c.OrgID)
		e.Reason = c.Domain + " through " + c.Issuer
		return tx.Audit(e)
	})
}

// RemoveSSO turns an organisation's single sign-on off.
func (r *Registry) RemoveSSO(ctx context.Context, a waymark.Actor, orgID string) error {
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: orgID}, "organisation", orgID); err != nil {
		return err
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.DeleteSSO(orgID); err != nil {
			return err
		}
		return tx.Audit(entry(a, "sso.remove", "organisation", orgID, orgID))
	})
}

// checkSSO validates a single sign-on's settings: the provider must be reached over HTTPS, but for
// one on this machine.
func checkSSO(c *sqlstore.SSO) error {
	c.Domain = strings.ToLower(strings.TrimSpace(c.Domain))
	var bad []waymark.FieldError
	if c.Domain == "" || strings.ContainsAny(c.Domain, "@/ ") || !strings.Contains(c.Domain, ".") {
		bad = append(bad, waymark.FieldError{Field: "domain", Message: "Enter the domain of the users' e-mail addresses, such as council.example.gov.uk"})
	}
	u, err := url.Parse(c.Issuer)
	if err != nil || u.Host == "" || !(u.Scheme == "https" || u.Scheme == "http" && loopback(u.Hostname())) {
		bad = append(bad, waymark.FieldError{Field: "issuer", Message: "Enter the provider's issuer URL, starting https://"})
	}
	if c.ClientID == "" {
		bad = append(bad, waymark.FieldError{Field: "client-id", Message: "Enter the client id Waymark has at the provider"})
	}
	if c.ClientSecret == "" {
		bad = append(bad, waymark.FieldError{Field: "client-secret", Message: "Set WAYMARK_SSO_CLIENT_SECRET to the client secret Waymark has at the provider"})
	}
	if len(bad) > 0 {
		return &waymark.Error{Code: waymark.EINVALID, Message: "Single sign-on was not set up.", Fields: bad}
	}
	return nil
}

func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// oauth returns the OAuth 2 side of an organisation's single sign-on, returning to callback.
func (r *Registry) oauth(ctx context.Context, c *sqlstore.SSO, callback string) (*oidc.Provider, *oauth2.Config, error) {
	p, err := r.sso.get(ctx, c.Issuer)
	if err != nil {
		return nil, nil, err
	}
	return p, &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: callback, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}, nil
}

// StartSSO begins a single sign-on for the e-mail address given, for the provider of the
// organisation whose domain it is. It returns the provider's page to send the browser to, and the
// sealed state for the browser to carry back to callback.
func (r *Registry) StartSSO(ctx context.Context, email, callback, next string) (string, string, error) {
	_, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(email)), "@")
	if !ok {
		return "", "", &waymark.Error{Code: waymark.EINVALID, Message: "Enter your work e-mail address.",
			Fields: []waymark.FieldError{{Field: "sso_email", Message: "Enter your work e-mail address, such as name@council.example.gov.uk"}}}
	}
	c, err := r.store.SSOByDomain(ctx, domain)
	if waymark.ErrorCode(err) == waymark.ENOTFOUND {
		return "", "", &waymark.Error{Code: waymark.EINVALID, Message: "Single sign-on is not set up for that address.",
			Fields: []waymark.FieldError{{Field: "sso_email", Message: "Single sign-on is not set up for " + domain + ": sign in with your password"}}}
	} else if err != nil {
		return "", "", err
	}
	_, cfg, err := r.oauth(ctx, c, callback)
	if err != nil {
		return "", "", err
	}
	st := ssoState{OrgID: c.OrgID, State: auth.NewSecret(""), Nonce: auth.NewSecret(""), Verifier: oauth2.GenerateVerifier(),
		Next: next, Until: r.store.Now().Add(ssoFor)}
	b, err := json.Marshal(st)
	if err != nil {
		return "", "", err
	}
	to := cfg.AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier), oauth2.SetAuthURLParam("login_hint", email))
	return to, base64.RawURLEncoding.EncodeToString(r.store.Seal(b, "sso state")), nil
}

// FinishSSO completes a single sign-on when the browser comes back from its provider with the
// state it carried and the provider's answer (code and state, or error), opening a session lasting
// idle. It returns the page asked for at the start as well.
func (r *Registry) FinishSSO(ctx context.Context, carried string, answer url.Values, callback, addr string, idle time.Duration) (*SignedIn, string, error) {
	if ok, retry := r.SignInRate.Allow(addr); !ok {
		return nil, "", tooMany(retry)
	}
	st, err := r.openSSOState(carried)
	if err != nil || subtle.ConstantTimeCompare([]byte(st.State), []byte(answer.Get("state"))) != 1 || answer.Get("code") == "" {
		return nil, "", errSSOFailed
	}
	c, err := r.store.SSO(ctx, st.OrgID)
	if err != nil {
		return nil, "", err
	}
	email, err := r.ssoEmail(ctx, c, callback, st, answer.Get("code"))
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), bookkeeping)
	defer cancel()
	if err != nil {
		e := failedSignIn(nil, false, addr)
		e.Reason, e.RecordOrg = "single sign-on: "+err.Error(), c.OrgID
		if err := r.store.Audit(ctx, e); err != nil {
			return nil, "", err
		}
		return nil, "", errSSOFailed
	}
	u, err := r.store.UserByEmail(ctx, email)
	if err != nil && waymark.ErrorCode(err) != waymark.ENOTFOUND {
		return nil, "", err
	}
	if err != nil || u.OrgID != c.OrgID || u.Disabled {
		e := failedSignIn(u, err == nil, addr)
		e.Reason = "single sign-on: " + email + " is no user of the organisation"
		if err := r.store.Audit(ctx, e); err != nil {
			return nil, "", err
		}
		return nil, "", waymark.Errorf(waymark.EFORBIDDEN, "Your organisation's sign-on knows you as %s, but Waymark has no such user: ask your administrator.", email)
	}
	in, err := r.openSession(ctx, u, addr, idle, "", "single sign-on through "+c.Issuer, nil)
	return in, st.Next, err
}

func (r *Registry) openSSOState(carried string) (*ssoState, error) {
	sealed, err := base64.RawURLEncoding.DecodeString(carried)
	if err != nil {
		return nil, err
	}
	b, err := r.store.Unseal(sealed, "sso state")
	if err != nil {
		return nil, err
	}
	var st ssoState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, err
	}
	if !r.store.Now().Before(st.Until) {
		return nil, fmt.Errorf("single sign-on state expired")
	}
	return &st, nil
}

// ssoEmail exchanges the code for tokens, verifies the ID token (signature, issuer, audience,
// expiry and nonce) and returns the e-mail address it, or the provider's userinfo, gives.
func (r *Registry) ssoEmail(ctx context.Context, c *sqlstore.SSO, callback string, st *ssoState, code string) (string, error) {
	p, cfg, err := r.oauth(ctx, c, callback)
	if err != nil {
		return "", err
	}
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return "", fmt.Errorf("exchange code: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.Verifier(&oidc.Config{ClientID: c.ClientID}).Verify(ctx, raw)
	if err != nil {
		return "", fmt.Errorf("verify ID token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		return "", fmt.Errorf("ID token nonce differs")
	}
	var claims struct {
		Email             string `json:"email"`
		EmailVerified     *bool  `json:"email_verified"`
		PreferredUsername string `json:"preferred_username"`
	}
	if err := idt.Claims(&claims); err != nil {
		return "", fmt.Errorf("ID token claims: %w", err)
	}
	if claims.Email == "" {
		info, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return "", fmt.Errorf("userinfo: %w", err)
		}
		if info.Subject != idt.Subject {
			return "", fmt.Errorf("userinfo is of another subject")
		}
		claims.Email, claims.EmailVerified = info.Email, &info.EmailVerified
	}
	if claims.Email == "" && strings.Contains(claims.PreferredUsername, "@") {
		claims.Email = claims.PreferredUsername // Entra ID's user principal name, when no e-mail claim is issued
	}
	if claims.Email == "" || claims.EmailVerified != nil && !*claims.EmailVerified {
		return "", fmt.Errorf("no verified e-mail address for subject %s", idt.Subject)
	}
	return strings.ToLower(claims.Email), nil
}
