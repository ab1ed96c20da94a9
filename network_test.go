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
