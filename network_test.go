package waymark_test

import (
	"slices"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
)

func TestEntitySearchKeys(t *testing.T) {
	for _, tc := range []struct {
		kind, value string
		name        string
		others      []string
		bad         string // the field named when the value is refused
	}{
		{"phone", "07700 900123", "phone:+447700900123", nil, ""},
		{"phone", "+44 (0)7700-900123", "phone:+447700900123", nil, ""},
		{"phone", "call me", "", nil, "value"},
		{"phone", "0044 7700 900123", "phone:+447700900123", nil, ""},
		{"vehicle", "ns19 kxr", "vehicle:NS19KXR", nil, ""},
		{"vehicle", "NS19 KXR ZZZ", "", nil, "value"},
		{"handle", "@Big_K", "handle:big_k", nil, ""},
		{"address", "12 Mill Lane,  Eastport ep1 2ab", "address:12 mill lane eastport ep1 2ab", []string{"postcode:EP12AB"}, ""},
		{"premises", "Sparkle Car Wash, NS4 7QT", "", []string{"postcode:NS47QT"}, ""},
		{"person", "Uncle Tran", "", nil, ""},
		{"planet", "Mars", "", nil, "kind"},
		{"person", "  ", "", nil, "value"},
	} {
		e := &waymark.Entity{Kind: tc.kind, Value: tc.value}
		err := e.Normalize()
		if tc.bad != "" {
			if f := waymark.ErrorFields(err); len(f) == 0 || f[0].Field != tc.bad {
				t.Errorf("%s %q: %v, want a problem with %s", tc.kind, tc.value, err, tc.bad)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %q: %v", tc.kind, tc.value, err)
			continue
		}
		if name, others := e.SearchKeys(); name != tc.name || !slices.Equal(others, tc.others) {
			t.Errorf("%s %q: keys %q %q, want %q %q", tc.kind, tc.value, name, others, tc.name, tc.others)
		}
	}
}

func TestLinkRoleSuitsTheEntity(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		kind, role, from, to string
		bad                  string
	}{
		{"address", "lived_at", "2026-11-01", "", ""},
		{"phone", "lived_at", "2026-11-01", "", "role"},
		{"person", "cawn", "2026-11-01", "2026-11-30", ""},
		{"vehicle", "transported_in", "2026-12-04", "", "from"},
		{"person", "associate", "2026-11-01", "2026-10-01", "to"},
	} {
		l := &waymark.Link{Role: tc.role, From: tc.from, To: tc.to, Source: "disclosure", Confidence: "possible"}
		err := l.Normalize(tc.kind, now)
		got := ""
		if f := waymark.ErrorFields(err); len(f) > 0 {
			got = f[0].Field
		}
		if got != tc.bad {
			t.Errorf("%s %s %s–%s: problem with %q, want %q (%v)", tc.kind, tc.role, tc.from, tc.to, got, tc.bad, err)
		}
	}
}

func FuzzEntityNormalize(f *testing.F) {
	for _, s := range []string{"07700 900123", "ns19 kxr", "@x", "12 Mill Lane EP1 2AB", "=cmd|' /C calc'!A0", "\x00"} {
		f.Add("phone", s)
		f.Add("address", s)
	}
	f.Fuzz(func(t *testing.T, kind, value string) {
		e := &waymark.Entity{Kind: kind, Value: value}
		if err := e.Normalize(); err != nil {
			if waymark.ErrorCode(err) != waymark.EINVALID {
				t.Fatalf("not a field problem: %v", err)
			}
			return
		}
		again := *e
		if err := again.Normalize(); err != nil || again.Value != e.Value {
			t.Fatalf("normalising twice changed %q to %q (%v)", e.Value, again.Value, err)
		}
	})
}

func TestBureauSearch(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	ok := waymark.BureauSearch{Bureau: "ident1", PrintsRef: "FP-1", AskedOn: "2026-12-01", AskedBy: "PC Test", Outcome: "pending"}
	for _, tc := range []struct {
		change func(*waymark.BureauSearch)
		bad    string
	}{
		{func(*waymark.BureauSearch) {}, ""},
		{func(b *waymark.BureauSearch) { b.Outcome, b.AnsweredOn, b.IdentifiedAs = "hit", "2026-12-02", "CRO 12345/26A" }, ""},
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
