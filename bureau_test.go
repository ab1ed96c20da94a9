package waymark_test

import (
	"slices"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
)

func TestBureauSearch(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	ok := waymark.BureauSearch{Bureau: "ident1", PrintsRef: "FP-1", AskedOn: "2026-12-01", AskedBy: "PC Test", Outcome: "pending"}
	for _, tc := range []struct {
		change func(*waymark.BureauSearch)
		bad    string
	}{
		{func(*waymark.BureauSearch) {}, ""},
		{func(b *waymark.BureauSearch) {
			b.Outcome, b.AnsweredOn, b.IdentifiedAs = "hit", "2026-12-02", "CRO 12345/26A"
		}, ""},
		{func(b *waymark.BureauSearch) { b.Outcome, b.AnsweredOn = "no_trace", "2026-12-02" }, ""},
		{func(b *waymark.BureauSearch) { b.Bureau = "fbi" }, "bureau"},
		{func(b *waymark.BureauSearch) { b.PrintsRef = "" }, "prints_ref"},
		{func(b *waymark.BureauSearch) { b.Outcome = "hit" }, "answered_on"},
		{func(b *waymark.BureauSearch) { b.Outcome, b.AnsweredOn = "hit", "2026-12-02" }, "identified_as"},
		{func(b *waymark.BureauSearch) { b.Outcome, b.AnsweredOn = "no_trace", "2026-11-30" }, "answered_on"},
		{func(b *waymark.BureauSearch) { b.AnsweredOn = "2026-12-02" }, "outcome"},
		{func(b *waymark.BureauSearch) { b.AskedOn = "2026-12-04" }, "asked_on"},
	} {
		b := ok
		tc.change(&b)
		got := ""
		if f := waymark.ErrorFields(b.Normalize(now)); len(f) > 0 {
			got = f[0].Field
		}
		if got != tc.bad {
			t.Errorf("%+v: problem with %q, want %q", b, got, tc.bad)
		}
	}
	c := &waymark.Child{Biometrics: []waymark.Biometric{{Kind: "fingerprint", Reference: "FP-1"}, {Kind: "fingerprint", Reference: "FP-2"}, {Kind: "dna", Reference: "D-1"}}}
	if got := waymark.UnsearchedPrints(c, []*waymark.BureauSearch{&ok}); !slices.Equal(got, []string{"FP-2"}) {
		t.Fatalf("unsearched prints: %v", got)
	}
}
