package identify_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/dna"
	"github.com/waymark-org/waymark/internal/identify"
)

// withDNA is a child recorded with a typed DNA sample.
func withDNA(id, name string, p dna.Profile) *waymark.Child {
	given, family, _ := strings.Cut(name, " ")
	return &waymark.Child{ID: id, Ref: strings.ToUpper(id), GivenNames: given, FamilyName: family, Sex: "M", DateOfBirth: "2009-03-03",
		Biometrics: []waymark.Biometric{{Kind: "dna", Reference: "S-" + id, LegalBasis: "consent", Profile: p.String()}}}
}

// A profile alone finds its child (full match: the likelihood ratio makes it strong), one allele
// off finds them too, said to be for the lab to review, a partial profile of a few loci gathers no one by itself,
// and a profile that differs counts against a child found by name.
func TestIdentifyByDNA(t *testing.T) {
	f := dna.Shipped()
	r := rand.New(rand.NewPCG(7, 7))
	e := registry(t, 2000)
	var profiles []dna.Profile
	for i := range 300 {
		p := f.Draw(r, f.Populations()[i%len(f.Populations())])
		profiles = append(profiles, p)
		e.Put(withDNA(fmt.Sprintf("d%03d", i), fmt.Sprintf("Kofi Mensah%d", i%7), p))
	}
	sought := profiles[42]
	near := dna.Profile{}
	for l, g := range sought {
		near[l] = g
	}
	g := near["FGA"]
	g[1] = "51.2" // a rare allele, where 21 or so was typed
	near["FGA"] = g
	few := dna.Profile{"TH01": sought["TH01"], "vWA": sought["vWA"], "FGA": sought["FGA"]}

	for _, tc := range []struct {
		name, level string
		q           dna.Profile
		strong      bool
	}{
		{"the full profile", "full", sought, true},
		{"one allele off", "near", near, true}, // 15 loci agree: a mistyped allele, for the lab to confirm
	} {
		got := e.Identify(&waymark.Child{Biometrics: []waymark.Biometric{{Kind: "dna", Profile: tc.q.String()}}}, 5)
		if len(got) == 0 || got[0].ChildID != "d042" {
			t.Fatalf("%s: %+v", tc.name, top(got, 3))
		}
		ev := got[0].Evidence[0]
		if ev.Field != identify.FieldDNA || ev.Level != tc.level || (got[0].Band == identify.Strong) != tc.strong ||
			tc.level == "near" && !strings.Contains(ev.Detail, "differs at FGA: for the lab to review") {
			t.Errorf("%s: %s, evidence %+v", tc.name, got[0].Band, got[0].Evidence)
		}
		if len(got) > 1 && got[1].Probability > 0.01 {
			t.Errorf("%s: another child is a candidate: %+v", tc.name, top(got, 3))
		}
	}
	if got := e.Identify(&waymark.Child{Biometrics: []waymark.Biometric{{Kind: "dna", Profile: few.String()}}}, 5); len(got) != 0 {
		t.Errorf("three loci gathered %d children", len(got))
	}
	// Found by name and birthday, a profile that is not theirs weighs against the child.
	q := &waymark.Child{GivenNames: "Kofi", FamilyName: "Mensah0", DateOfBirth: "2009-03-03", Sex: "M",
		Biometrics: []waymark.Biometric{{Kind: "dna", Profile: profiles[1].String()}}}
	seen := false
	for _, c := range e.Identify(q, 50) {
		if c.ChildID == "d000" {
			seen = true
			if c.Band == identify.Strong || !hasEvidence(c, identify.FieldDNA, "exclusion") {
				t.Errorf("an excluded child: %+v", c)
			}
		}
	}
	if !seen {
		t.Error("the child found by name and birthday is not a candidate")
	}
	// A child's record changed without the sample is no longer found by it.
	e.Put(&waymark.Child{ID: "d042", Ref: "D042", GivenNames: "Kofi", FamilyName: "Mensah0"})
	for _, c := range e.Identify(&waymark.Child{Biometrics: []waymark.Biometric{{Kind: "dna", Profile: sought.String()}}}, 5) {
		if c.ChildID == "d042" {
			t.Fatalf("found by a profile the record no longer holds: %+v", c)
		}
	}
}

func hasEvidence(c identify.Candidate, field, level string) bool {
	for _, ev := range c.Evidence {
		if ev.Field == field && ev.Level == level {
			return true
		}
	}
	return false
}
