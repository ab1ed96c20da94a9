package http

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/web"
)

const cookieName = "waymark_session"

// sessionUser returns the signed-in user, extending the session while it is in use.
func (s *Server) sessionUser(r *http.Request) *waymark.User {
	u, err := s.Registry.Session(r.Context(), sessionSecret(r), s.SessionIdle, s.SessionMax)
	if err != nil {
		s.Log.Warn("session", "err", err)
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
	v := &web.View{Title: "Sign in", Form: url.Values{"next": {r.URL.Query().Get("next")}}}
	switch {
	case r.URL.Query().Get("changed") != "":
		v.Flash = "Your password is changed. Sign in with it."
	case r.URL.Query().Get("held") != "":
		v.Flash = "Your session had ended, so what you sent is not saved yet. Nothing is lost: it is kept for you. Sign in again and you can send it."
	}
	s.render(w, r, "signin", v)
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	next := r.PostFormValue("next")
	in, err := s.Registry.SignIn(r.Context(), email, r.PostFormValue("password"), s.clientAddr(r), s.SessionIdle)
	if err != nil {
		s.signInFailed(w, r, url.Values{"email": {email}, "next": {next}}, "email", err)
		return
	}
	s.signedInAs(w, r, in, next)
}

// localPath returns next when it is a path on this site, and "/" otherwise: nothing with a scheme,
// a host, a backslash (which browsers read as a slash) or a control character gets through.
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(next, "/") ||
		strings.HasPrefix(next, "//") || strings.ContainsFunc(next, func(r rune) bool { return r == '\\' || r < 0x20 || r == 0x7f }) {
		return "/"
	}
	return next
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if secret := sessionSecret(r); secret != "" {
		if err := s.Registry.SignOut(r.Context(), secret); err != nil {
			s.Log.Warn("sign out", "err", err)
		}
	}
	s.setSessionCookie(w, "", -1)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
