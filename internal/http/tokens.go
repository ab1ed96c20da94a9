package http

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/web"
)

// The admin's page of the organisation's API tokens: who has one, until when, last used when,
// and a way to make one or stop one at once.
func (s *Server) tokenRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /tokens", s.signedIn(s.tokensPage))
	mux.HandleFunc("POST /tokens", s.signedIn(s.createToken))
	mux.HandleFunc("POST /tokens/{id}/revoke", s.signedIn(s.revokeToken))
}

// tokenDays are the lifetimes offered for a new token, in days.
var tokenDays = []int{30, 90, 180, 365}

func (s *Server) tokensView(r *http.Request, v *web.View) error {
	a := actor(r)
	tokens, err := s.Registry.Tokens(r.Context(), a, a.OrgID)
	if err != nil {
		return err
	}
	var roles, days []web.Option
	for _, role := range waymark.Roles {
		if role.TokenAllowed() == nil {
			roles = append(roles, web.Option{Value: string(role), Label: role.Label()})
		}
	}
	for _, d := range tokenDays {
		days = append(days, web.Option{Value: strconv.Itoa(d), Label: strconv.Itoa(d) + " days"})
	}
	v.Title = "API tokens"
	v.Data = map[string]any{"Tokens": tokens, "Now": s.Registry.Now(), "Roles": roles, "Days": days}
	if v.Form == nil {
		v.Form = map[string][]string{"expires": {"90"}}
	}
	return nil
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) {
	v := &web.View{}
	if err := s.tokensView(r, v); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "tokens", v)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r, 16<<10) {
		return
	}
	a, f := actor(r), r.PostForm
	v := &web.View{Form: f}
	days, err := strconv.Atoi(f.Get("expires"))
	var secret string
	if strings.TrimSpace(f.Get("name")) == "" {
		v.Errors = []waymark.FieldError{{Field: "name", Message: "Say what the token is for: it names the token in the audit log"}}
	} else if err != nil {
		v.Errors = []waymark.FieldError{{Field: "expires", Message: "Choose how long the token works"}}
	} else if _, secret, err = s.Registry.CreateToken(r.Context(), a, a.OrgID, waymark.Role(f.Get("role")), f.Get("name"),
		time.Duration(days)*24*time.Hour); waymark.ErrorCode(err) == waymark.EINVALID {
		v.Errors = waymark.ErrorFields(err)
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.tokensView(r, v); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(v.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
	} else {
		v.Form, v.Data.(map[string]any)["Secret"] = nil, secret
		v.Flash = "Token made. Copy it now: it is shown this once, and Waymark keeps only a digest of it."
	}
	s.render(w, r, "tokens", v)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	if err := s.Registry.RevokeToken(r.Context(), actor(r), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/tokens", http.StatusSeeOther)
}
