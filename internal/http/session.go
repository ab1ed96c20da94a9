package http

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/web"
)

const cookieName = "waymark_session"

// Lockout: after this many failures in a row the account waits, doubling from a minute to an hour.
const (
	freeAttempts = 5
	maxLock      = time.Hour
)

func lockFor(failed int) time.Duration {
	if failed < freeAttempts {
		return 0
	}
	d := time.Minute << min(failed-freeAttempts, 10)
	return min(d, maxLock)
}

// sessionUser returns the signed-in user, extending the session while it is in use.
func (s *Server) sessionUser(w http.ResponseWriter, r *http.Request) *waymark.User {
	c, err := r.Cookie(cookieName)
	if err != nil || c.Value == "" {
		return nil
	}
	se, u, err := s.store().SessionUser(r.Context(), auth.Digest(c.Value))
	if err != nil || u.Disabled {
		return nil
	}
	now := s.store().Now()
	if now.Sub(se.LastSeen) > time.Minute { // write at most once a minute per session
		expires := now.Add(s.SessionIdle)
		if limit := se.CreatedAt.Add(s.SessionMax); limit.Before(expires) {
			expires = limit
		}
		if err := s.store().TouchSession(r.Context(), se.Digest, now, expires); err != nil {
			s.Log.Warn("touch session", "err", err)
		}
	}
	return u
}

func (s *Server) setSessionCookie(w http.ResponseWriter, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	if actor(r).Role != "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, "signin", &web.View{Title: "Sign in", Form: url.Values{"next": {r.URL.Query().Get("next")}}})
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	password := r.PostFormValue("password")
	form := url.Values{"email": {email}, "next": {r.PostFormValue("next")}}
	u, err := s.checkPassword(r, email, password)
	if err != nil {
		w.WriteHeader(status(err))
		s.render(w, r, "signin", &web.View{Title: "Sign in", Form: form,
			Errors: []waymark.FieldError{{Field: "email", Message: waymark.ErrorMessage(err)}}})
		return
	}
	// A new secret at every sign-in: a session id planted before sign-in is worthless.
	secret := auth.NewSecret("wms_")
	now := s.store().Now()
	se := &sqlstore.Session{Digest: auth.Digest(secret), UserID: u.ID, CreatedAt: now, LastSeen: now,
		ExpiresAt: now.Add(s.SessionIdle), Addr: s.clientAddr(r)}
	err = s.store().InTx(r.Context(), func(tx *sqlstore.Tx) error {
		if err := tx.CreateSession(se); err != nil {
			return err
		}
		if err := tx.RecordLogin(u.ID, 0, time.Time{}); err != nil {
			return err
		}
		return tx.Audit(&audit.Entry{UserID: u.ID, ActorName: u.Name, OrgID: u.OrgID, Action: "signin", RecordType: "user", RecordID: u.ID, Addr: se.Addr})
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, secret, int(s.SessionMax.Seconds()))
	next := r.PostFormValue("next")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

var errSignIn = waymark.Errorf(waymark.EUNAUTHORIZED, "The e-mail address or password is not right.")

// checkPassword verifies a sign-in, counting failures and locking the account after too many.
// Unknown addresses, disabled users and wrong passwords all get the same answer and take as long.
func (s *Server) checkPassword(r *http.Request, email, password string) (*waymark.User, error) {
	u, err := s.store().UserByEmail(r.Context(), email)
	if err != nil {
		auth.DummyVerify(password)
		return nil, errSignIn
	}
	now := s.store().Now()
	if now.Before(u.LockedUntil) {
		mins := int(u.LockedUntil.Sub(now).Minutes()) + 1
		return nil, waymark.Errorf(waymark.ETOOMANY, "Too many failed attempts. Try again in %d minute(s), or ask your administrator.", mins)
	}
	ok, err := auth.VerifyPassword(u.PasswordHash, password)
	if err == nil && ok && !u.Disabled {
		return u, nil
	}
	failed := u.FailedLogins + 1
	var until time.Time
	if d := lockFor(failed); d > 0 {
		until = now.Add(d)
	}
	err = s.store().InTx(r.Context(), func(tx *sqlstore.Tx) error {
		if err := tx.RecordLogin(u.ID, failed, until); err != nil {
			return err
		}
		return tx.Audit(&audit.Entry{UserID: u.ID, ActorName: u.Email, OrgID: u.OrgID, Action: "signin", RecordType: "user",
			RecordID: u.ID, Addr: s.clientAddr(r), Outcome: audit.Denied})
	})
	if err != nil {
		return nil, err
	}
	return nil, errSignIn
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(cookieName); err == nil {
		if err := s.store().DeleteSession(r.Context(), auth.Digest(c.Value)); err != nil {
			s.Log.Warn("sign out", "err", err)
		}
	}
	s.setSessionCookie(w, "", -1)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
