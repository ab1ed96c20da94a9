package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/fingerprint"
	"github.com/waymark-org/waymark/internal/registry"
)

// The care journey for police systems and councils' case systems: placements, screenings,
// missing episodes step by step, the pack, and alerts, with the pages' access rules and audit.
func (s *Server) careAPIRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/children/{id}/placements", s.apiRecord(func(rec *registry.ChildRecord) any {
			return map[string]any{"placements": list(rec.Care.Placements)}
		})},
		{"POST", "/api/v1/children/{id}/placements", apiSave(s, http.StatusCreated, func(r *http.Request, p *placementBody) error {
			p.ChildID = r.PathValue("id")
			return s.Registry.AddPlacement(r.Context(), actor(r), &p.Placement, p.ReasonForChange)
		})},
		{"POST", "/api/v1/placements/{id}/end", apiSave(s, http.StatusOK, func(r *http.Request, b *endBody) error {
			end, err := b.day()
			if err == nil {
				err = s.Registry.EndPlacement(r.Context(), actor(r), r.PathValue("id"), end, b.Reason)
			}
			return err
		})},
		{"GET", "/api/v1/children/{id}/screenings", s.apiRecord(func(rec *registry.ChildRecord) any {
			return map[string]any{"screenings": list(rec.Care.Screenings)}
		})},
		{"POST", "/api/v1/children/{id}/screenings", apiSave(s, http.StatusCreated, func(r *http.Request, sc *waymark.Screening) error {
			sc.ChildID = r.PathValue("id")
			return s.Registry.AddScreening(r.Context(), actor(r), sc)
		})},
		{"GET", "/api/v1/children/{id}/exploitation", s.apiRecord(func(rec *registry.ChildRecord) any {
			return map[string]any{"exploitation": list(rec.Care.Exploitation)}
		})},
		{"POST", "/api/v1/children/{id}/exploitation", apiSave(s, http.StatusCreated, func(r *http.Request, x *waymark.ExploitationSeen) error {
			x.ChildID = r.PathValue("id")
			return s.Registry.AddExploitation(r.Context(), actor(r), x)
		})},
		{"GET", "/api/v1/children/{id}/bureau-searches", s.apiRecord(func(rec *registry.ChildRecord) any {
			return map[string]any{"bureau_searches": list(rec.Care.Bureau), "unsearched_prints": list(waymark.UnsearchedPrints(rec.Child, rec.Care.Bureau))}
		})},
		{"POST", "/api/v1/children/{id}/bureau-searches", apiSave(s, http.StatusCreated, func(r *http.Request, b *waymark.BureauSearch) error {
			b.ChildID = r.PathValue("id")
			return s.Registry.AddBureauSearch(r.Context(), actor(r), b)
		})},
		{"POST", "/api/v1/children/{id}/bureau-searches/ask", apiStep(s, http.StatusCreated, func(r *http.Request, id string, b *struct {
			Bureau    string `json:"bureau"`
			PrintsRef string `json:"prints_ref"`
		}) (*waymark.BureauSearch, error) {
			return s.Registry.AskBureau(r.Context(), actor(r), id, fingerprint.Bureau(b.Bureau), b.PrintsRef)
		})},
		{"GET", "/api/v1/children/{id}/missing-episodes", s.apiRecord(func(rec *registry.ChildRecord) any {
			return map[string]any{"missing_episodes": list(rec.Care.Episodes)}
		})},
		{"POST", "/api/v1/children/{id}/missing-episodes", s.apiReportMissing},
		{"GET", "/api/v1/missing", s.apiMissingNow},
		{"GET", "/api/v1/missing-episodes/{id}", s.apiEpisode},
		{"POST", "/api/v1/missing-episodes/{id}/risk-reviews", apiStep(s, http.StatusOK, func(r *http.Request, id string, b *waymark.RiskReview) (*waymark.MissingEpisode, error) {
			return s.Registry.ReviewRisk(r.Context(), actor(r), id, b)
		})},
		{"PUT", "/api/v1/missing-episodes/{id}/police-reference", apiStep(s, http.StatusOK, func(r *http.Request, id string, b *struct {
			PoliceRef string `json:"police_ref"`
		}) (*waymark.MissingEpisode, error) {
			return s.Registry.SetPoliceRef(r.Context(), actor(r), id, b.PoliceRef)
		})},
		{"POST", "/api/v1/missing-episodes/{id}/found", apiStep(s, http.StatusOK, func(r *http.Request, id string, b *foundBody) (*waymark.MissingEpisode, error) {
			return s.Registry.RecordFound(r.Context(), actor(r), id, waymark.Found{At: b.At, Place: b.Place, By: b.By, Where: b.Circumstances, Detail: b.Detail})
		})},
		{"POST", "/api/v1/missing-episodes/{id}/returned", apiStep(s, http.StatusOK, func(r *http.Request, id string, b *atBody) (*waymark.MissingEpisode, error) {
			return s.Registry.RecordReturned(r.Context(), actor(r), id, b.At)
		})},
		{"POST", "/api/v1/missing-episodes/{id}/kind", apiStep(s, http.StatusOK, func(r *http.Request, id string, b *kindBody) (*waymark.MissingEpisode, error) {
			return s.Registry.ChangeEpisodeKind(r.Context(), actor(r), id, b.Kind, b.At, b.Note)
		})},
		{"PUT", "/api/v1/missing-episodes/{id}/return-interview", apiStep(s, http.StatusOK, func(r *http.Request, id string, b *waymark.Interview) (*waymark.MissingEpisode, error) {
			return s.Registry.RecordInterview(r.Context(), actor(r), id, *b)
		})},
		{"PUT", "/api/v1/missing-episodes/{id}/prevention-interview", apiStep(s, http.StatusOK, func(r *http.Request, id string, b *preventionBody) (*waymark.MissingEpisode, error) {
			return s.Registry.RecordPrevention(r.Context(), actor(r), id, b.At, b.By, b.Note)
		})},
		{"GET", "/api/v1/missing-episodes/{id}/pack.pdf", s.packPDF},
		{"GET", "/api/v1/alerts", s.apiAlerts},
		{"POST", "/api/v1/alerts/{id}/acknowledge", apiSave(s, http.StatusOK, func(r *http.Request, b *struct {
			Note string `json:"note"`
		}) error {
			return s.Registry.AcknowledgeAlert(r.Context(), actor(r), r.PathValue("id"), b.Note)
		})},
	}
}

type (
	placementBody struct {
		waymark.Placement
		ReasonForChange string `json:"reason_for_change,omitempty"`
	}
	endBody struct {
		End    string `json:"end"` // YYYY-MM-DD
		Reason string `json:"reason"`
	}
	// The steps' fields are named as the episode names them, and as its errors do.
	foundBody struct {
		At            time.Time `json:"found_at"`
		Place         string    `json:"found_place"`
		By            string    `json:"found_by"`
		Circumstances string    `json:"found_circumstances"` // waymark.FoundCircumstances
		Detail        string    `json:"found_detail"`
	}
	atBody struct {
		At time.Time `json:"returned_at"`
	}
	kindBody struct {
		Kind string    `json:"new_kind"`
		At   time.Time `json:"changed_at"`
		Note string    `json:"change_note"`
	}
	preventionBody struct {
		At   time.Time `json:"prevention_at"`
		By   string    `json:"prevention_by"`
		Note string    `json:"prevention_note"`
	}
	// reportBody is what a report of a missing child says; the rest of an episode comes later.
	reportBody struct {
		Kind          string    `json:"kind"`
		LastSeenAt    time.Time `json:"last_seen_at"`
		LastSeenPlace string    `json:"last_seen_place"`
		LastSeenWith  string    `json:"last_seen_with"`
		Clothing      string    `json:"clothing"`
		Circumstances string    `json:"circumstances"`
		PoliceRef     string    `json:"police_ref"`
		PoliceOrgID   string    `json:"police_org_id"`
		Risk          string    `json:"risk"`
		RiskFactors   []string  `json:"risk_factors"`
	}
)

func (b *endBody) day() (time.Time, error) {
	if b.End == "" {
		return time.Time{}, waymark.Invalid("end", "Enter the day the placement ended, written YYYY-MM-DD")
	}
	t, err := time.Parse(waymark.DateLayout, b.End)
	if err != nil {
		return t, waymark.Invalid("end", "Write the day the placement ended as YYYY-MM-DD, not "+strconv.Quote(b.End))
	}
	return t, nil
}

// apiStep decodes a step on the record the path names (a missing episode, a link, a child), has
// save take it, and answers with what save returns.
func apiStep[T, R any](s *Server, status int, save func(r *http.Request, id string, b *T) (R, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b := new(T)
		err := decodeJSON(w, r, b)
		var out R
		if err == nil {
			out, err = save(r, r.PathValue("id"), b)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, status, out)
	}
}

func (s *Server) apiReportMissing(w http.ResponseWriter, r *http.Request) {
	var b reportBody
	if err := decodeJSON(w, r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	e := &waymark.MissingEpisode{ChildID: r.PathValue("id"), Kind: b.Kind, LastSeenAt: b.LastSeenAt, LastSeenPlace: b.LastSeenPlace,
		LastSeenWith: b.LastSeenWith, Clothing: b.Clothing, Circumstances: b.Circumstances, PoliceRef: b.PoliceRef,
		PoliceOrgID: b.PoliceOrgID, Risk: b.Risk, RiskFactors: b.RiskFactors}
	if err := s.Registry.ReportMissing(r.Context(), actor(r), e); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

func (s *Server) apiEpisode(w http.ResponseWriter, r *http.Request) {
	rec, err := s.Registry.Episode(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	next, _ := rec.NextReview()
	out := map[string]any{"episode": rec.Episode, "child_ref": rec.Child.Ref, "risk_reviews": list(rec.Reviews)}
	if !next.IsZero() {
		out["next_review_due"] = next
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiMissingNow(w http.ResponseWriter, r *http.Request) {
	rows, err := s.Registry.MissingNow(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type line struct {
		Episode     *waymark.MissingEpisode `json:"episode"`
		ChildRef    string                  `json:"child_ref"`
		Responsible string                  `json:"responsible"`
		NextReview  time.Time               `json:"next_review_due,omitzero"`
	}
	out := make([]line, len(rows))
	for i, row := range rows {
		out[i] = line{row.Episode, row.Child.Ref, row.Owner, row.NextReview}
	}
	writeJSON(w, http.StatusOK, map[string]any{"missing": out})
}

func (s *Server) apiAlerts(w http.ResponseWriter, r *http.Request) {
	alerts, total, err := s.Registry.Alerts(r.Context(), actor(r), registry.AlertsShown)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type line struct {
		*waymark.Alert
		Event       string `json:"event"`
		Title       string `json:"title"`
		Dismissable bool   `json:"dismissable"`
	}
	out := make([]line, len(alerts))
	for i, a := range alerts {
		out[i] = line{a, a.Event(), a.Title(), a.Dismissable()}
	}
	writeJSON(w, http.StatusOK, map[string]any{"alerts": out, "total": total})
}
