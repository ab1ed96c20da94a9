package http

import (
	"net/http"
	"net/url"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/web"
)

// The signed-in user's password, and the admin's list of users with a password reset.
func (s *Server) accountRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /account/password", s.signedIn(s.passwordPage))
	mux.HandleFunc("POST /account/password", s.signedIn(s.changePassword))
	mux.HandleFunc("GET /users", s.signedIn(s.usersPage))
	mux.HandleFunc("GET /users/new", s.signedIn(s.newUserPage))
	mux.HandleFunc("POST /users", s.signedIn(s.addUser))
	mux.HandleFunc("POST /users/{id}/reset", s.signedIn(s.resetPassword))
}

// mustChangeAllows are the paths open to a user whose password was reset, until they choose one.
var mustChangeAllows = map[string]bool{"/account/password": true, "/signout": true}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request) {
	v := &web.View{Title: "Change your password"}
	if r.URL.Query().Get("reset") != "" {
		v.Flash = "Your password was reset: choose one of your own to go on."
	}
	s.render(w, r, "account_password", v)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r, 16<<10) {
		return
	}
	f := r.PostForm
	var err error
	if f.Get("password") != f.Get("confirm") {
		err = &waymark.Error{Code: waymark.EINVALID, Message: "Your password was not changed.",
			Fields: []waymark.FieldError{{Field: "confirm", Message: "The two new passwords are not the same"}}}
	} else {
		err = s.Registry.ChangePassword(r.Context(), actor(r), f.Get("current"), f.Get("password"))
	}
	if waymark.ErrorCode(err) == waymark.EINVALID {
		s.formError(w, r, "account_password", "Change your password", url.Values{}, waymark.ErrorFields(err), nil) // passwords are never typed back
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, "", -1)
	http.Redirect(w, r, "/signin?changed=1", http.StatusSeeOther)
}

func (s *Server) usersView(r *http.Request, v *web.View) error {
	a := actor(r)
	users, err := s.Registry.Users(r.Context(), a, a.OrgID)
	if err != nil {
		return err
	}
	o, err := s.Registry.Org(r.Context(), a, a.OrgID)
	roles := make([]web.Option, len(waymark.Roles))
	for i, rl := range waymark.Roles {
		roles[i] = web.Option{Value: string(rl), Label: rl.Label()}
	}
	v.Title, v.Data = "Users", map[string]any{"Users": users, "Roles": roles}
	if o != nil {
		v.Form = url.Values{"role": rolesOf(o.MFARoles)}
	}
	return err
}

func rolesOf(rs []waymark.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	v := &web.View{}
	if err := s.usersView(r, v); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "users", v)
}

func (s *Server) newUserPage(w http.ResponseWriter, r *http.Request) {
	if err := s.Registry.Check(r.Context(), actor(r), waymark.ManageUsers, waymark.Scope{OrgID: actor(r).OrgID}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "user_form", &web.View{Title: "Add a user", Form: url.Values{}, Data: userFormData()})
}

func userFormData() map[string]any {
	roles := []web.Option{{Value: "", Label: "Choose a role"}}
	for _, rl := range waymark.Roles {
		roles = append(roles, web.Option{Value: string(rl), Label: rl.Label()})
	}
	return map[string]any{"Roles": roles}
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r, 16<<10) {
		return
	}
	f := r.PostForm
	u := &waymark.User{Email: f.Get("email"), Name: f.Get("name"), Role: waymark.Role(f.Get("role")), Phone: f.Get("phone")}
	temporary, err := s.Registry.AddUser(r.Context(), actor(r), u)
	if code := waymark.ErrorCode(err); code == waymark.EINVALID || code == waymark.ECONFLICT {
		s.formError(w, r, "user_form", "Add a user", f, waymark.ErrorFields(err), userFormData())
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.usersDone(w, r, "User added. Give them this password by another channel (not e-mail): it works for one sign-in, at which they choose their own.",
		"Temporary", temporary, "ResetID", u.ID)
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	temporary, err := s.Registry.ResetPassword(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.usersDone(w, r, "Password reset. Give the new one to its user by another channel (not e-mail): it works for one sign-in, at which they choose their own.",
		"Temporary", temporary, "ResetID", r.PathValue("id"))
}

// usersDone shows the users page after an admin's change, saying what was done, with more to show
// as name, value pairs.
func (s *Server) usersDone(w http.ResponseWriter, r *http.Request, flash string, more ...string) {
	v := &web.View{Flash: flash}
	if err := s.usersView(r, v); err != nil {
		s.fail(w, r, err)
		return
	}
	for i := 0; i+1 < len(more); i += 2 {
		v.Data.(map[string]any)[more[i]] = more[i+1]
	}
	s.render(w, r, "users", v)
}
