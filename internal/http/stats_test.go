package http_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

func TestStatisticsPageCSVAndAPI(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			manager := a.client("manager@northshire.example.org")
			code, page := get(t, manager, a.srv.URL+"/stats?from=2020-01-01&to=2030-12-31")
			if code != 200 {
				t.Fatalf("manager stats: %d", code)
			}
			contains(t, page, "children were referred between 1 January 2020 and 31 December 2030", "Key figures",
				"Age when first missing", "<svg class=\"chart\"", "Placement when the episode began", "/stats.csv?")
			if strings.Contains(page, "shown as &lt;5") {
				t.Error("the manager's own figures are suppressed")
			}

			res, err := manager.Get(a.srv.URL + "/stats.csv?table=age_at_referral&from=2020-01-01&to=2030-12-31")
			if err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(strings.NewReader(readAll(t, res))).ReadAll()
			if err != nil || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" || len(rows) != 11 || rows[0][0] != "Age at referral" || rows[10][0] != "Total" {
				t.Fatalf("CSV: %v %q", err, rows)
			}

			// The analyst sees every organisation's aggregates, small counts hidden; the API says the same.
			code, page = get(t, a.client(analyst), a.srv.URL+"/stats?org=all&from=2020-01-01&to=2030-12-31")
			if code != 200 {
				t.Fatalf("analyst stats: %d", code)
			}
			contains(t, page, "All organisations", "shown as &lt;5")
			code, body := a.call(a.token(analyst, waymark.RoleAnalyst), "GET", "/api/v1/stats?org=all&from=2020-01-01&to=2030-12-31", "")
			if code != 200 || body["org"] != "All organisations" || body["headline"] == nil || body["tables"] == nil {
				t.Fatalf("API: %d %v", code, body)
			}
			if code, body = a.call(a.token(analyst, waymark.RoleAnalyst), "GET", "/api/v1/stats?from=2026-13-01", ""); code != 422 || !strings.Contains(fmt.Sprint(body), "from") {
				t.Fatalf("bad date: %d %v", code, body)
			}

			if code, _ := get(t, a.client(socialWorker), a.srv.URL+"/stats"); code != http.StatusForbidden {
				t.Fatalf("social worker saw statistics: %d", code)
			}
			if code, _ := get(t, manager, a.srv.URL+"/stats?org=all"); code != http.StatusForbidden {
				t.Fatalf("manager saw every organisation: %d", code)
			}
		})
	}
}
