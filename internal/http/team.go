package http

import (
	"net/http"
	"net/url"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/web"
)

// The team around the child: a manager gives people of any organisation a part, and ends it.

func (s *Server) teamRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /children/{id}/team/{member}/end", s.signedIn(s.endTeamMemberPage))
}

func (s *Server) teamForm() careForm {
	return careForm{path: "team", page: "team_form", title: "Add to the team around the child",
		data: func(r *http.Request) map[string]any {
			opts := []web.Option{{Value: "", Label: "Choose their part"}}
			for _, t := range waymark.TeamRoles {
				opts = append(opts, web.Option{Value: string(t), Label: t.Label()})
			}
			return map[string]any{"ChildID": r.PathValue("id"), "Parts": opts}
		},
		start: func(r *http.Request) url.Values { return url.Values{"from": {s.today()}} },
		save: func(r *http.Request, fr *formReader) (string, error) {
			m := &waymark.Member{ChildID: r.PathValue("id"), Email: fr.f.Get("email"), Role: waymark.TeamRole(fr.f.Get("role")),
				From: fr.f.Get("from")}
			return "/children/" + m.ChildID + "?saved=1#team", s.Registry.AddTeamMember(r.Context(), actor(r), m)
		}}
}

func (s *Server) endTeamMemberPage(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	id := r.PathValue("id")
	if _, err := s.Registry.EndTeamMember(r.Context(), actor(r), id, r.PathValue("member")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/children/"+id+"?saved=1#team", http.StatusSeeOther)
}

func (s *Server) apiEndTeamMember(w http.ResponseWriter, r *http.Request) {
	m, err := s.Registry.EndTeamMember(r.Context(), actor(r), r.PathValue("id"), r.PathValue("member"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}
