package http

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/web"
)

func (s *Server) identifyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /identify", s.signedIn(s.identifyPage))
	mux.HandleFunc("POST /identify", s.signedIn(s.identifySearch))
	mux.HandleFunc("POST /identify/confirm", s.signedIn(s.identifyConfirm))
	mux.HandleFunc("POST /identify/reject", s.signedIn(s.identifyReject))
	mux.HandleFunc("POST /children/{id}/open", s.signedIn(s.openWithReason))
	mux.HandleFunc("GET /duplicates", s.signedIn(s.duplicatesReport))
}

func (s *Server) identifyData() map[string]any {
	d := s.childFormData(false, "")
	d["Matches"], d["Searched"], d["Rejected"] = registry.Matches{}, false, map[string]bool{}
	d["Categories"] = reasonData("")["Categories"]
	d["FacesOn"] = s.Registry.FacesOn()
	return d
}

func (s *Server) identifyPage(w http.ResponseWriter, r *http.Request) {
	if err := waymark.Can(actor(r), waymark.SearchRegistry, waymark.Scope{}); err != nil {
		s.fail(w, r, err)
		return
	}
	form := url.Values{"at": {s.Registry.Now().In(s.Location).Format(formTime)}}
	s.render(w, r, "identify", &web.View{Title: "Identify a child", Form: form, Flash: identifyDone[r.URL.Query().Get("done")], Data: s.identifyData()})
}

func (s *Server) identifySearch(w http.ResponseWriter, r *http.Request) {
	upload, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.PostForm.Get("doc_number_0") != "" {
		r.PostForm.Set("doc_type_0", "other")
	}
	q, bad := s.probe(r, upload)
	if len(bad) > 0 {
		s.formError(w, r, "identify", "Identify a child", r.PostForm, bad, s.identifyData())
		return
	}
	s.showMatches(w, r, q, "")
}

// probe is what the found child gave on the form, with the face in their photo: one sent now, or
// the one kept from the search before (photo_held), so that the candidates shown again after a
// verdict are the same.
func (s *Server) probe(r *http.Request, upload []byte) (*waymark.Child, []waymark.FieldError) {
	q, bad := childFromForm(r.PostForm, s.Registry.Now().In(s.Location))
	data, bad := s.keptPhoto(r, r.PostForm, upload, bad)
	if len(bad) > 0 {
		return q, bad
	}
	if err := s.withFace(r, q, data); err != nil {
		if bad = waymark.ErrorFields(err); len(bad) == 0 {
			bad = []waymark.FieldError{{Field: "photo", Message: waymark.ErrorMessage(err)}}
		}
		return q, bad
	}
	s.keepPhoto(r, r.PostForm, upload)
	return q, nil
}

// showMatches searches for q and shows the candidates; those the form says were judged not to be
// the child (rejected) are marked so. The form's limit asks for more than ten, to see every tie.
func (s *Server) showMatches(w http.ResponseWriter, r *http.Request, q *waymark.Child, flash string, bad ...waymark.FieldError) {
	data := s.identifyData()
	limit, _ := strconv.Atoi(r.PostForm.Get("limit"))
	matches, err := s.Registry.IdentifyMatches(r.Context(), actor(r), q, limit)
	if waymark.ErrorCode(err) == waymark.EINVALID {
		s.formError(w, r, "identify", "Identify a child", r.PostForm, waymark.ErrorFields(err), data)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	data["Matches"], data["Searched"], data["Aged"] = matches, true, q.DateOfBirth != ""
	if shown := len(matches.List); matches.Tied > 0 && shown < registry.MaxLimit {
		data["ShowTied"] = min(shown+matches.Tied, registry.MaxLimit)
	}
	rejected := map[string]bool{}
	for _, id := range r.PostForm["rejected"] {
		rejected[id] = true
	}
	data["Rejected"] = rejected
	if len(bad) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	s.render(w, r, "identify", &web.View{Title: "Identify a child", Form: r.PostForm, Flash: flash, Errors: bad, Data: data})
}

func (s *Server) identifyConfirm(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r, 64<<10) {
		return
	}
	e, bad := encounterFromForm(r.PostForm, s.Location)
	if len(bad) > 0 {
		s.fail(w, r, &waymark.Error{Code: waymark.EINVALID, Message: bad[0].Message, Fields: bad})
		return
	}
	id := r.PostForm.Get("child_id")
	err := s.Registry.ConfirmMatch(r.Context(), actor(r), r.PostForm.Get("search"), id, e, r.PostForm.Get("sure") == "yes")
	if code := waymark.ErrorCode(err); code == waymark.EFORBIDDEN || code == waymark.EINVALID && len(waymark.ErrorFields(err)) > 0 {
		if q := s.probeOf(r); q != nil { // the candidates again, with what to do before confirming
			bad := waymark.ErrorFields(err)
			if len(bad) == 0 {
				bad = []waymark.FieldError{{Field: "candidate-" + id, Message: waymark.ErrorMessage(err)}}
			}
			r.PostForm.Del("child_id")
			r.PostForm.Del("search")
			r.PostForm.Del("sure")
			s.showMatches(w, r, q, "", bad...)
			return
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.Registry.May(r.Context(), actor(r), waymark.ViewChild, id) {
		http.Redirect(w, r, "/children/"+id+"?saved=1", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/identify?done=confirmed", http.StatusSeeOther)
}

func (s *Server) identifyReject(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r, 64<<10) {
		return
	}
	id, q := r.PostForm.Get("child_id"), s.probeOf(r)
	if err := s.Registry.RejectMatch(r.Context(), actor(r), r.PostForm.Get("search"), id); err != nil {
		s.fail(w, r, err)
		return
	}
	if q == nil { // what the child gave did not come back: nothing to show again
		http.Redirect(w, r, "/identify?done=rejected", http.StatusSeeOther)
		return
	}
	// The search is shown again, not left behind: at a raid the next candidate is the next question.
	r.PostForm.Del("child_id")
	r.PostForm.Del("search")
	r.PostForm.Add("rejected", id)
	s.showMatches(w, r, q, "Recorded: not this child. The candidates are below; a new search starts afresh.")
}

// probeOf is what the found child gave, carried through a confirm or reject form; nil when it
// cannot be read (the verdict stands, only the judgement is not kept).
func (s *Server) probeOf(r *http.Request) *waymark.Child {
	q, bad := s.probe(r, nil)
	if len(bad) > 0 {
		return nil
	}
	return q
}

func (s *Server) openWithReason(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.parseForm(w, r, 16<<10) {
		return
	}
	f := r.PostForm
	why := waymark.OpenReason{Category: f.Get("category"), Reference: f.Get("reference"), Note: f.Get("note")}
	err := s.Registry.OpenWithReason(r.Context(), actor(r), id, why)
	if waymark.ErrorCode(err) == waymark.EINVALID {
		s.formError(w, r, "open_reason", "Give a reason to open this record", f, waymark.ErrorFields(err), reasonData(id))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/children/"+id, http.StatusSeeOther)
}

// reasonData is what the reason form needs: the child and the categories.
func reasonData(childID string) map[string]any {
	cats := []web.Option{{Value: "", Label: "Choose…"}}
	for _, c := range waymark.OpenCategories {
		cats = append(cats, web.Option{Value: c.Value, Label: c.Label})
	}
	return map[string]any{"ChildID": childID, "Categories": cats}
}

func (s *Server) duplicatesReport(w http.ResponseWriter, r *http.Request) {
	rep, err := s.Registry.Duplicates(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := &web.View{Title: "Children who may be recorded twice", Data: rep}
	if rep.Updating {
		v.Refresh = 10
	}
	s.render(w, r, "duplicates", v)
}

// identifyDone are the messages the identify page shows after a judgement, by key: never text
// from the address, which anyone could send in a link.
var identifyDone = map[string]string{
	"confirmed": "Confirmed. The contact is now on the child's record, and its owner can see it.",
	"rejected":  "Recorded: not this child.",
}
