package waymark_test

import (
	"slices"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
)

func TestPlacementBreaks(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	start := now.AddDate(0, -1, 0)
	for _, tc := range []struct {
		name string
		p    waymark.Placement
		dob  string
		want []string
	}{
		{"foster care", waymark.Placement{Type: "foster"}, "2015-01-01", nil},
		{"a B&B at 17", waymark.Placement{Type: "bnb_hostel"}, "2009-06-01", []string{waymark.RuleBnBHostel}},
		{"a hotel at 15", waymark.Placement{Type: "hotel"}, "2011-06-01", []string{waymark.RuleHotel, waymark.RuleUnder16}},
		{"registered supported accommodation at 15", waymark.Placement{Type: "supported", OfstedURN: "2700123"}, "2011-06-01", []string{waymark.RuleUnder16}},
		{"registered supported accommodation at 16", waymark.Placement{Type: "supported", OfstedURN: "2700123"}, "2010-06-01", nil},
		{"unregistered supported accommodation at 17", waymark.Placement{Type: "supported"}, "2009-06-01", []string{waymark.RuleNotRegistered}},
		{"other arrangements, age not known", waymark.Placement{Type: "other"}, "", nil},
		{"turned 16 before it ended", waymark.Placement{Type: "other", End: now.AddDate(0, 0, -1)}, "2010-10-15", nil},
		{"ended before the 16th birthday", waymark.Placement{Type: "other", End: now.AddDate(0, 0, -20)}, "2010-10-15", []string{waymark.RuleUnder16}},
		{"supported accommodation before registration was required", waymark.Placement{Type: "supported", End: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)}, "2005-01-01", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.p.Start = start
			if got := tc.p.Breaks(tc.dob, now); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for _, r := range tc.want {
				if waymark.Rules[r] == "" {
					t.Fatalf("rule %s has no words", r)
				}
			}
		})
	}
}

func TestPlacementPostcode(t *testing.T) {
	for _, tc := range []struct {
		code, field string
	}{{"ne1 4st", ""}, {"SW1A1AA", ""}, {"12345", "postcode"}, {"NE1 4S", "postcode"}} {
		p := waymark.Placement{Type: "foster", Provider: "Carer", Start: time.Now(), Postcode: tc.code}
		err := p.Normalize(time.Now())
		got := ""
		if fs := waymark.ErrorFields(err); len(fs) > 0 {
			got = fs[0].Field
		}
		if got != tc.field {
			t.Errorf("%q: named %q, want %q", tc.code, got, tc.field)
		}
	}
}
