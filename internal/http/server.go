// Package http serves Waymark's web pages and its JSON API over one net/http mux. Every request
// that touches children goes through the registry, which checks access and writes the audit log.
package http

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/web"
)

// Server holds what the handlers need.
type Server struct {
	Registry *registry.Registry
	Pages    *web.Templates
	Log      *slog.Logger
	Location *time.Location
	// SecureCookies marks the session cookie Secure; set it whenever Waymark is reached over HTTPS.
	SecureCookies bool
	SessionIdle   time.Duration
	SessionMax    time.Duration
	// PublicURL is where users reach Waymark (https://waymark.example.org), for single sign-on's
	// way back; empty: the address each request came to.
	PublicURL string
	// TrustProxy takes the client address from X-Forwarded-For (only behind a proxy you run).
	TrustProxy bool

	routes     *http.ServeMux
	formTitles map[string]string // each care form's title by its route, for a kept form's page
}

// Handler returns the whole application: pages, API and static files, behind the security middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes, s.formTitles = mux, map[string]string{}
	mux.Handle("GET /static/", noListing(http.StripPrefix("/static/", http.FileServerFS(web.Static()))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	s.pageRoutes(mux)
	s.offlineRoutes(mux)
	for _, rt := range s.apiRoutes() {
		mux.HandleFunc(rt.Method+" "+rt.Pattern, rt.Handler)
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, waymark.Errorf(waymark.EFORBIDDEN, "This request came from another site and was refused."))
	}))
	return s.recoverer(s.headers(cop.Handler(s.authenticate(mux))))
}

// noListing serves files but not the lists of a folder's files.
func noListing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

const csp = "default-src 'none'; style-src 'self'; img-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		if s.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Log.Error("panic", "path", r.URL.Path, "value", v, "stack", string(debug.Stack()))
				s.fail(w, r, errors.New("panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type actorKey struct{}

// actor returns who is making the request; Role is empty when nobody is signed in.
func actor(r *http.Request) waymark.Actor {
	a, _ := r.Context().Value(actorKey{}).(waymark.Actor)
	return a
}

// authenticate resolves the bearer token or session cookie into an actor.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := waymark.Actor{Addr: s.clientAddr(r)}
		if h := r.Header.Get("Authorization"); h != "" {
			var err error
			if a, err = s.Registry.TokenActor(r.Context(), h, a.Addr); err != nil {
				s.fail(w, r, err)
				return
			}
		} else if u := s.sessionUser(r); u != nil {
			a = userActor(u, a.Addr)
			if u.MustChange && !mustChangeAllows[r.URL.Path] && !strings.HasPrefix(r.URL.Path, "/static/") {
				http.Redirect(w, r, "/account/password?reset=1", http.StatusSeeOther)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), actorKey{}, a)))
	})
}

// userActor is a signed-in user as the actor of their requests from addr.
func userActor(u *waymark.User, addr string) waymark.Actor {
	a := waymark.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, Name: u.Name, Addr: addr}
	if a.Name == "" {
		a.Name = u.Email
	}
	return a
}

func (s *Server) clientAddr(r *http.Request) string {
	if s.TrustProxy {
		if f := r.Header.Get("X-Forwarded-For"); f != "" {
			first, _, _ := strings.Cut(f, ",")
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

var statusOf = map[string]int{
	waymark.EINVALID: http.StatusUnprocessableEntity, waymark.ENOTFOUND: http.StatusNotFound,
	waymark.EFORBIDDEN: http.StatusForbidden, waymark.EUNAUTHORIZED: http.StatusUnauthorized,
	waymark.ECONFLICT: http.StatusConflict, waymark.ETOOMANY: http.StatusTooManyRequests,
	waymark.EUNAVAILABLE: http.StatusServiceUnavailable,
}

// retryAfter tells a client refused for being busy when to come back.
func retryAfter(w http.ResponseWriter, err error) {
	if waymark.ErrorCode(err) == waymark.EUNAVAILABLE {
		w.Header().Set("Retry-After", "5")
	}
}

func status(err error) int {
	if st, ok := statusOf[waymark.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// fail reports err to the client: JSON for the API, a page otherwise (sign-in for the signed out).
// Only the messages of waymark.Error reach the client; anything else is logged.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := waymark.ErrorCode(err)
	if code == waymark.EINTERNAL {
		s.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	retryAfter(w, err)
	if isAPI(r) {
		writeJSON(w, status(err), map[string]any{"error": &waymark.Error{Code: code, Message: waymark.ErrorMessage(err), Fields: waymark.ErrorFields(err)}})
		return
	}
	if code == waymark.EUNAUTHORIZED {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	titles := map[int]string{403: "You cannot open this", 404: "Not found", 409: "Conflict", 422: "Check what you entered", 429: "Too many attempts", 503: "Busy"}
	title := titles[status(err)]
	if title == "" {
		title = "Something went wrong"
	}
	w.WriteHeader(status(err))
	s.render(w, r, "error", &web.View{Title: title, Data: map[string]string{"Message": waymark.ErrorMessage(err)}})
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, page string, v *web.View) {
	v.Actor = actor(r)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.Pages.Render(w, page, v); err != nil {
		s.Log.Error("render", "page", page, "err", err)
	}
}

// signedIn wraps page handlers that need a signed-in user.
func (s *Server) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if actor(r).Role == "" {
			if s.holdRequest(w, r) {
				return
			}
			s.fail(w, r, waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in."))
			return
		}
		h(w, r)
	}
}
