package http_test

import (
	"io"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/dna"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// A profile typed on the first-contact form is checked locus by locus (a bad one kept as typed,
// its fault named), sealed, and found again by the identify page and the API from the profile
// alone, written another way, the lab report written another way.
func TestDNAProfileRecordedAndFound(t *testing.T) {
	p := dna.Shipped().Draw(rand.New(rand.NewPCG(3, 30)), "White - EA1 & EA2")
	typed := strings.ReplaceAll(p.String(), "; ", "\n") // a line a locus, as a lab report lists them
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			c := a.client(socialWorker)
			fields := url.Values{"given_names": {"Bashir"}, "family_name": {"Ahmadi"}, "sex": {"M"}, "date_of_birth": {"2009-05-06"},
				"kind": {"first_contact"}, "at": {"2026-11-20T03:10"}, "agency": {"council"}, "confirm_new": {"1"},
				"dna_ref": {"LAB-2026-0099"}, "dna_lab": {"Forensic lab"}, "dna_basis": {"Consent of the child and his guardian"},
				"dna_kit": {"PowerPlex ESI 17"}, "dna_profile": {"TH01 6,99.9.9\nFGA 21"}}
			ct, body := multipartForm(t, fields, nil)
			res, err := c.Post(a.srv.URL+"/children", ct, body)
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 422 {
				t.Fatalf("a bad profile: %d", res.StatusCode)
			}
			contains(t, string(page), `href="#dna_profile"`, `TH01: &#34;99.9.9&#34; is not an allele`, "TH01 6,99.9.9\nFGA 21</textarea>", `value="PowerPlex ESI 17"`)

			fields.Set("dna_profile", typed)
			ct, body = multipartForm(t, fields, nil)
			if res, err = c.Post(a.srv.URL+"/children", ct, body); err != nil || res.StatusCode != 303 {
				t.Fatalf("the child with a profile: %v %v", res.StatusCode, err)
			}
			res.Body.Close()
			id, _, _ := strings.Cut(strings.TrimPrefix(res.Header.Get("Location"), "/children/"), "?")
			var facts string
			var sealed []byte
			if err := a.store.DB().QueryRow(`SELECT facts, sealed FROM children WHERE id = $1`, id).Scan(&facts, &sealed); err != nil ||
				strings.Contains(facts+string(sealed), "D3S1358") {
				t.Fatalf("the profile is stored in the clear (%v)", err)
			}

			_, view := get(t, c, a.srv.URL+"/children/"+id)
			contains(t, view, "LAB-2026-0099", "Profile (PowerPlex ESI 17):", "D3S1358 "+p["D3S1358"][0])

			probe := url.Values{"dna_profile": {strings.ReplaceAll(strings.ToLower(p.String()), ",", "/")}}
			code, _, found := postForm(t, a.client(police), a.srv.URL+"/identify", probe)
			if code != 200 {
				t.Fatalf("identify: %d", code)
			}
			contains(t, found, "1 possible match", "strong match", "Full DNA match", "16 loci agree", "likelihood ratio more than a billion")

			token := a.token(police, waymark.RolePolice)
			code, out := a.call(token, "POST", "/api/v1/identify", `{"biometrics": [{"kind": "dna", "profile": "`+p.String()+`"}]}`)
			if cands, _ := out["candidates"].([]any); code != 200 || len(cands) != 1 || cands[0].(map[string]any)["child_id"] != id {
				t.Fatalf("API identify by DNA: %d %v", code, out)
			}
			if code, out := a.call(token, "POST", "/api/v1/identify", `{"biometrics": [{"kind": "dna", "profile": "TH01 six"}]}`); code != 422 || errorField(out) != "dna_profile" {
				t.Fatalf("API, a bad profile: %d %v", code, out)
			}
		})
	}
}
