package http

import (
	"net/http"
	"net/url"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/web"
)

// Merges: two records of one child made one, agreed by both organisations, and undone if wrong.

func (s *Server) mergeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /merges", s.signedIn(s.mergesPage))
	for _, step := range []string{"agree", "decline", "undo"} {
		mux.HandleFunc("POST /merges/{id}/"+step, s.signedIn(s.mergeStepPage(step)))
	}
}

func (s *Server) mergeForm() careForm {
	return careForm{path: "merge", page: "merge_form", title: "Merge another record into this one",
		data:  func(r *http.Request) map[string]any { return map[string]any{"ChildID": r.PathValue("id")} },
		start: func(r *http.Request) url.Values { return url.Values{"merged_ref": {r.URL.Query().Get("ref")}} },
		save: func(r *http.Request, fr *formReader) (string, error) {
			m := &waymark.Merge{SurvivorID: r.PathValue("id"), MergedRef: fr.f.Get("merged_ref"), Reason: fr.f.Get("reason")}
			if err := s.Registry.RequestMerge(r.Context(), actor(r), m); err != nil {
				return "", err
			}
			if m.Status == waymark.MergeDone {
				return "/children/" + m.SurvivorID + "?saved=1", nil
			}
			return "/merges?saved=1", nil
		}}
}

func (s *Server) mergesPage(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	list, err := s.Registry.Merges(r.Context(), a, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var waiting, others []*waymark.Merge
	for _, m := range list {
		if m.Status == waymark.MergeRequested && m.OtherOrgID == a.OrgID {
			waiting = append(waiting, m)
		} else {
			others = append(others, m)
		}
	}
	s.render(w, r, "merges", &web.View{Title: "Merges", Flash: savedFlash(r, "Saved."), Data: map[string]any{"Waiting": waiting, "Others": others}})
}

func (s *Server) mergeStepPage(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		m, err := s.mergeStep(r, step, r.PostFormValue("reason"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		next := "/merges?saved=1"
		if step != "decline" {
			next = "/children/" + m.SurvivorID + "?saved=1"
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

func (s *Server) mergeStep(r *http.Request, step, why string) (*waymark.Merge, error) {
	if step == "undo" {
		return s.Registry.UndoMerge(r.Context(), actor(r), r.PathValue("id"))
	}
	return s.Registry.DecideMerge(r.Context(), actor(r), r.PathValue("id"), step == "agree", why)
}

func (s *Server) apiMerges(w http.ResponseWriter, r *http.Request) {
	merges, err := s.Registry.Merges(r.Context(), actor(r), r.URL.Query().Get("status"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"merges": list(merges)})
}

func (s *Server) apiMergeStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		why, err := reason(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		m, err := s.mergeStep(r, step, why)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, m)
	}
}
