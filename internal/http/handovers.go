package http

import (
	"net/http"
	"net/url"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/web"
)

// Handovers: a child handed from whoever recorded them to the council responsible, or between
// councils; the receiving council accepts or declines.

func (s *Server) handoverRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /handovers", s.signedIn(s.handoversPage))
	mux.HandleFunc("POST /handovers/{id}/accept", s.signedIn(s.decideHandoverPage(true)))
	mux.HandleFunc("POST /handovers/{id}/decline", s.signedIn(s.decideHandoverPage(false)))
}

func (s *Server) handoverForm() careForm {
	return careForm{path: "handovers", page: "handover_form", title: "Hand the child over to a council",
		data: func(r *http.Request) map[string]any {
			opts := []web.Option{{Value: "", Label: "Choose a council"}}
			orgs, _ := s.Registry.Orgs(r.Context(), actor(r))
			for _, o := range orgs {
				if o.Kind == "council" && o.ID != actor(r).OrgID {
					opts = append(opts, web.Option{Value: o.ID, Label: o.Name})
				}
			}
			return map[string]any{"ChildID": r.PathValue("id"), "Councils": opts}
		},
		start: func(r *http.Request) url.Values { return url.Values{} },
		save: func(r *http.Request, fr *formReader) (string, error) {
			h := &waymark.Handover{ChildID: r.PathValue("id"), ToOrgID: fr.f.Get("to_org_id"), Reason: fr.f.Get("reason"), Note: fr.f.Get("note")}
			return "/children/" + h.ChildID + "?saved=1", s.Registry.RequestHandover(r.Context(), actor(r), h)
		}}
}

func (s *Server) handoversPage(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	list, err := s.Registry.Handovers(r.Context(), a, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := map[string]string{}
	if orgs, err := s.Registry.Orgs(r.Context(), a); err == nil {
		for _, o := range orgs {
			names[o.ID] = o.Name
		}
	}
	var waiting, others []*waymark.Handover
	for _, h := range list {
		if h.Status == waymark.HandoverOpen && h.ToOrgID == a.OrgID {
			waiting = append(waiting, h)
		} else {
			others = append(others, h)
		}
	}
	s.render(w, r, "handovers", &web.View{Title: "Handovers", Flash: savedFlash(r, "Saved."),
		Data: map[string]any{"Waiting": waiting, "Others": others, "Names": names, "CanDecide": a.Role.Allowed(waymark.RecordCare)}})
}

func (s *Server) decideHandoverPage(accept bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		h, err := s.Registry.DecideHandover(r.Context(), actor(r), r.PathValue("id"), accept, r.PostFormValue("reason"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if accept {
			http.Redirect(w, r, "/children/"+h.ChildID+"?saved=1", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/handovers?saved=1", http.StatusSeeOther)
	}
}

func (s *Server) apiRequestHandover(w http.ResponseWriter, r *http.Request) {
	var h waymark.Handover
	if err := decodeJSON(w, r, &h); err != nil {
		s.fail(w, r, err)
		return
	}
	h.ChildID = r.PathValue("id")
	if err := s.Registry.RequestHandover(r.Context(), actor(r), &h); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/handovers/"+h.ID)
	writeJSON(w, http.StatusCreated, &h)
}

func (s *Server) apiDecideHandover(accept bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		why, err := reason(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		h, err := s.Registry.DecideHandover(r.Context(), actor(r), r.PathValue("id"), accept, why)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, h)
	}
}

func (s *Server) apiListHandovers(w http.ResponseWriter, r *http.Request) {
	handovers, err := s.Registry.Handovers(r.Context(), actor(r), r.URL.Query().Get("status"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"handovers": list(handovers)})
}
