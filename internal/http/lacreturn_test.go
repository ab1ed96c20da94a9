package http_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

func TestReturnPageAndDownload(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			m := a.client(manager)
			start := time.Now().Add(-2 * time.Hour)
			year := collectionYear(start)

			// By default the page checks the last year to have ended.
			code, page := get(t, m, a.srv.URL+"/stats/return")
			if code != 200 {
				t.Fatalf("return page: %d", code)
			}
			contains(t, page, "Collection year", `value="`+collectionYear(time.Now().AddDate(-1, 0, 0))+`"`, "B&amp;B / hostel</td><td>P2")

			// The demo council's records for this year pass every rule: the page offers the files.
			_, page = get(t, m, a.srv.URL+"/stats/return?year="+year)
			contains(t, page, "Every check passes", "/stats/return.zip?year="+year)
			res, err := m.Get(a.srv.URL + "/stats/return.zip?year=" + year)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, res)
			z, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
			if err != nil || res.Header.Get("Content-Type") != "application/zip" || len(z.File) != 4 {
				t.Fatalf("zip: %d %v %s", res.StatusCode, err, res.Header.Get("Content-Type"))
			}

			// A child who went missing before anyone placed them is outside any period of care.
			act := a.actor(manager)
			c := &waymark.Child{GivenNames: "Test", FamilyName: "Unplaced", Sex: "F", DateOfBirth: "2010-05-05", Status: waymark.Status{Ethnicity: "WOTH"}}
			if err := a.reg.CreateChild(ctx, act, c, &waymark.Encounter{Kind: "first_contact", At: start.AddDate(0, 0, -1), Agency: "border"}); err != nil {
				t.Fatal(err)
			}
			if err := a.reg.ReportMissing(ctx, act, &waymark.MissingEpisode{ChildID: c.ID, Kind: "missing", LastSeenAt: start, Risk: "high"}); err != nil {
				t.Fatal(err)
			}
			_, page = get(t, m, a.srv.URL+"/stats/return?year="+year)
			contains(t, page, "The return fails 1 validation check", `<a href="/children/`+c.ID+`">`+c.Ref+`</a>`, "<td>WM2</td><td>Missing</td>")
			if strings.Contains(page, "return.zip") {
				t.Error("a failing return offers its files")
			}
			if code, _ := get(t, m, a.srv.URL+"/stats/return.zip?year="+year); code != http.StatusConflict {
				t.Fatalf("failing return downloaded: %d", code)
			}

			code, page = get(t, m, a.srv.URL+"/stats/return?year=2025")
			if code != http.StatusUnprocessableEntity || !strings.Contains(page, "Write the collection year as 2025-26") {
				t.Fatalf("bad year: %d", code)
			}
			for _, who := range []string{socialWorker, analyst} {
				if code, _ := get(t, a.client(who), a.srv.URL+"/stats/return.zip?year="+year); code != http.StatusForbidden {
					t.Errorf("%s downloaded child-level rows: %d", who, code)
				}
			}
		})
	}
}

// collectionYear is the collection year (e.g. 2025-26) that t falls in.
func collectionYear(t time.Time) string {
	y := t.AddDate(0, -3, 0).Year()
	return fmt.Sprintf("%d-%02d", y, (y+1)%100)
}
