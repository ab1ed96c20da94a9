package http_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// Prints taken and never searched show on the child's page until a bureau search is recorded; an
// empty form names its fields; another council may not record one; the API lists the searches and
// the prints still unsearched.
func TestBureauSearches(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			c := &waymark.Child{GivenNames: "Ermias", FamilyName: "Prints", Biometrics: []waymark.Biometric{{Kind: "fingerprint", Reference: "NX-2026-0042"}}}
			if err := a.reg.CreateChild(ctx, a.actor(police), c, nil); err != nil {
				t.Fatal(err)
			}
			officer := a.client(police)
			_, page := get(t, officer, a.srv.URL+"/children/"+c.ID)
			contains(t, page, "Prints taken, never searched", "NX-2026-0042", "Record a bureau search")
			code, _, page := postForm(t, officer, a.srv.URL+"/children/"+c.ID+"/bureau-searches", url.Values{"outcome": {"pending"}, "asked_by": {"PC Ama Test"}})
			if code != 422 {
				t.Fatalf("an empty bureau search: %d", code)
			}
			contains(t, page, `href="#bureau"`, `href="#prints_ref"`, `href="#asked_on"`, `value="PC Ama Test"`)
			search := url.Values{"bureau": {"ident1"}, "prints_ref": {"NX-2026-0042"}, "asked_on": {"2026-12-01"}, "asked_by": {"PC Ama Test"},
				"outcome": {"hit"}, "answered_on": {"2026-12-02"}, "identified_as": {"CRO 004217/25X"}, "note": {"Arrested as an adult in 2025 under another name"}}
			if code, _, _ := postForm(t, a.client(otherCouncil), a.srv.URL+"/children/"+c.ID+"/bureau-searches", search); code != 403 {
				t.Fatalf("another council recorded a bureau search: %d", code)
			}
			if code, _, _ := postForm(t, officer, a.srv.URL+"/children/"+c.ID+"/bureau-searches", search); code != 303 {
				t.Fatalf("bureau search: %d", code)
			}
			_, page = get(t, officer, a.srv.URL+"/children/"+c.ID)
			contains(t, page, "IDENT1", "A record matched", "CRO 004217/25X")
			if strings.Contains(page, "Prints taken, never searched") {
				t.Error("searched prints still flagged")
			}
			var note string
			if err := a.store.DB().QueryRow(`SELECT note FROM bureau_searches WHERE child_id = $1`, c.ID).Scan(&note); err != nil || strings.Contains(note, "Arrested") {
				t.Fatalf("the note is not sealed: %q %v", note, err)
			}
			code, out := a.call(a.token(police, waymark.RolePolice), "GET", "/api/v1/children/"+c.ID+"/bureau-searches", "")
			if list, _ := out["bureau_searches"].([]any); code != 200 || len(list) != 1 || len(out["unsearched_prints"].([]any)) != 0 {
				t.Fatalf("API: %d %v", code, out)
			}
		})
	}
}
