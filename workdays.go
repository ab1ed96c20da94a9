package waymark

import (
	"time"
	_ "time/tzdata" // the working day is England's wherever the service runs
)

// england is where working days are counted: the National Transfer Scheme's clock is English.
var england = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// AddWorkingDays returns the time n working days after t, at the same time of day in England:
// weekends and England's bank holidays are not counted.
func AddWorkingDays(t time.Time, n int) time.Time {
	d := t.In(england)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if WorkingDay(d) {
			n--
		}
	}
	return d.In(t.Location())
}

// WorkingDay reports whether the English date of t is a working day.
func WorkingDay(t time.Time) bool {
	d := t.In(england)
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return !BankHoliday(d.Year(), d.Month(), d.Day())
}

// BankHoliday reports whether a date is a bank holiday in England and Wales: the eight regular
// ones, moved off weekends as the rules move them, and the ones proclaimed for a single year.
func BankHoliday(year int, month time.Month, day int) bool {
	date := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	for _, h := range bankHolidays(year) {
		if h.Equal(date) {
			return true
		}
	}
	return false
}

// once are the bank holidays proclaimed for one year, and the regular ones they moved.
var once = map[int]struct{ add, drop []time.Time }{
	1995: {add: []time.Time{day(1995, 5, 8)}, drop: []time.Time{day(1995, 5, 1)}},                                     // VE Day, 50 years
	1999: {add: []time.Time{day(1999, 12, 31)}},                                                                       // the millennium
	2002: {add: []time.Time{day(2002, 6, 3), day(2002, 6, 4)}, drop: []time.Time{day(2002, 5, 27)}},                   // Golden Jubilee
	2011: {add: []time.Time{day(2011, 4, 29)}},                                                                        // a royal wedding
	2012: {add: []time.Time{day(2012, 6, 4), day(2012, 6, 5)}, drop: []time.Time{day(2012, 5, 28)}},                   // Diamond Jubilee
	2020: {add: []time.Time{day(2020, 5, 8)}, drop: []time.Time{day(2020, 5, 4)}},                                     // VE Day, 75 years
	2022: {add: []time.Time{day(2022, 6, 2), day(2022, 6, 3), day(2022, 9, 19)}, drop: []time.Time{day(2022, 5, 30)}}, // Platinum Jubilee; a state funeral
	2023: {add: []time.Time{day(2023, 5, 8)}},                                                                         // a coronation
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// bankHolidays lists a year's bank holidays in England and Wales, as dates at midnight UTC.
func bankHolidays(y int) []time.Time {
	easter := easterSunday(y)
	hs := []time.Time{
		weekdayOnOrAfter(day(y, 1, 1)),
		easter.AddDate(0, 0, -2), easter.AddDate(0, 0, 1),
		nthMonday(y, 5, 1), lastMonday(y, 5), lastMonday(y, 8),
	}
	// Christmas and Boxing Day: whichever falls on a weekend moves to the next free weekday.
	christmas := weekdayOnOrAfter(day(y, 12, 25))
	boxing := weekdayOnOrAfter(day(y, 12, 26))
	if !boxing.After(christmas) {
		boxing = weekdayOnOrAfter(christmas.AddDate(0, 0, 1))
	}
	hs = append(hs, christmas, boxing)
	if o, ok := once[y]; ok {
		hs = append(hs, o.add...)
		for _, d := range o.drop {
			for i, h := range hs {
				if h.Equal(d) {
					hs = append(hs[:i], hs[i+1:]...)
					break
				}
			}
		}
	}
	return hs
}

func weekdayOnOrAfter(d time.Time) time.Time {
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

func nthMonday(y int, m time.Month, n int) time.Time {
	d := day(y, m, 1)
	d = d.AddDate(0, 0, (int(time.Monday)-int(d.Weekday())+7)%7)
	return d.AddDate(0, 0, 7*(n-1))
}

func lastMonday(y int, m time.Month) time.Time {
	d := day(y, m+1, 1).AddDate(0, 0, -1)
	return d.AddDate(0, 0, -((int(d.Weekday()) - int(time.Monday) + 7) % 7))
}

// easterSunday is the Western Easter Sunday of year y (the anonymous Gregorian algorithm).
func easterSunday(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	return day(y, time.Month(month), (h+l-7*m+114)%31+1)
}
