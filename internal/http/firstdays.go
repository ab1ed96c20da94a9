package http

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/web"
)

// The first 72 hours: the safety plan, strategy discussions and their actions, the NRM referral.

func (s *Server) firstDaysRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /strategy-actions/{id}/done", s.signedIn(s.actionDonePage))
}

// current reads the child's record for a form's starting values; nil if it cannot be read.
func (s *Server) current(r *http.Request) *registry.ChildRecord {
	rec, err := s.Registry.Child(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		return nil
	}
	return rec
}

func (s *Server) safetyPlanForm() careForm {
	return careForm{path: "safety-plan", page: "safety_plan_form", title: "Safety plan",
		data: func(r *http.Request) map[string]any { return map[string]any{"ChildID": r.PathValue("id")} },
		start: func(r *http.Request) url.Values {
			rec := s.current(r)
			if rec == nil || rec.SafetyPlan == nil {
				return url.Values{}
			}
			p := rec.SafetyPlan
			return url.Values{"supervision": {p.Supervision}, "phones": {p.Phones}, "contacts": {p.Contacts},
				"traffickers": {p.Traffickers}, "first_absence": {p.FirstAbsence}, "who_is_told": {p.WhoIsTold}}
		},
		save: func(r *http.Request, fr *formReader) (string, error) {
			f := fr.f
			p := &waymark.SafetyPlan{ChildID: r.PathValue("id"), Supervision: f.Get("supervision"), Phones: f.Get("phones"),
				Contacts: f.Get("contacts"), Traffickers: f.Get("traffickers"), FirstAbsence: f.Get("first_absence"), WhoIsTold: f.Get("who_is_told")}
			return "/children/" + p.ChildID + "?saved=1#first-days", s.Registry.SaveSafetyPlan(r.Context(), actor(r), p)
		}}
}

// The strategy form offers rows for this many attendees and actions.
const (
	attendeeRows = 6
	actionRows   = 4
)

// rows numbers n form rows from 1.
func rows(n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = i + 1
	}
	return r
}

func (s *Server) strategyForm() careForm {
	return careForm{path: "strategy", page: "strategy_form", title: "Record a strategy discussion",
		data: func(r *http.Request) map[string]any {
			return map[string]any{"ChildID": r.PathValue("id"), "Attendees": rows(attendeeRows), "Actions": rows(actionRows),
				"Agencies": web.Options("Choose an agency", waymark.StrategyAgencies...)}
		},
		start: func(r *http.Request) url.Values {
			return url.Values{"held_at": {s.Registry.Now().In(s.Location).Format(formTime)}}
		},
		save: func(r *http.Request, fr *formReader) (string, error) {
			st := &waymark.Strategy{ChildID: r.PathValue("id"), HeldAt: fr.time("held_at"), Shared: fr.f.Get("shared"), Decisions: fr.f.Get("decisions")}
			for _, i := range rows(attendeeRows) {
				n := strconv.Itoa(i)
				st.Attendees = append(st.Attendees, waymark.Attendee{Name: fr.f.Get("attendee_name_" + n),
					Agency: fr.f.Get("attendee_agency_" + n), Organisation: fr.f.Get("attendee_org_" + n)})
			}
			for _, i := range rows(actionRows) {
				n := strconv.Itoa(i)
				st.Actions = append(st.Actions, &waymark.StrategyAction{What: fr.f.Get("action_what_" + n),
					Email: fr.f.Get("action_owner_" + n), Due: fr.f.Get("action_due_" + n)})
			}
			if len(fr.bad) > 0 {
				return "", nil
			}
			return "/children/" + st.ChildID + "?saved=1#first-days", s.Registry.RecordStrategy(r.Context(), actor(r), st)
		}}
}

func (s *Server) nrmForm() careForm {
	return careForm{path: "nrm", page: "nrm_form", title: "The NRM referral and its decisions",
		data: func(r *http.Request) map[string]any {
			return map[string]any{"ChildID": r.PathValue("id"), "AuthorityOptions": web.Options("Not known yet", waymark.CompetentAuthorities...),
				"OutcomeOptions": web.Options("Not yet decided", waymark.NRMOutcomes...), "ServiceOptions": web.Options("Not referred yet", waymark.ICTGServices...)}
		},
		start: func(r *http.Request) url.Values {
			rec, err := s.Registry.Child(r.Context(), actor(r), r.PathValue("id"))
			if err != nil || rec.FirstDays.NRM == nil {
				return url.Values{"referred_on": {s.today()}}
			}
			return nrmValues(rec.FirstDays.NRM)
		},
		save: func(r *http.Request, fr *formReader) (string, error) {
			id, f := r.PathValue("id"), fr.f
			n := &waymark.NRMReferral{ReferredOn: f.Get("referred_on"), Reference: f.Get("nrm_reference"), Authority: f.Get("competent_authority"),
				ChildTold: f.Get("child_told") != "", RGOutcome: f.Get("rg_outcome"), RGDate: f.Get("rg_date"), CGOutcome: f.Get("cg_outcome"),
				CGDate: f.Get("cg_date"), ReconsiderationAsked: f.Get("reconsideration_asked"), ReconsiderationOutcome: f.Get("reconsideration_outcome"),
				ICTGReferredOn: f.Get("ictg_referred_on"), ICTGService: f.Get("ictg_service")}
			return "/children/" + id + "?saved=1#first-days", s.Registry.RecordNRM(r.Context(), actor(r), id, n)
		}}
}

// nrmValues writes a referral back into the form's fields.
func nrmValues(n *waymark.NRMReferral) url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"referred_on": n.ReferredOn, "nrm_reference": n.Reference, "competent_authority": n.Authority,
		"rg_outcome": n.RGOutcome, "rg_date": n.RGDate, "cg_outcome": n.CGOutcome, "cg_date": n.CGDate,
		"reconsideration_asked": n.ReconsiderationAsked, "reconsideration_outcome": n.ReconsiderationOutcome,
		"ictg_referred_on": n.ICTGReferredOn, "ictg_service": n.ICTGService} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if n.ChildTold {
		v.Set("child_told", "1")
	}
	return v
}

func (s *Server) actionDonePage(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := s.Registry.ActionDone(r.Context(), actor(r), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	back := r.PostFormValue("child")
	if back == "" || !validID(back) {
		http.Redirect(w, r, "/alerts?saved=1", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/children/%s?saved=1#first-days", back), http.StatusSeeOther)
}

// validID reports whether s looks like one of Waymark's ids (so it is safe in a redirect).
func validID(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return len(s) > 0 && len(s) <= 40
}

func (s *Server) apiActionDone(w http.ResponseWriter, r *http.Request) {
	if err := s.Registry.ActionDone(r.Context(), actor(r), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id"), "status": "done"})
}
