package http

import (
	"bytes"
	"cmp"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/photo"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/web"
)

// A form sent after its session ended is kept for its sender (never lost at a port at 2 a.m.):
// the browser gets this cookie, and after signing in again is asked whether to send it.
const heldCookie = "waymark_held"

func (s *Server) heldRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /held", s.signedIn(s.heldPage))
	mux.HandleFunc("POST /held/send", s.signedIn(s.sendHeld))
	mux.HandleFunc("POST /held/discard", s.signedIn(s.discardHeld))
	mux.HandleFunc("GET /held/photos/{token}", s.signedIn(s.heldThumbnail))
}

// holdRequest keeps a page's form posted by a browser whose session has ended and sends it to sign
// in again; false if there was nothing to keep (no session ever, or not a form).
func (s *Server) holdRequest(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost || strings.HasPrefix(r.URL.Path, "/held") || strings.HasPrefix(r.URL.Path, "/signin") {
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, photo.MaxBytes+1<<20))
	if err != nil {
		return false
	}
	token, err := s.Registry.HoldRequest(r.Context(), sessionSecret(r), s.clientAddr(r), &registry.HeldRequest{
		Method: r.Method, Path: r.URL.RequestURI(), ContentType: r.Header.Get("Content-Type"), Body: body})
	if err != nil {
		if code := waymark.ErrorCode(err); code != waymark.ENOTFOUND && code != waymark.EUNAUTHORIZED {
			s.Log.Error("hold a form", "err", err)
		}
		return false
	}
	http.SetCookie(w, &http.Cookie{Name: heldCookie, Value: token, Path: "/", MaxAge: int(registry.HeldFor.Seconds()),
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/signin?held=1&next=/held", http.StatusSeeOther)
	return true
}

func heldToken(r *http.Request) string {
	if c, err := r.Cookie(heldCookie); err == nil {
		return c.Value
	}
	return ""
}

func (s *Server) forgetHeld(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: heldCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteStrictMode})
}

// heldForms names the forms that are not care forms (those are named by their titles), for the
// page that offers to send one that was kept.
var heldForms = map[string]string{
	"POST /children":                 "Record first contact",
	"POST /children/{id}/edit":       "Edit identity facts",
	"POST /children/{id}/encounters": "Record a contact",
	"POST /children/{id}/photos":     "Add a photo",
	"POST /missing/{id}/{step}":      "Missing episode",
	"POST /identify":                 "Identify a child",
}

func (s *Server) heldPage(w http.ResponseWriter, r *http.Request) {
	req, err := s.Registry.HeldRequest(r.Context(), actor(r), heldToken(r))
	if waymark.ErrorCode(err) == waymark.ENOTFOUND { // or another user's, on a shared device
		s.render(w, r, "held", &web.View{Title: "Nothing is waiting to be sent"})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	what := "a form"
	if probe, perr := http.NewRequest(req.Method, req.Path, nil); perr == nil {
		_, pattern := s.routes.Handler(probe)
		if title := cmp.Or(heldForms[pattern], s.formTitles[pattern]); title != "" {
			what = "the form “" + title + "”"
		}
	}
	s.render(w, r, "held", &web.View{Title: "Send what you had typed?", Data: map[string]any{
		"What": what, "At": req.At, "Until": req.At.Add(registry.HeldFor)}})
}

// sendHeld sends the kept form as it was posted, now as the signed-in user, through the same
// handler that refused it: every check and rule applies as if it had arrived in time.
func (s *Server) sendHeld(w http.ResponseWriter, r *http.Request) {
	req, err := s.Registry.TakeHeldRequest(r.Context(), actor(r), heldToken(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.forgetHeld(w)
	again, err := http.NewRequestWithContext(r.Context(), req.Method, req.Path, bytes.NewReader(req.Body))
	if err != nil || again.URL.Host != "" || !strings.HasPrefix(req.Path, "/") {
		s.fail(w, r, errors.Join(errors.New("replay a held form"), err))
		return
	}
	again.Header = r.Header.Clone()
	again.Header.Set("Content-Type", req.ContentType)
	again.RemoteAddr, again.Host = r.RemoteAddr, r.Host
	s.routes.ServeHTTP(w, again)
}

func (s *Server) discardHeld(w http.ResponseWriter, r *http.Request) {
	if err := s.Registry.DropHeld(r.Context(), actor(r), heldToken(r), "held.discard", ""); err != nil {
		s.fail(w, r, err)
		return
	}
	s.forgetHeld(w)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) heldThumbnail(w http.ResponseWriter, r *http.Request) {
	p, err := s.Registry.HeldPhoto(r.Context(), actor(r), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(p.Thumbnail)
}
