package http_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
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

// Prints sent to a bureau are recorded in one step, from the child's page or the API, through the
// matcher: pending, asked today by the officer; a template that came with the prints is kept
// sealed, and one that is not a minutiae record is refused with the field named.
func TestAskBureau(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			tmpl := minutiae(21)
			c := &waymark.Child{GivenNames: "Ermias", FamilyName: "Template", Biometrics: []waymark.Biometric{
				{Kind: "fingerprint", Reference: "NX-2026-0077", Template: tmpl}, {Kind: "fingerprint", Reference: "NX-2026-0078"}}}
			if err := a.reg.CreateChild(ctx, a.actor(police), c, nil); err != nil {
				t.Fatal(err)
			}
			var sealed []byte
			if err := a.store.DB().QueryRow(`SELECT sealed FROM children WHERE id = $1`, c.ID).Scan(&sealed); err != nil || bytes.Contains(sealed, tmpl[:8]) {
				t.Fatalf("the template is not sealed (%v)", err)
			}
			officer := a.client(police)
			_, page := get(t, officer, a.srv.URL+"/children/"+c.ID)
			contains(t, page, "Template held (ISO/IEC 19794-2:2005), sealed", "I have asked IDENT1", `value="NX-2026-0077"`)
			if code, _, _ := postForm(t, a.client(otherCouncil), a.srv.URL+"/children/"+c.ID+"/bureau-searches/ask", url.Values{"bureau": {"ident1"}, "prints_ref": {"NX-2026-0077"}}); code != 403 {
				t.Fatalf("another council asked a bureau: %d", code)
			}
			for range 2 { // a double tap records one search
				if code, _, _ := postForm(t, officer, a.srv.URL+"/children/"+c.ID+"/bureau-searches/ask", url.Values{"bureau": {"ident1"}, "prints_ref": {"nx 2026 0077"}}); code != 303 {
					t.Fatalf("ask IDENT1: %d", code)
				}
			}
			if code, out := a.call(a.token(police, waymark.RolePolice), "GET", "/api/v1/children/"+c.ID+"/bureau-searches", ""); code != 200 || len(out["bureau_searches"].([]any)) != 1 {
				t.Fatalf("after a double tap: %d %v", code, out)
			}
			_, page = get(t, officer, a.srv.URL+"/children/"+c.ID)
			contains(t, page, "prints NX-2026-0077: <strong>Pending</strong>", "Prints taken, never searched</span> NX-2026-0078")

			token := a.token(police, waymark.RolePolice)
			code, out := a.call(token, "POST", "/api/v1/children/"+c.ID+"/bureau-searches/ask", `{"bureau": "iabs", "prints_ref": "NX-2026-0078"}`)
			if code != 201 || out["outcome"] != "pending" || out["bureau"] != "iabs" || out["asked_on"] != a.reg.Now().Format(waymark.DateLayout) {
				t.Fatalf("API ask: %d %v", code, out)
			}
			for body, field := range map[string]string{`{"bureau": "interpol", "prints_ref": "NX-2026-0078"}`: "bureau", `{"bureau": "iabs", "prints_ref": "NX-9"}`: "prints_ref"} {
				if code, out := a.call(token, "POST", "/api/v1/children/"+c.ID+"/bureau-searches/ask", body); code != 422 || errorField(out) != field {
					t.Errorf("%s: %d %v", body, code, out)
				}
			}
			code, out = a.call(token, "POST", "/api/v1/children", `{"given_names": "Bad", "biometrics": [{"kind": "fingerprint", "reference": "NX-1", "template": "JVBERi0xLjc="}]}`)
			if code != 422 || errorField(out) != "biometrics" || !strings.Contains(fmt.Sprint(out), "does not begin FMR") {
				t.Fatalf("a PDF as a template: %d %v", code, out)
			}
		})
	}
}

// minutiae is a synthetic finger minutiae record (ISO/IEC 19794-2:2005) of one view.
func minutiae(n int) []byte {
	b := []byte("FMR\x00 20\x00\x00\x00\x00\x00")
	b = append(b, 0, 0, 1, 0xf4, 1, 0xf4, 0, 197, 0, 197, 1, 0, 2, 0, 70, byte(n))
	for m := range n {
		b = append(b, 0x40, byte(m), 0, byte(2*m), byte(m), 50)
	}
	b = append(b, 0, 0)
	binary.BigEndian.PutUint32(b[8:12], uint32(len(b)))
	return b
}
