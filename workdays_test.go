package waymark

import (
	"slices"
	"testing"
	"time"
)

// The years' bank holidays as GOV.UK publishes them for England and Wales.
func TestBankHolidays(t *testing.T) {
	for year, want := range map[int][]string{
		2020: {"01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"},
		2021: {"01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"},
		2022: {"01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26", "12-27"},
		2023: {"01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"},
		2026: {"01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"},
		2027: {"01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"},
		2028: {"01-03", "04-14", "04-17", "05-01", "05-29", "08-28", "12-25", "12-26"},
	} {
		var got []string
		for d := day(year, 1, 1); d.Year() == year; d = d.AddDate(0, 0, 1) {
			if BankHoliday(year, d.Month(), d.Day()) {
				got = append(got, d.Format("01-02"))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%d: bank holidays %v, want %v", year, got, want)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-12-02 10:00", 10, "2026-12-16 10:00"}, // two plain weeks
		{"2026-12-18 15:30", 10, "2027-01-06 15:30"}, // Christmas, Boxing Day (moved to Monday 28th), New Year
		{"2026-12-19 09:00", 1, "2026-12-21 09:00"},  // asked on a Saturday: Monday is the first working day
		{"2027-03-24 12:00", 5, "2027-04-02 12:00"},  // Good Friday and Easter Monday
		{"2026-03-27 23:30", 10, "2026-04-14 23:30"}, // Easter, and the clocks go forward: the same time of day in England
		{"2026-12-02 10:00", 0, "2026-12-02 10:00"},
	} {
		from, _ := time.ParseInLocation("2006-01-02 15:04", tc.from, london)
		if got := AddWorkingDays(from.UTC(), tc.n).In(london).Format("2006-01-02 15:04"); got != tc.want {
			t.Errorf("%s + %d working days = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
}
