package waymark_test

import (
	"testing"
	"time"

	"github.com/waymark-org/waymark"
)

func TestNRMReferral(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		n     waymark.NRMReferral
		field string
	}{
		{"referred", waymark.NRMReferral{ReferredOn: "2026-11-20", Authority: "sca", ChildTold: true}, ""},
		{"no date", waymark.NRMReferral{}, "referred_on"},
		{"in the future", waymark.NRMReferral{ReferredOn: "2026-12-03"}, "referred_on"},
		{"RG before the referral", waymark.NRMReferral{ReferredOn: "2026-11-20", RGOutcome: "positive", RGDate: "2026-11-19"}, "rg_date"},
		{"RG outcome without its date", waymark.NRMReferral{ReferredOn: "2026-11-20", RGOutcome: "positive"}, "rg_outcome"},
		{"CG after a negative RG", waymark.NRMReferral{ReferredOn: "2026-10-01", RGOutcome: "negative", RGDate: "2026-10-05", CGOutcome: "positive", CGDate: "2026-11-20"}, "cg_outcome"},
		{"an unknown authority", waymark.NRMReferral{ReferredOn: "2026-11-20", Authority: "home_office"}, "competent_authority"},
		{"decided", waymark.NRMReferral{ReferredOn: "2026-10-01", RGOutcome: "positive", RGDate: "2026-10-05", CGOutcome: "positive", CGDate: "2026-11-20"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.n.Normalize(now)
			got := ""
			if fs := waymark.ErrorFields(err); len(fs) > 0 {
				got = fs[0].Field
			}
			if got != tc.field {
				t.Fatalf("named %q (%v), want %q", got, err, tc.field)
			}
		})
	}
	// Five working days from a Friday before Christmas: the bank holidays are not counted.
	n := waymark.NRMReferral{ReferredOn: "2026-12-18"}
	if due := n.RGDue().Format(waymark.DateLayout); due != "2026-12-29" {
		t.Errorf("RG due %s, want 2026-12-29", due)
	}
	early := waymark.NRMReferral{RGDate: "2026-10-05", CGDate: "2026-10-20"}
	late := waymark.NRMReferral{RGDate: "2026-10-05", CGDate: "2026-11-20"}
	if !early.CGEarly() || late.CGEarly() {
		t.Error("CG before 30 days' recovery is not told apart")
	}
}
