package identify

import (
	"testing"

	"github.com/waymark-org/waymark"
)

func TestDOBLevel(t *testing.T) {
	rec := FromChild(&waymark.Child{DateOfBirth: "2009-08-25"})
	for _, c := range []struct {
		dob  string
		est  bool
		want string
	}{
		{"2009-08-25", false, Exact},
		{"2009-25-08", false, ""}, // not a date: nothing to compare
		{"2009-07-25", false, WithinYear},
		{"2010-08-25", false, YearOut},
		{"2006-08-25", false, YearsApart}, // claims to be an adult, keeps the birthday
		{"2001-08-25", false, Disagree},
		{"2006-08-24", false, Disagree},
		{"2009-01-01", true, EstimateSameYear},
		{"2010-01-01", true, EstimateCompatible},
		{"2008-01-01", true, EstimateCompatible},
		{"2007-01-01", true, EstimateNear},
		{"", false, ""},
	} {
		q := FromChild(&waymark.Child{DateOfBirth: c.dob, DOBEstimated: c.est})
		if got := dobLevel(q, rec); got != c.want {
			t.Errorf("%s (estimated %v): %q, want %q", c.dob, c.est, got, c.want)
		}
	}
	swapped := FromChild(&waymark.Child{DateOfBirth: "2009-04-11"})
	if got := dobLevel(FromChild(&waymark.Child{DateOfBirth: "2009-11-04"}), swapped); got != DayMonthSwapped {
		t.Errorf("swapped: %q", got)
	}
	// 1 January is how an assessed age is written, flagged or not: it keeps a year, not a birthday.
	janFirst := FromChild(&waymark.Child{DateOfBirth: "2009-01-01"})
	for dob, want := range map[string]string{
		"2009-01-01": EstimateSameYear, "2010-01-01": EstimateCompatible, "2006-01-01": Disagree, "2009-06-30": EstimateSameYear,
	} {
		if got := dobLevel(FromChild(&waymark.Child{DateOfBirth: dob}), janFirst); got != want {
			t.Errorf("%s against 1 January 2009, not marked assessed: %q, want %q", dob, got, want)
		}
	}
}
