package http

import (
	"net/http"
	"net/url"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/web"
)

// ssoCookie carries a single sign-on's sealed state while the browser is at its provider. Lax, so
// that it comes back with the provider's redirect; scoped to the way back.
const (
	ssoCookie = "waymark_sso"
	ssoPath   = "/signin/sso"
)

func (s *Server) ssoRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST "+ssoPath, s.startSSO)
	mux.HandleFunc("GET "+ssoPath+"/callback", s.finishSSO)
}

// callbackURL is where the provider sends the browser back to: under PublicURL when it is set,
// else under the address this request came to.
func (s *Server) callbackURL(r *http.Request) string {
	base := s.PublicURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil || s.SecureCookies {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + ssoPath + "/callback"
}

func (s *Server) startSSO(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	email, next := r.PostFormValue("sso_email"), r.PostFormValue("next")
	to, state, err := s.Registry.StartSSO(r.Context(), email, s.callbackURL(r), localPath(next))
	if err != nil {
		s.signInFailed(w, r, url.Values{"sso_email": {email}, "next": {next}}, "sso_email", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: state, Path: ssoPath, MaxAge: 600,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) finishSSO(w http.ResponseWriter, r *http.Request) {
	carried := ""
	if c, err := r.Cookie(ssoCookie); err == nil {
		carried = c.Value
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Path: ssoPath, MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
	in, next, err := s.Registry.FinishSSO(r.Context(), carried, r.URL.Query(), s.callbackURL(r), s.clientAddr(r), s.SessionIdle)
	if err != nil {
		s.signInFailed(w, r, url.Values{}, "sso_email", err)
		return
	}
	s.signedInAs(w, r, in, next)
}

// signInFailed shows the sign-in page again with what was typed and the error against field.
func (s *Server) signInFailed(w http.ResponseWriter, r *http.Request, form url.Values, field string, err error) {
	retryAfter(w, err)
	w.WriteHeader(status(err))
	msg := waymark.ErrorMessage(err)
	if f := waymark.ErrorFields(err); len(f) > 0 {
		msg = f[0].Message
	}
	s.render(w, r, "signin", &web.View{Title: "Sign in", Form: form, Errors: []waymark.FieldError{{Field: field, Message: msg}}})
}
