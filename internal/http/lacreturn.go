package http

import (
	"fmt"
	"net/http"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/report"
	"github.com/waymark-org/waymark/internal/web"
)

func (s *Server) returnRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /stats/return", s.signedIn(s.returnPage))
	mux.HandleFunc("GET /stats/return.zip", s.signedIn(s.returnZip))
}

// lacReturn builds the actor's organisation's return for the year asked (by default the last
// collection year to have ended), with the child ids its failures link to.
func (s *Server) lacReturn(r *http.Request) (*report.Return, map[string]string, error) {
	yearText := r.URL.Query().Get("year")
	if yearText == "" {
		last := s.Registry.Now().In(s.Location).AddDate(-1, -3, 0) // the year that ended on the last 31 March
		yearText = fmt.Sprintf("%d-%02d", last.Year(), (last.Year()+1)%100)
	}
	year, err := report.ParseYear(yearText, s.Location)
	if err != nil {
		return nil, nil, err
	}
	a := actor(r)
	cases, err := s.Registry.Cases(r.Context(), a, waymark.ExportReturn, a.OrgID)
	if err != nil {
		return nil, nil, err
	}
	ids := make(map[string]string, len(cases))
	for _, c := range cases {
		ids[c.Ref] = c.ChildID
	}
	return report.BuildReturn(cases, year, s.Location, s.Registry.Now()), ids, nil
}

func (s *Server) returnPage(w http.ResponseWriter, r *http.Request) {
	ret, ids, err := s.lacReturn(r)
	form := r.URL.Query()
	if waymark.ErrorCode(err) == waymark.EINVALID {
		s.formError(w, r, "lacreturn", "Looked-after-children return", form, waymark.ErrorFields(err), map[string]any{})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	form.Set("year", report.YearLabel(ret.Year))
	s.render(w, r, "lacreturn", &web.View{Title: "Looked-after-children return", Form: form, Data: map[string]any{
		"Return": ret, "Year": report.YearLabel(ret.Year), "Tables": ret.Tables(), "Failures": ret.Validate(), "Warnings": ret.Warnings(),
		"ChildIDs": ids, "Codes": report.PlacementCodes}})
}

// returnZip sends the four CSV files, only when the return passes every rule.
func (s *Server) returnZip(w http.ResponseWriter, r *http.Request) {
	ret, _, err := s.lacReturn(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	year := report.YearLabel(ret.Year)
	if failures := ret.Validate(); len(failures) > 0 {
		s.fail(w, r, waymark.Errorf(waymark.ECONFLICT, "The %s return fails %d validation checks: correct the records listed on the return page first.", year, len(failures)))
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="waymark-return-%s.zip"`, year))
	if err := ret.WriteZip(w); err != nil {
		s.Log.Error("write return", "err", err)
	}
}
