package http

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/url"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/web"
)

// The second step of a sign-in (a code from an authenticator app, or a recovery code) and setting
// up an authenticator: at a sign-in whose role requires one, or by a signed-in user on their own.
func (s *Server) secondFactorRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /signin/code", s.codePage)
	mux.HandleFunc("POST /signin/code", s.enterCode)
	mux.HandleFunc("GET /second-factor", s.secondFactorPage)
	mux.HandleFunc("POST /second-factor", s.enableSecondFactor)
	mux.HandleFunc("GET /second-factor/qr.png", s.secondFactorQR)
	mux.HandleFunc("POST /users/{id}/second-factor/reset", s.signedIn(s.resetSecondFactor))
	mux.HandleFunc("POST /users/second-factor", s.signedIn(s.setMFARoles))
}

// sessionSecret is the secret in the session cookie, signed in or pending.
func sessionSecret(r *http.Request) string {
	if c, err := r.Cookie(cookieName); err == nil {
		return c.Value
	}
	return ""
}

// signedInAs finishes a sign-in step: the session cookie, then the page asked for, or the step
// still to come.
func (s *Server) signedInAs(w http.ResponseWriter, r *http.Request, in *registry.SignedIn, next string) {
	maxAge := int(s.SessionMax.Seconds())
	if in.Pending != "" {
		maxAge = 0 // a browser session's cookie: the pending session itself ends in minutes
	}
	s.setSessionCookie(w, in.Secret, maxAge)
	switch {
	case in.Pending == "code":
		next = "/signin/code?next=" + url.QueryEscape(next)
	case in.Pending == "enrol":
		next = "/second-factor?next=" + url.QueryEscape(next)
	case in.User.MustChange:
		next = "/account/password?reset=1"
	}
	http.Redirect(w, r, localPath(next), http.StatusSeeOther)
}

func (s *Server) codePage(w http.ResponseWriter, r *http.Request) {
	if _, err := s.Registry.Pending(r.Context(), sessionSecret(r), "code", s.clientAddr(r)); err != nil {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	s.render(w, r, "signin_code", &web.View{Title: "Enter your code", Form: url.Values{"next": {r.URL.Query().Get("next")}}})
}

func (s *Server) enterCode(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	next := r.PostFormValue("next")
	in, err := s.Registry.SecondFactor(r.Context(), sessionSecret(r), r.PostFormValue("code"), s.clientAddr(r), s.SessionIdle)
	if err != nil {
		retryAfter(w, err)
		w.WriteHeader(status(err))
		s.render(w, r, "signin_code", &web.View{Title: "Enter your code", Form: url.Values{"next": {next}}, Errors: codeErrors(err)})
		return
	}
	s.signedInAs(w, r, in, next)
}

// codeErrors puts an error of the second step against its one field.
func codeErrors(err error) []waymark.FieldError {
	if f := waymark.ErrorFields(err); len(f) > 0 {
		return f
	}
	return []waymark.FieldError{{Field: "code", Message: waymark.ErrorMessage(err)}}
}

// enroller is who is setting up an authenticator: the signed-in user, or a sign-in that must set
// one up before it goes on (pending true).
func (s *Server) enroller(r *http.Request) (a waymark.Actor, pending bool, err error) {
	if a = actor(r); a.UserID != "" {
		return a, false, nil
	}
	a, err = s.Registry.Pending(r.Context(), sessionSecret(r), "enrol", s.clientAddr(r))
	return a, true, err
}

func (s *Server) secondFactorView(r *http.Request, v *web.View) error {
	a, pending, err := s.enroller(r)
	if err != nil {
		return err
	}
	key, err := s.Registry.OfferTOTP(r.Context(), a)
	if err != nil {
		return err
	}
	has, left, err := s.Registry.SecondFactorStatus(r.Context(), a)
	v.Title = "Set up your authenticator app"
	v.Data = map[string]any{"Key": key.Secret(), "Link": key.URL(), "Pending": pending, "Has": has, "Left": left}
	return err
}

func (s *Server) secondFactorPage(w http.ResponseWriter, r *http.Request) {
	v := &web.View{Form: url.Values{"next": {r.URL.Query().Get("next")}}}
	if err := s.secondFactorView(r, v); err != nil {
		s.enrolFailed(w, r, err)
		return
	}
	s.render(w, r, "second_factor", v)
}

// enrolFailed sends a sign-in whose pending session has gone back to the start.
func (s *Server) enrolFailed(w http.ResponseWriter, r *http.Request, err error) {
	if waymark.ErrorCode(err) == waymark.EUNAUTHORIZED {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	s.fail(w, r, err)
}

func (s *Server) secondFactorQR(w http.ResponseWriter, r *http.Request) {
	a, _, err := s.enroller(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key, err := s.Registry.OfferTOTP(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	img, err := key.Image(240, 240)
	var b bytes.Buffer
	if err == nil {
		err = png.Encode(&b, img)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Write(b.Bytes())
}

func (s *Server) enableSecondFactor(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	next := r.PostFormValue("next")
	a, pending, err := s.enroller(r)
	if err != nil {
		s.enrolFailed(w, r, err)
		return
	}
	codes, err := s.Registry.EnableTOTP(r.Context(), a, r.PostFormValue("code"))
	if waymark.ErrorCode(err) == waymark.EINVALID {
		v := &web.View{Form: url.Values{"next": {next}}, Errors: codeErrors(err)}
		if verr := s.secondFactorView(r, v); verr != nil {
			s.enrolFailed(w, r, verr)
			return
		}
		w.WriteHeader(http.StatusUnprocessableEntity)
		s.render(w, r, "second_factor", v)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	next = localPath(next)
	if pending {
		in, err := s.Registry.FinishEnrolment(r.Context(), sessionSecret(r), s.clientAddr(r), s.SessionIdle)
		if err != nil {
			s.enrolFailed(w, r, err)
			return
		}
		s.setSessionCookie(w, in.Secret, int(s.SessionMax.Seconds()))
		if in.User.MustChange {
			next = "/account/password?reset=1"
		}
		r = r.WithContext(context.WithValue(r.Context(), actorKey{}, userActor(in.User, s.clientAddr(r))))
	}
	s.render(w, r, "recovery_codes", &web.View{Title: "Your recovery codes", Data: map[string]any{"Codes": codes, "Next": next}})
}

func (s *Server) resetSecondFactor(w http.ResponseWriter, r *http.Request) {
	if err := s.Registry.ResetSecondFactor(r.Context(), actor(r), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.usersDone(w, r, "Second factor removed. Its user sets up a new one at their next sign-in; their sessions have ended.")
}

func (s *Server) setMFARoles(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r, 16<<10) {
		return
	}
	var roles []waymark.Role
	for _, v := range r.PostForm["role"] {
		if rl := waymark.Role(v); rl.Valid() {
			roles = append(roles, rl)
		}
	}
	a := actor(r)
	if err := s.Registry.SetMFARoles(r.Context(), a, a.OrgID, roles); err != nil {
		s.fail(w, r, err)
		return
	}
	s.usersDone(w, r, "Saved: the roles ticked need a second factor from their next sign-in.")
}
