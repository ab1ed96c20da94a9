package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/interchange"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/report"
)

// The subject access PDF reads as the child's file: who they are, each part of their history, and
// who read the record — names in their own script, what was withheld said to be.
func TestSubjectPDF(t *testing.T) {
	at := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	c := &waymark.Child{ID: "c1", Ref: "S-1", GivenNames: "Selam", FamilyName: "Tesfay", Sex: "F", DateOfBirth: "2010-04-02", Nationality: "ER",
		Aliases: []waymark.Name{{GivenNames: "ሰላም"}}, Concerns: registry.Redacted,
		Biometrics: []waymark.Biometric{{Kind: "dna", Reference: "LAB-1", LegalBasis: "consent", Profile: "TH01 6,9.3"}}}
	enc := &waymark.Encounter{Kind: "first_contact", At: at, Agency: "border", Place: "Dover Eastern Docks", Circumstances: "Arrived in a lorry"}
	s := &registry.Subject{Child: c, Contacts: []*waymark.Encounter{enc}, Redacted: true,
		Record: interchange.Export(c, []*waymark.Encounter{enc}, interchange.History{Placements: []*waymark.Placement{{Type: "foster", Start: at}}}),
		Links:  []*waymark.Link{{Role: "called_from", From: "2026-11-21", Entity: &waymark.Entity{Kind: "phone", Value: "+447700900777"}}},
		Bureau: []*waymark.BureauSearch{{Bureau: "ident1", AskedOn: "2026-11-22", PrintsRef: "NX-1", Outcome: "no_trace"}},
		Audit:  []audit.Entry{{At: at, Action: "child.view", ActorName: registry.Redacted}}}
	var b bytes.Buffer
	if err := report.SubjectPDF(&b, s, time.UTC, "printed by test"); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, b.Bytes())
	for _, want := range []string{"Subject access request", "what is about other people is withheld", "Selam Tesfay", "ሰላም", "Dover Eastern Docks",
		"Called from: Phone +447700900777", "IDENT1, prints NX-1: No trace", "Who viewed or changed the record", "[withheld: about another person]",
		"profile: TH01", "child.view", "Foster", "child reference S-1"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
}
