package http

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/report"
	"github.com/waymark-org/waymark/internal/web"
)

func (s *Server) statsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /stats", s.signedIn(s.statsPage))
	mux.HandleFunc("GET /stats.csv", s.signedIn(s.statsCSV))
}

// statsQuery reads from, to and org, defaulting to the financial year so far and the actor's own
// organisation; org=all asks for every organisation.
func (s *Server) statsQuery(r *http.Request) url.Values {
	q := r.URL.Query()
	today := s.Registry.Now().In(s.Location)
	if q.Get("from") == "" {
		start := time.Date(today.Year(), time.April, 1, 0, 0, 0, 0, s.Location)
		if today.Before(start) {
			start = start.AddDate(-1, 0, 0)
		}
		q.Set("from", start.Format(waymark.DateLayout))
	}
	if q.Get("to") == "" {
		q.Set("to", today.Format(waymark.DateLayout))
	}
	if q.Get("org") == "" {
		q.Set("org", actor(r).OrgID)
	}
	return q
}

// stats works out the figures the query asks for, as the actor may see them.
func (s *Server) stats(r *http.Request, q url.Values) (*report.Stats, error) {
	p, err := report.ParsePeriod(q.Get("from"), q.Get("to"), s.Location)
	if err != nil {
		return nil, err
	}
	orgID, name := q.Get("org"), "All organisations"
	if orgID == "all" {
		orgID = ""
	}
	cases, err := s.Registry.Cases(r.Context(), actor(r), waymark.ViewStats, orgID)
	if err != nil {
		return nil, err
	}
	if orgID != "" {
		org, err := s.Registry.Org(r.Context(), actor(r), orgID)
		if err != nil {
			return nil, err
		}
		name = org.Name
	}
	st := report.For(actor(r), cases, p, s.Registry.Now())
	st.Org = name
	return st, nil
}

func (s *Server) statsPage(w http.ResponseWriter, r *http.Request) {
	q := s.statsQuery(r)
	orgs, err := s.statsOrgs(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.stats(r, q)
	if waymark.ErrorCode(err) == waymark.EINVALID {
		s.formError(w, r, "stats", "Statistics", q, waymark.ErrorFields(err), map[string]any{"Orgs": orgs})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "stats", &web.View{Title: "Statistics", Form: q, Data: map[string]any{
		"Stats": st, "Orgs": orgs, "Suppressed": actor(r).Role != waymark.RoleManager,
		"CSV": func(table string) string {
			v := url.Values{"table": {table}, "from": {q.Get("from")}, "to": {q.Get("to")}, "org": {q.Get("org")}}
			return "/stats.csv?" + v.Encode()
		}}})
}

// statsOrgs are the organisations the actor may choose between.
func (s *Server) statsOrgs(r *http.Request) ([]web.Option, error) {
	a := actor(r)
	orgs, err := s.Registry.Orgs(r.Context(), actor(r))
	if err != nil {
		return nil, err
	}
	var opts []web.Option
	if waymark.Can(a, waymark.ViewStats, waymark.Scope{}) == nil {
		opts = append(opts, web.Option{Value: "all", Label: "All organisations"})
	}
	for _, o := range orgs {
		if waymark.Can(a, waymark.ViewStats, waymark.Scope{OrgID: o.ID}) == nil {
			opts = append(opts, web.Option{Value: o.ID, Label: o.Name})
		}
	}
	return opts, nil
}

// statsCSV sends one table (table=NAME), the headline figures (table=figures) or the
// Kaplan–Meier curve (table=time_to_first_missing) as CSV.
func (s *Server) statsCSV(w http.ResponseWriter, r *http.Request) {
	q := s.statsQuery(r)
	st, err := s.stats(r, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := q.Get("table")
	rows, ok := report.CSV(st, name)
	if !ok {
		s.fail(w, r, waymark.Errorf(waymark.ENOTFOUND, "There is no table %q.", name))
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="waymark-%s-%s-%s.csv"`, name, st.From, st.To))
	if err := report.WriteCSV(w, rows...); err != nil {
		s.Log.Warn("write statistics CSV", "err", err)
	}
}

func (s *Server) apiStats(w http.ResponseWriter, r *http.Request) {
	st, err := s.stats(r, s.statsQuery(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}
