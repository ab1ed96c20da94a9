package http

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/photo"
	"github.com/waymark-org/waymark/internal/report"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/web"
)

func (s *Server) pageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /signin", s.signInPage)
	mux.HandleFunc("POST /signin", s.signIn)
	mux.HandleFunc("POST /signout", s.signOut)
	mux.HandleFunc("GET /{$}", s.signedIn(s.home))
	mux.HandleFunc("GET /children", s.signedIn(s.caseload))
	mux.HandleFunc("GET /children/new", s.signedIn(s.newChildPage))
	mux.HandleFunc("POST /children", s.signedIn(s.createChild))
	mux.HandleFunc("GET /children/{id}", s.signedIn(s.childPage))
	mux.HandleFunc("GET /children/{id}/edit", s.signedIn(s.editChildPage))
	mux.HandleFunc("POST /children/{id}/edit", s.signedIn(s.editChild))
	mux.HandleFunc("GET /children/{id}/subject-access", s.signedIn(s.subjectAccessPage))
	mux.HandleFunc("POST /children/{id}/subject-access", s.signedIn(s.subjectAccess))
	mux.HandleFunc("POST /children/{id}/photos", s.signedIn(s.uploadPhoto))
	mux.HandleFunc("GET /children/{id}/encounters/new", s.signedIn(s.newEncounterPage))
	mux.HandleFunc("POST /children/{id}/encounters", s.signedIn(s.createEncounter))
	mux.HandleFunc("GET /photos/{id}", s.signedIn(s.photo(false)))
	mux.HandleFunc("GET /photos/{id}/thumbnail", s.signedIn(s.photo(true)))
	mux.HandleFunc("GET /audit", s.signedIn(s.auditPage))
	s.identifyRoutes(mux)
	s.careRoutes(mux)
	s.networkRoutes(mux)
	s.statsRoutes(mux)
	s.returnRoutes(mux)
	s.tokenRoutes(mux)
	s.accountRoutes(mux)
	s.secondFactorRoutes(mux)
	s.ssoRoutes(mux)
	s.handoverRoutes(mux)
	s.teamRoutes(mux)
	s.firstDaysRoutes(mux)
	s.mergeRoutes(mux)
	s.heldRoutes(mux)
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	org, err := s.Registry.Org(r.Context(), actor(r), actor(r).OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "home", &web.View{Title: "Start", Data: map[string]any{"Org": org}})
}

const pageSize = 50

func (s *Server) caseload(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	offset = max(offset, 0)
	list, total, err := s.Registry.Caseload(r.Context(), actor(r), sqlstore.ChildFilter{
		Query: q.Get("q"), Lacking: q.Get("lacking"), Limit: pageSize, Offset: offset})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := func(off int) string {
		v := url.Values{"q": {q.Get("q")}, "lacking": {q.Get("lacking")}, "offset": {strconv.Itoa(off)}}
		return "/children?" + v.Encode()
	}
	alerts, alertCount, upcoming, err := s.deadlines(r, 3)
	var others []sqlstore.ChildSummary
	if err == nil && offset == 0 && q.Get("q") == "" && q.Get("lacking") == "" {
		others, err = s.Registry.OtherTeams(r.Context(), actor(r))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := map[string]any{
		"OtherTeams": others,
		"Children":   list, "Total": total, "Prev": "", "Next": "",
		"LackingOptions": waymark.IdentificationFacts,
		"Alerts":         alerts,
		"AlertCount":     alertCount,
		"Upcoming":       len(upcoming),
	}
	if offset > 0 {
		data["Prev"] = page(max(offset-pageSize, 0))
	}
	if offset+pageSize < total {
		data["Next"] = page(offset + pageSize)
	}
	s.render(w, r, "caseload", &web.View{Title: "Caseload", Form: q, Data: data})
}

func (s *Server) childFormData(isNew bool, childID string) map[string]any {
	return map[string]any{
		"New": isNew, "ChildID": childID, "Action": "/children",
		"SexOptions":         []web.Option{{Value: "", Label: "Not known"}, {Value: "F", Label: "Female"}, {Value: "M", Label: "Male"}},
		"AgeBasisOptions":    web.Options("Not stated", waymark.AgeBases...),
		"CountryOptions":     web.CountryOptions(),
		"DocTypeOptions":     web.Options("—", waymark.DocumentTypes...),
		"KindOptions":        web.Options("", waymark.EncounterKinds...),
		"AgencyOptions":      web.Options("", waymark.Agencies...),
		"UASCOptions":        []web.Option{{Value: "yes", Label: "Unaccompanied asylum-seeking child (UASC)"}},
		"LegalStatusOptions": codeOptions(waymark.LegalStatuses), "NeedOptions": codeOptions(waymark.CategoriesOfNeed),
		"EthnicityOptions": codeOptions(waymark.Ethnicities), "ImmigrationOptions": web.Options("Not recorded", waymark.ImmigrationStatuses...),
	}
}

// codeOptions offers coded choices with their meanings, none chosen to begin with.
func codeOptions(opts []waymark.Option) []web.Option {
	out := []web.Option{{Value: "", Label: "Not recorded"}}
	for _, o := range opts {
		out = append(out, web.Option{Value: o.Value, Label: o.Value + ": " + o.Label})
	}
	return out
}

func (s *Server) newChildPage(w http.ResponseWriter, r *http.Request) {
	if form, ok := s.firstContactForm(w, r); ok {
		s.render(w, r, "child_form", &web.View{Title: "Record first contact", Form: form, Data: s.childFormData(true, "")})
	}
}

// firstContactForm is a new first contact's form, as the actor's organisation fills it: a contact
// of its own agency, now; false when the actor may not record a child (answered).
func (s *Server) firstContactForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	a := actor(r)
	if err := waymark.Can(a, waymark.CreateChild, waymark.Scope{OrgID: a.OrgID}); err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	org, err := s.Registry.Org(r.Context(), a, a.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return url.Values{"kind": {"first_contact"}, "agency": {agencyOf(org.Kind)}, "at": {s.Registry.Now().In(s.Location).Format(formTime)}}, true
}

// readForm parses a (possibly multipart) form with a size limit, returning the uploaded photo if any.
func readForm(w http.ResponseWriter, r *http.Request) (upload []byte, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, photo.MaxBytes+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return nil, waymark.Errorf(waymark.EINVALID, "The form could not be read (is the photo larger than %d MB?).", photo.MaxBytes>>20)
	}
	file, _, err := r.FormFile("photo")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("read photo: %w", err)
	}
	defer file.Close()
	return io.ReadAll(file)
}

func (s *Server) createChild(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	if err := s.Registry.Check(r.Context(), a, waymark.CreateChild, waymark.Scope{OrgID: a.OrgID}); err != nil {
		s.fail(w, r, err) // before reading, decoding or searching anything
		return
	}
	upload, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form := r.PostForm
	c, bad := childFromForm(form, s.Registry.Now().In(s.Location))
	e, badE := encounterFromForm(form, s.Location)
	bad = append(bad, badE...)
	upload, bad = s.keptPhoto(r, form, upload, bad)
	if err == nil && len(bad) == 0 && form.Get("confirm_new") == "" {
		// Before a second record is made, say who this child may already be.
		dups, derr := s.Registry.PossibleDuplicates(r.Context(), a, c)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		if len(dups) > 0 {
			s.keepPhoto(r, form, upload)
			data := s.childFormData(true, "")
			data["Duplicates"] = dups
			v := &web.View{Title: "Record first contact", Form: form, Data: data}
			if form.Get("dups_shown") != "" { // saved again without saying what to do about them
				v.Errors = []waymark.FieldError{{Field: "confirm_new", Message: "Tick “I have checked: this is a different child” to make a new record, or identify the child instead"}}
				w.WriteHeader(http.StatusUnprocessableEntity)
			}
			s.render(w, r, "child_form", v)
			return
		}
	}
	if err == nil && len(bad) == 0 {
		err = s.Registry.CreateChild(r.Context(), actor(r), c, e)
	}
	if len(bad) > 0 || waymark.ErrorCode(err) == waymark.EINVALID || waymark.ErrorCode(err) == waymark.ECONFLICT {
		s.keepPhoto(r, form, upload)
		s.formError(w, r, "child_form", "Record first contact", form, append(bad, waymark.ErrorFields(err)...), s.childFormData(true, ""))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(upload) > 0 {
		if _, err := s.Registry.AddPhoto(r.Context(), actor(r), c.ID, upload); err != nil {
			s.fail(w, r, err)
			return
		}
		if tok := form.Get("photo_held"); tok != "" {
			s.Registry.DropHeld(r.Context(), actor(r), tok, "held.photo.saved", c.ID)
		}
	}
	http.Redirect(w, r, "/children/"+c.ID+"?saved=1", http.StatusSeeOther)
}

// keptPhoto checks the photo sent with a first contact, or takes the one kept from an earlier try
// of the same form (photo_held), naming what is wrong with either.
func (s *Server) keptPhoto(r *http.Request, form url.Values, upload []byte, bad []waymark.FieldError) ([]byte, []waymark.FieldError) {
	if len(upload) > 0 {
		if _, err := photo.Open(upload); err != nil {
			form.Del("photo_held")
			return nil, append(bad, waymark.ErrorFields(err)...)
		}
		form.Del("photo_held") // a new photo replaces the one kept
		return upload, bad
	}
	tok := form.Get("photo_held")
	if tok == "" {
		return nil, bad
	}
	p, err := s.Registry.HeldPhoto(r.Context(), actor(r), tok)
	if err != nil {
		form.Del("photo_held")
		return nil, append(bad, waymark.FieldError{Field: "photo", Message: "The photo taken earlier was kept for two hours and is gone; take it again"})
	}
	return p.Data, bad
}

// keepPhoto keeps a new photo on the server while its form goes back for correction, so that the
// page carries a token and a thumbnail rather than the photo itself.
func (s *Server) keepPhoto(r *http.Request, form url.Values, upload []byte) {
	if len(upload) == 0 || form.Get("photo_held") != "" {
		return
	}
	if tok, err := s.Registry.HoldPhoto(r.Context(), actor(r), upload); err == nil {
		form.Set("photo_held", tok)
	} else {
		s.Log.Warn("keep a photo", "err", err)
	}
}

// parseForm reads a posted form of at most limit bytes; if it cannot, it answers the request
// itself and returns false.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request, limit int64) bool {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, waymark.Errorf(waymark.EINVALID, "The form could not be read."))
		return false
	}
	return true
}

// savedFlash is msg when the page follows a successful save (…?saved=1), else "".
func savedFlash(r *http.Request, msg string) string {
	if r.URL.Query().Get("saved") == "" {
		return ""
	}
	return msg
}

// formError re-renders a form with what was typed and every problem named at the top.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, page, title string, form url.Values, bad []waymark.FieldError, data any) {
	if len(bad) == 0 {
		bad = []waymark.FieldError{{Field: "main", Message: "The form could not be saved."}}
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	s.render(w, r, page, &web.View{Title: title, Form: form, Errors: bad, Data: data})
}

func (s *Server) childPage(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	rec, err := s.Registry.Child(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if into := rec.Child.MergedInto; into != "" { // its reference leads to the record it was merged into
		http.Redirect(w, r, "/children/"+into+"?merged="+url.QueryEscape(rec.Child.Ref), http.StatusSeeOther)
		return
	}
	flash := savedFlash(r, "Saved.")
	if ref := r.URL.Query().Get("merged"); ref != "" {
		flash = "Record " + ref + " was merged into this one."
	}
	s.render(w, r, "child", &web.View{Title: rec.Child.Name(), Flash: flash, Data: map[string]any{
		"Child": rec.Child, "Encounters": rec.Encounters, "Owner": rec.Owner, "RecordedBy": rec.RecordedBy, "May": rec.May,
		"Care": rec.Care, "Handovers": rec.Handovers, "OrgNames": rec.OrgNames, "Team": rec.Team, "Profile": rec.Profile, "FirstDays": rec.FirstDays,
		"Checklist": rec.Checklist(s.Registry.Now()), "Until": rec.Until, "Now": s.Registry.Now(), "Bureaus": waymark.Bureaus}})
}

func (s *Server) editChildPage(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	rec, err := s.Registry.Child(r.Context(), a, r.PathValue("id"))
	if err == nil {
		err = waymark.Can(a, waymark.EditChild, waymark.Scope{OrgID: rec.Child.OrgID})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := s.childFormData(false, rec.Child.ID)
	data["Action"] = "/children/" + rec.Child.ID + "/edit"
	s.render(w, r, "child_form", &web.View{Title: "Edit " + rec.Child.Name(), Form: childForm(rec.Child), Data: data})
}

func (s *Server) editChild(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := readForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	c, bad := childFromForm(r.PostForm, s.Registry.Now().In(s.Location))
	c.ID = id
	var err error
	if len(bad) == 0 {
		err = s.keepUnshown(r, c)
	}
	if err == nil && len(bad) == 0 {
		err = s.Registry.UpdateChild(r.Context(), actor(r), c)
	}
	if len(bad) > 0 || waymark.ErrorCode(err) == waymark.EINVALID || waymark.ErrorCode(err) == waymark.ECONFLICT {
		data := s.childFormData(false, id)
		data["Action"] = "/children/" + id + "/edit"
		s.formError(w, r, "child_form", "Edit record", r.PostForm, append(bad, waymark.ErrorFields(err)...), data)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/children/"+id+"?saved=1", http.StatusSeeOther)
}

// keepUnshown carries over facts the edit form has no room for (extra aliases, documents,
// biometric entries and the reference), so that editing never silently drops them.
func (s *Server) keepUnshown(r *http.Request, c *waymark.Child) error {
	rec, err := s.Registry.Child(r.Context(), actor(r), c.ID)
	if err != nil {
		return err
	}
	old := rec.Child
	c.Ref = old.Ref
	if len(old.Aliases) > aliasRows {
		c.Aliases = append(c.Aliases, old.Aliases[aliasRows:]...)
	}
	if len(old.Documents) > documentRows {
		c.Documents = append(c.Documents, old.Documents[documentRows:]...)
	}
	seen := map[string]bool{}
	for i, b := range old.Biometrics {
		if seen[b.Kind] || i >= 2 {
			c.Biometrics = append(c.Biometrics, b)
		}
		seen[b.Kind] = true
	}
	return nil
}

func (s *Server) uploadPhoto(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	upload, err := readForm(w, r)
	if err == nil {
		_, err = s.Registry.AddPhoto(r.Context(), actor(r), id, upload)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/children/"+id+"?saved=1", http.StatusSeeOther)
}

func (s *Server) photo(thumb bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ct, data, err := s.Registry.Photo(r.Context(), actor(r), r.PathValue("id"), thumb)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Cache-Control", "private, no-store")
		w.Write(data)
	}
}

func (s *Server) encounterData(childID string) map[string]any {
	return map[string]any{"ChildID": childID, "KindOptions": web.Options("", waymark.EncounterKinds...),
		"AgencyOptions": web.Options("", waymark.Agencies...)}
}

func (s *Server) newEncounterPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.Registry.Child(r.Context(), actor(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	org, _ := s.Registry.Org(r.Context(), actor(r), actor(r).OrgID)
	form := url.Values{"kind": {"found"}, "at": {s.Registry.Now().In(s.Location).Format(formTime)}}
	if org != nil {
		form.Set("agency", agencyOf(org.Kind))
	}
	s.render(w, r, "encounter_form", &web.View{Title: "Record a contact", Form: form, Data: s.encounterData(id)})
}

func (s *Server) createEncounter(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.parseForm(w, r, 64<<10) {
		return
	}
	e, bad := encounterFromForm(r.PostForm, s.Location)
	var err error
	if len(bad) == 0 {
		err = s.Registry.AddEncounter(r.Context(), actor(r), id, e)
	}
	if len(bad) > 0 || waymark.ErrorCode(err) == waymark.EINVALID {
		s.formError(w, r, "encounter_form", "Record a contact", r.PostForm, append(bad, waymark.ErrorFields(err)...), s.encounterData(id))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/children/"+id+"?saved=1", http.StatusSeeOther)
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	entries, err := s.Registry.AuditLog(r.Context(), actor(r), sqlstore.AuditFilter{
		RecordID: q.Get("record"), UserID: q.Get("user"), Action: q.Get("action"), Outcome: q.Get("outcome"), Before: before, Limit: 100})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	org, err := s.Registry.Org(r.Context(), actor(r), actor(r).OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	older := ""
	if len(entries) == 100 {
		q.Set("before", strconv.FormatInt(entries[len(entries)-1].Seq, 10))
		older = "/audit?" + q.Encode()
	}
	s.render(w, r, "audit", &web.View{Title: "Audit log", Form: q, Data: map[string]any{"Entries": entries, "Org": org, "Older": older}})
}

func (s *Server) subjectAccessPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.Registry.May(r.Context(), actor(r), waymark.SubjectAccess, id) {
		s.fail(w, r, waymark.Errorf(waymark.EFORBIDDEN, "You may not answer a subject access request for this child."))
		return
	}
	s.render(w, r, "subject_access", &web.View{Title: "Subject access request", Data: map[string]any{"ChildID": id}})
}

// subjectAccess sends everything held on the child as a file — JSON Lines, or a PDF to read —
// withheld what is about others when asked; it is checked, gathered and audited before it is sent.
func (s *Server) subjectAccess(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r, 4<<10) {
		return
	}
	id := r.PathValue("id")
	sub, err := s.Registry.Subject(r.Context(), actor(r), id, r.PostForm.Get("redact") != "")
	var file bytes.Buffer
	kind, ext := "application/jsonl; charset=utf-8", "jsonl"
	if err == nil && r.PostForm.Get("format") == "pdf" {
		kind, ext = "application/pdf", "pdf"
		err = report.SubjectPDF(&file, sub, s.Location, "printed by "+actor(r).Name+", "+s.Registry.Now().In(s.Location).Format("2 Jan 2006 15:04"))
	} else if err == nil {
		_, err = sub.WriteJSONL(&file)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", kind)
	w.Header().Set("Content-Disposition", `attachment; filename="subject-access-`+sub.Child.Ref+`.`+ext+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(file.Bytes())
}
