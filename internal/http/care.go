package http

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/fingerprint"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/report"
	"github.com/waymark-org/waymark/internal/screening"
	"github.com/waymark-org/waymark/internal/web"
)

func (s *Server) careRoutes(mux *http.ServeMux) {
	forms := []careForm{s.placementForm(), s.placementEndForm(), s.screeningForm(), s.missingForm(), s.handoverForm(), s.teamForm(), s.profileForm(),
		s.safetyPlanForm(), s.strategyForm(), s.nrmForm(), s.mergeForm(), s.exploitationForm(), s.linkForm(), s.linkEndForm(), s.bureauForm()}
	for _, f := range forms {
		mux.HandleFunc("GET /children/{id}/"+f.path+"/new", s.signedIn(s.showForm(f)))
		mux.HandleFunc("POST /children/{id}/"+f.path, s.signedIn(s.postForm(f)))
		s.formTitles["POST /children/{id}/"+f.path] = f.title
	}
	mux.HandleFunc("POST /children/{id}/bureau-searches/ask", s.signedIn(s.askBureau))
	mux.HandleFunc("GET /missing", s.signedIn(s.missingBoard))
	mux.HandleFunc("GET /missing/{id}", s.signedIn(s.episodePage))
	mux.HandleFunc("POST /missing/{id}/{step}", s.signedIn(s.episodeStep))
	mux.HandleFunc("GET /missing/{id}/pack", s.signedIn(s.packPage))
	mux.HandleFunc("GET /missing/{id}/pack.pdf", s.signedIn(s.packPDF))
	mux.HandleFunc("GET /alerts", s.signedIn(s.alertsPage))
	mux.HandleFunc("POST /alerts/{id}/done", s.signedIn(s.clearAlert))
	mux.HandleFunc("POST /alerts/{id}/acknowledge", s.signedIn(s.acknowledgeAlert))
	mux.HandleFunc("GET /placements/unsuitable", s.signedIn(s.unsuitableBoard))
}

// formReader reads typed values from a form, collecting what cannot be read.
type formReader struct {
	f   url.Values
	loc *time.Location
	bad []waymark.FieldError
}

func (fr *formReader) parse(name, layout, want string) time.Time {
	v := strings.TrimSpace(fr.f.Get(name))
	if v == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(layout, v, fr.loc)
	if err != nil {
		fr.bad = append(fr.bad, waymark.FieldError{Field: name, Message: "Enter the " + want})
	}
	return t
}

func (fr *formReader) time(name string) time.Time { return fr.parse(name, formTime, "date and time") }
func (fr *formReader) date(name string) time.Time { return fr.parse(name, waymark.DateLayout, "date") }

// done returns what could not be read, merged with err's fields, as one error.
func (fr *formReader) done(err error) error {
	if len(fr.bad) == 0 {
		return err
	}
	fields := append(fr.bad, waymark.ErrorFields(err)...)
	return &waymark.Error{Code: waymark.EINVALID, Message: "Please correct the fields named below.", Fields: fields}
}

// careForm is one form of the care journey: where it lives, what its page needs, its starting
// values, and what saving it does (returning the page to go to next).
type careForm struct {
	path, page, title string
	data              func(r *http.Request) map[string]any
	start             func(r *http.Request) url.Values
	save              func(r *http.Request, fr *formReader) (next string, err error)
}

func (s *Server) showForm(cf careForm) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := s.Registry.Child(r.Context(), actor(r), r.PathValue("id")); err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, cf.page, &web.View{Title: cf.title, Form: cf.start(r), Data: cf.data(r)})
	}
}

func (s *Server) postForm(cf careForm) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.parseForm(w, r, 64<<10) {
			return
		}
		fr := &formReader{f: r.PostForm, loc: s.Location}
		next, err := cf.save(r, fr)
		if err = fr.done(err); waymark.ErrorCode(err) == waymark.EINVALID {
			s.formError(w, r, cf.page, cf.title, r.PostForm, waymark.ErrorFields(err), cf.data(r))
			return
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

// policeOptions lists the police forces, for "the force covering this address".
func (s *Server) policeOptions(r *http.Request) []web.Option {
	opts := []web.Option{{Value: "", Label: "Not known"}}
	orgs, _ := s.Registry.Orgs(r.Context(), actor(r))
	for _, o := range orgs {
		if o.Kind == "police" {
			opts = append(opts, web.Option{Value: o.ID, Label: o.Name})
		}
	}
	return opts
}

func (s *Server) today() string { return s.Registry.Now().In(s.Location).Format(waymark.DateLayout) }

func (s *Server) placementForm() careForm {
	return careForm{path: "placements", page: "placement_form", title: "Record a placement",
		data: func(r *http.Request) map[string]any {
			return map[string]any{"ChildID": r.PathValue("id"), "TypeOptions": web.Options("Choose the type", waymark.PlacementTypes...),
				"ProviderOptions": web.Options("Not known yet", waymark.ProviderKinds...), "PoliceOptions": s.policeOptions(r)}
		},
		start: func(r *http.Request) url.Values { return url.Values{"start": {s.today()}} },
		save: func(r *http.Request, fr *formReader) (string, error) {
			p := &waymark.Placement{ChildID: r.PathValue("id"), Type: fr.f.Get("placement_type"), Provider: fr.f.Get("provider"),
				Address: fr.f.Get("address"), PoliceOrgID: fr.f.Get("police_org_id"), Start: fr.date("start"),
				ProviderKind: fr.f.Get("provider_kind"), Postcode: fr.f.Get("postcode"), OfstedURN: fr.f.Get("ofsted_urn")}
			if len(fr.bad) > 0 {
				return "", nil
			}
			return "/children/" + p.ChildID + "?saved=1", s.Registry.AddPlacement(r.Context(), actor(r), p, fr.f.Get("reason_for_change"))
		}}
}

// placementEndForm ends the placement named in the query (?placement=) when the child leaves it
// without a new one recorded (a new placement ends the current one itself).
func (s *Server) placementEndForm() careForm {
	return careForm{path: "placement-end", page: "placement_end", title: "End a placement",
		data: func(r *http.Request) map[string]any { return map[string]any{"ChildID": r.PathValue("id")} },
		start: func(r *http.Request) url.Values {
			return url.Values{"placement": {r.URL.Query().Get("placement")}, "end": {s.today()}}
		},
		save: func(r *http.Request, fr *formReader) (string, error) {
			end := fr.date("end")
			if len(fr.bad) > 0 {
				return "", nil
			}
			return "/children/" + r.PathValue("id") + "?saved=1",
				s.Registry.EndPlacement(r.Context(), actor(r), fr.f.Get("placement"), end, fr.f.Get("end_reason"))
		}}
}

func (s *Server) screeningForm() careForm {
	return careForm{path: "screenings", page: "screening_form", title: "Screen for indicators of trafficking",
		data: func(r *http.Request) map[string]any {
			cat, err := s.Registry.Catalogue(r.Context(), actor(r), r.PathValue("id"))
			if err != nil {
				cat = screening.Shipped // the form is refused anyway when saved
			}
			return map[string]any{"ChildID": r.PathValue("id"), "OutcomeOptions": web.Options("Choose", waymark.ScreeningOutcomes...),
				"ExploitationOptions": web.Options("", waymark.ExploitationTypes...), "Catalogue": cat,
				"InterpreterOptions": web.Options("No interpreter", waymark.InterpreterModes...)}
		},
		start: func(r *http.Request) url.Values { return url.Values{"date": {s.today()}} },
		save: func(r *http.Request, fr *formReader) (string, error) {
			f := fr.f
			sc := &waymark.Screening{ChildID: r.PathValue("id"), Date: fr.date("date"), Outcome: f.Get("outcome"),
				Exploitation: f["exploitation"], Indicators: f["indicators"], Account: f.Get("child_account"), Judgement: f.Get("judgement"),
				InterpreterLanguage: f.Get("interpreter_language"), InterpreterMode: f.Get("interpreter_mode")}
			if f.Get("outcome") == "" {
				fr.bad = append(fr.bad, waymark.FieldError{Field: "outcome", Message: "Choose the outcome: a trafficking concern, or none"})
			}
			if len(fr.bad) > 0 {
				return "", nil
			}
			return "/children/" + sc.ChildID + "?saved=1", s.Registry.AddScreening(r.Context(), actor(r), sc)
		}}
}

func (s *Server) exploitationForm() careForm {
	return careForm{path: "exploitation", page: "exploitation_form", title: "Record exploitation seen",
		data: func(r *http.Request) map[string]any {
			return map[string]any{"ChildID": r.PathValue("id"), "TypeOptions": web.Options("Choose", waymark.ExploitationTypes...),
				"SourceOptions": web.Options("Choose", waymark.ExploitationSources...)}
		},
		start: func(r *http.Request) url.Values { return url.Values{"seen_on": {s.today()}} },
		save: func(r *http.Request, fr *formReader) (string, error) {
			x := &waymark.ExploitationSeen{ChildID: r.PathValue("id"), Type: fr.f.Get("type"), SeenOn: fr.f.Get("seen_on"),
				Source: fr.f.Get("source"), Note: fr.f.Get("note")}
			return "/children/" + x.ChildID + "?saved=1", s.Registry.AddExploitation(r.Context(), actor(r), x)
		}}
}

func (s *Server) bureauForm() careForm {
	return careForm{path: "bureau-searches", page: "bureau_form", title: "Record a fingerprint bureau search",
		data: func(r *http.Request) map[string]any {
			return map[string]any{"ChildID": r.PathValue("id"), "BureauOptions": web.Options("Choose", waymark.Bureaus...),
				"OutcomeOptions": web.Options("Choose", waymark.BureauOutcomes...)}
		},
		start: func(r *http.Request) url.Values { return url.Values{"asked_on": {s.today()}, "outcome": {"pending"}} },
		save: func(r *http.Request, fr *formReader) (string, error) {
			f := fr.f
			b := &waymark.BureauSearch{ChildID: r.PathValue("id"), Bureau: f.Get("bureau"), PrintsRef: f.Get("prints_ref"), AskedOn: f.Get("asked_on"),
				AskedBy: f.Get("asked_by"), Outcome: f.Get("outcome"), IdentifiedAs: f.Get("identified_as"), AnsweredOn: f.Get("answered_on"), Note: f.Get("note")}
			return "/children/" + b.ChildID + "?saved=1#bureau", s.Registry.AddBureauSearch(r.Context(), actor(r), b)
		}}
}

func (s *Server) missingForm() careForm {
	return careForm{path: "missing", page: "missing_form", title: "Report missing or absent",
		data: func(r *http.Request) map[string]any {
			return map[string]any{"ChildID": r.PathValue("id"), "KindOptions": web.Options("", waymark.MissingKinds...),
				"RiskOptions": web.Options("Choose", waymark.RiskGrades...), "FactorOptions": web.Options("", waymark.RiskFactors...),
				"PoliceOptions": s.policeOptions(r)}
		},
		start: func(r *http.Request) url.Values { // the risk is the reporter's to grade: the factors are suggested, not the grade
			factors, _ := s.Registry.SuggestedRiskFactors(r.Context(), actor(r), r.PathValue("id"))
			return url.Values{"kind": {"missing"}, "last_seen_at": {s.Registry.Now().In(s.Location).Format(formTime)},
				"risk_factors": factors}
		},
		save: func(r *http.Request, fr *formReader) (string, error) {
			e := &waymark.MissingEpisode{ChildID: r.PathValue("id"), Kind: fr.f.Get("kind"), LastSeenAt: fr.time("last_seen_at"),
				LastSeenPlace: fr.f.Get("last_seen_place"), LastSeenWith: fr.f.Get("last_seen_with"), Clothing: fr.f.Get("clothing"),
				Circumstances: fr.f.Get("circumstances"), Risk: fr.f.Get("risk"), RiskFactors: fr.f["risk_factors"],
				PoliceRef: fr.f.Get("police_ref"), PoliceOrgID: fr.f.Get("police_org_id")}
			if len(fr.bad) > 0 {
				return "", nil
			}
			err := s.Registry.ReportMissing(r.Context(), actor(r), e)
			return "/missing/" + e.ID + "?saved=1", err
		}}
}

func (s *Server) episodeData(rec *registry.EpisodeRecord) map[string]any {
	next, monthly := rec.NextReview()
	kinds := []web.Option{{Value: "", Label: "Choose"}}
	for _, k := range waymark.MissingKinds {
		if k != rec.Episode.Kind {
			kinds = append(kinds, web.Option{Value: k, Label: waymark.Label(k)})
		}
	}
	return map[string]any{"Episode": rec.Episode, "Child": rec.Child, "Owner": rec.Owner, "Reviews": rec.Reviews,
		"NextReview": next, "Monthly": monthly, "Overdue": !next.IsZero() && next.Before(s.Registry.Now()), "KindOptions": kinds,
		"FoundOptions": web.Options("Choose", waymark.FoundCircumstances...), "RiskOptions": web.Options("Choose", waymark.RiskGrades...),
		"OutcomeOptions": []web.Option{{Value: "", Label: "Choose"}, {Value: "accepted", Label: "Accepted: the interview was held"},
			{Value: "declined", Label: "Declined by the child"}}}
}

func (s *Server) episodePage(w http.ResponseWriter, r *http.Request) {
	rec, err := s.Registry.Episode(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.Registry.Now().In(s.Location).Format(formTime)
	e := rec.Episode
	form := url.Values{"police_ref": {e.PoliceRef}, "found_at": {now}, "returned_at": {now}, "changed_at": {now},
		"interview_offered_at": {now}, "interview_at": {now}, "prevention_at": {now}}
	flash := savedFlash(r, "Saved.")
	s.render(w, r, "episode", &web.View{Title: "Missing episode", Flash: flash, Form: form, Data: s.episodeData(rec)})
}

// episodeStep records one step of an episode: police details, a risk review, a change of kind,
// found, returned, the return interview, the police prevention interview.
func (s *Server) episodeStep(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r, 64<<10) {
		return
	}
	fr := &formReader{f: r.PostForm, loc: s.Location}
	f := fr.f
	id, ctx, a := r.PathValue("id"), r.Context(), actor(r)
	var save func() (*waymark.MissingEpisode, error)
	switch r.PathValue("step") {
	case "police":
		save = func() (*waymark.MissingEpisode, error) {
			return s.Registry.SetPoliceRef(ctx, a, id, f.Get("police_ref"))
		}
	case "risk":
		save = func() (*waymark.MissingEpisode, error) {
			return s.Registry.ReviewRisk(ctx, a, id, &waymark.RiskReview{Risk: f.Get("risk"), Note: f.Get("note")})
		}
	case "kind":
		at := fr.time("changed_at")
		save = func() (*waymark.MissingEpisode, error) {
			return s.Registry.ChangeEpisodeKind(ctx, a, id, f.Get("new_kind"), at, f.Get("change_note"))
		}
	case "found":
		found := waymark.Found{At: fr.time("found_at"), Place: f.Get("found_place"), By: f.Get("found_by"),
			Where: f.Get("found_circumstances"), Detail: f.Get("found_detail")}
		save = func() (*waymark.MissingEpisode, error) { return s.Registry.RecordFound(ctx, a, id, found) }
	case "returned":
		at := fr.time("returned_at")
		save = func() (*waymark.MissingEpisode, error) { return s.Registry.RecordReturned(ctx, a, id, at) }
	case "interviewed":
		iv := waymark.Interview{OfferedAt: fr.time("interview_offered_at"), Declined: f.Get("interview_outcome") == "declined",
			InterviewAt: fr.time("interview_at"), InterviewBy: f.Get("interview_by"), ByRole: f.Get("interview_by_role"),
			Independent: f.Get("interview_independent") != "", Learnt: waymark.Learnt{PushPull: f.Get("push_pull"), Where: f.Get("learnt_where"),
				WithWhom: f.Get("learnt_with_whom"), Exploitation: f.Get("exploitation_disclosed"), Risks: f.Get("learnt_risks"), Actions: f.Get("learnt_actions")}}
		if f.Get("interview_outcome") == "" {
			fr.bad = append(fr.bad, waymark.FieldError{Field: "interview_outcome", Message: "Say whether the child accepted the interview or declined it"})
		}
		save = func() (*waymark.MissingEpisode, error) { return s.Registry.RecordInterview(ctx, a, id, iv) }
	case "prevention":
		at := fr.time("prevention_at")
		save = func() (*waymark.MissingEpisode, error) {
			return s.Registry.RecordPrevention(ctx, a, id, at, f.Get("prevention_by"), f.Get("prevention_note"))
		}
	default:
		http.NotFound(w, r)
		return
	}
	var e *waymark.MissingEpisode
	var err error
	if len(fr.bad) == 0 {
		e, err = save()
	}
	if err = fr.done(err); waymark.ErrorCode(err) == waymark.EINVALID {
		rec, rerr := s.Registry.Episode(r.Context(), actor(r), id)
		if rerr != nil {
			s.fail(w, r, rerr)
			return
		}
		s.formError(w, r, "episode", "Missing episode", r.PostForm, waymark.ErrorFields(err), s.episodeData(rec))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.Registry.May(r.Context(), actor(r), waymark.ViewPack, e.ChildID) {
		http.Redirect(w, r, "/missing?saved=1", http.StatusSeeOther) // found by another force: no longer theirs to see
		return
	}
	http.Redirect(w, r, "/missing/"+e.ID+"?saved=1", http.StatusSeeOther)
}

func (s *Server) missingBoard(w http.ResponseWriter, r *http.Request) {
	rows, err := s.Registry.MissingNow(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	flash := savedFlash(r, "Saved. The child's social worker has been told.")
	now := s.Registry.Now()
	var recent, longTerm []registry.MissingRow
	for _, row := range rows {
		if row.Episode.LongTerm(now) {
			longTerm = append(longTerm, row)
		} else {
			recent = append(recent, row)
		}
	}
	s.render(w, r, "missing_board", &web.View{Title: "Missing now", Flash: flash, Data: map[string]any{
		"Recent": recent, "LongTerm": longTerm, "Now": now}})
}

// deadlines are the first limit open alerts addressed to the actor, how many there are, and what
// comes up in their caseload.
func (s *Server) deadlines(r *http.Request, limit int) ([]*waymark.Alert, int, []registry.Deadline, error) {
	alerts, total, err := s.Registry.Alerts(r.Context(), actor(r), limit)
	if err != nil {
		return nil, 0, nil, err
	}
	upcoming, err := s.Registry.Upcoming(r.Context(), actor(r))
	return alerts, total, upcoming, err
}

func (s *Server) alertsPage(w http.ResponseWriter, r *http.Request) {
	alerts, _, upcoming, err := s.deadlines(r, registry.AlertsShown)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "alerts", &web.View{Title: "Alerts and deadlines", Data: map[string]any{"Alerts": alerts, "Upcoming": upcoming}})
}

// askBureau records that the officer has asked a bureau to search the child's prints.
func (s *Server) askBureau(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r, 16<<10) {
		return
	}
	id := r.PathValue("id")
	if _, err := s.Registry.AskBureau(r.Context(), actor(r), id, fingerprint.Bureau(r.PostForm.Get("bureau")), r.PostForm.Get("prints_ref")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/children/"+id+"?saved=1#bureau", http.StatusSeeOther)
}

func (s *Server) clearAlert(w http.ResponseWriter, r *http.Request) {
	if err := s.Registry.ClearAlert(r.Context(), actor(r), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/alerts", http.StatusSeeOther)
}

func (s *Server) acknowledgeAlert(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r, 16<<10) {
		return
	}
	if err := s.Registry.AcknowledgeAlert(r.Context(), actor(r), r.PathValue("id"), r.PostForm.Get("note")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/alerts", http.StatusSeeOther)
}

func (s *Server) unsuitableBoard(w http.ResponseWriter, r *http.Request) {
	list, err := s.Registry.UnsuitablePlacements(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "unsuitable", &web.View{Title: "Unsuitable placements", Data: map[string]any{"Placements": list}})
}

func (s *Server) packPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.Registry.Pack(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "pack", &web.View{Title: "Missing-person pack: " + p.Child.Name(), Data: report.Pack(p, s.Registry.Now(), s.Location)})
}

// packPDF sends the pack as a PDF; opening it and its photo are audited like the page.
func (s *Server) packPDF(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	p, err := s.Registry.Pack(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.Registry.Now()
	v := report.Pack(p, now, s.Location)
	var photo []byte
	if v.Photo != nil {
		if _, photo, err = s.Registry.Photo(r.Context(), a, v.Photo.ID, false); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	var b bytes.Buffer
	if err := report.PackPDF(&b, v, photo, "printed "+now.In(s.Location).Format("2 Jan 2006, 15:04")+" by "+a.Name); err != nil {
		s.fail(w, r, fmt.Errorf("missing-person pack PDF: %w", err))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": "missing-person-pack-" + p.Child.Ref + ".pdf"}))
	w.Write(b.Bytes())
}
