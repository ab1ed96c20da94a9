package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Period is a span of whole days, From and To inclusive, in the service's time zone.
type Period struct{ From, To time.Time }

// ParsePeriod reads from and to (YYYY-MM-DD) in loc; the error names the field at fault.
func ParsePeriod(from, to string, loc *time.Location) (Period, error) {
	var bad []waymark.FieldError
	parse := func(field, v string) time.Time {
		t, err := time.ParseInLocation(waymark.DateLayout, v, loc)
		if err != nil {
			bad = append(bad, waymark.FieldError{Field: field, Message: fmt.Sprintf("Enter a date as YYYY-MM-DD, not %q", v)})
		}
		return t
	}
	p := Period{parse("from", from), parse("to", to)}
	if len(bad) == 0 && p.To.Before(p.From) {
		bad = append(bad, waymark.FieldError{Field: "to", Message: "The end must not be before the start"})
	}
	if len(bad) > 0 {
		return p, &waymark.Error{Code: waymark.EINVALID, Message: "Please correct the period.", Fields: bad}
	}
	return p, nil
}

// end is the instant the period ends (midnight after To).
func (p Period) end() time.Time { return p.To.AddDate(0, 0, 1) }

func (p Period) contains(t time.Time) bool {
	return !t.IsZero() && !t.Before(p.From) && t.Before(p.end())
}

// Months is how many months the period covers: whole calendar months when it runs from the first
// of a month to the last day of one, else days × 12 ÷ 365.25.
func (p Period) Months() float64 {
	if p.From.Day() == 1 && p.end().Day() == 1 {
		return float64((p.end().Year()-p.From.Year())*12 + int(p.end().Month()) - int(p.From.Month()))
	}
	return math.Round(p.end().Sub(p.From).Hours()/24*12/365.25*100) / 100
}

func (p Period) shift(years int) Period {
	return Period{p.From.AddDate(years, 0, 0), p.To.AddDate(years, 0, 0)}
}

// before12 is the twelve months before the period starts: for a period from 1 April, the
// previous financial year.
func (p Period) before12() Period { return Period{p.From.AddDate(-1, 0, 0), p.From.AddDate(0, 0, -1)} }

// Count is a number of children or episodes; Hidden when suppressed (1 to 4, shown as "<5"), and
// then N is 0, so that nothing drawn or worked out from it can tell it.
type Count struct {
	N      int
	Hidden bool
}

func (c Count) String() string {
	if c.Hidden {
		return "<5"
	}
	return strconv.Itoa(c.N)
}

// MarshalJSON writes the number, or "<5" when suppressed.
func (c Count) MarshalJSON() ([]byte, error) {
	if c.Hidden {
		return []byte(`"<5"`), nil
	}
	return []byte(strconv.Itoa(c.N)), nil
}

// suppress hides a count of 1 to 4 and rounds any other to the nearest 5.
func (c *Count) suppress() {
	if c.N > 0 && c.N < 5 {
		c.N, c.Hidden = 0, true
		return
	}
	c.N = (c.N + 2) / 5 * 5
}

// shareOf is n's share of base, both as published: none where either is hidden.
func shareOf(n, base Count) *float64 {
	if n.Hidden || base.Hidden {
		return nil
	}
	return share(n.N, base.N)
}

// Row is one line of a breakdown: a count and its share of the table's base.
type Row struct {
	Key   string   `json:"key"`
	Label string   `json:"label"`
	Count Count    `json:"count"`
	Share *float64 `json:"share"` // of the base; null when suppressed
}

// Table is a breakdown of a base (the children referred, the episodes…) by one characteristic.
type Table struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Base  string `json:"base"`
	Total Count  `json:"total"`
	Rows  []Row  `json:"rows"`
}

// SurvivalPoint is a step of the Kaplan–Meier curve: the share of children not yet missing Day
// days after first contact, with those still observed and those going missing that day.
type SurvivalPoint struct {
	Day       int     `json:"day"`
	NotMissed float64 `json:"share_not_missing"`
	AtRisk    Count   `json:"at_risk"`
	Events    Count   `json:"went_missing"`
}

// Stats are the figures for one period and organisation (or all).
type Stats struct {
	From               string          `json:"from"`
	To                 string          `json:"to"`
	Org                string          `json:"org"`
	Referred           Count           `json:"referred"`
	Months             float64         `json:"months_covered"`
	AnnualRate         Count           `json:"annual_rate"`
	RateMethod         string          `json:"annual_rate_method"`
	Previous12         Count           `json:"previous_12_months"`
	Previous12From     string          `json:"previous_12_months_from"`
	Previous12To       string          `json:"previous_12_months_to"`
	SamePeriodLastYear Count           `json:"same_period_last_year"`
	WentMissing        Count           `json:"referred_went_missing"`
	WentMissingShare   *float64        `json:"referred_went_missing_share"`
	Episodes           Count           `json:"episodes"`
	ChildrenMissing    Count           `json:"children_missing"`
	StillMissing       Count           `json:"still_missing"`
	Repeat             Count           `json:"children_missing_repeatedly"`
	Returns            Count           `json:"returns"`
	InterviewsIn72h    Count           `json:"return_interviews_within_72h"`
	InterviewShare     *float64        `json:"return_interviews_within_72h_share"`
	MedianDays         *int            `json:"median_days_to_first_missing"`
	NRM                NRMStats        `json:"nrm"`
	Survival           []SurvivalPoint `json:"time_to_first_missing"`
	Tables             []Table         `json:"tables"`
	Headline           string          `json:"headline"`
	period             Period
}

// NRMStats are the period's National Referral Mechanism figures: referrals made, decisions made by
// outcome, and the median days from referral to each decision made in the period.
type NRMStats struct {
	Referred       Count `json:"referred"`
	RGPositive     Count `json:"reasonable_grounds_positive"`
	RGNegative     Count `json:"reasonable_grounds_negative"`
	CGPositive     Count `json:"conclusive_grounds_positive"`
	CGNegative     Count `json:"conclusive_grounds_negative"`
	MedianDaysToRG *int  `json:"median_days_to_reasonable_grounds"`
	MedianDaysToCG *int  `json:"median_days_to_conclusive_grounds"`
}

// add counts the referrals and decisions of the cases that fall in the period.
func (n *NRMStats) add(cases []*sqlstore.Case, p Period) {
	outcome := func(positive, negative *Count, o string) {
		switch o {
		case "positive":
			positive.N++
		case "negative":
			negative.N++
		}
	}
	var toRG, toCG []int
	for _, c := range cases {
		r := c.NRM
		if r == nil {
			continue
		}
		referred := p.day(r.ReferredOn)
		if p.contains(referred) {
			n.Referred.N++
		}
		if rg := p.day(r.RGDate); p.contains(rg) {
			outcome(&n.RGPositive, &n.RGNegative, r.RGOutcome)
			toRG = append(toRG, int(rg.Sub(referred).Hours()/24))
		}
		if cg := p.day(r.CGDate); p.contains(cg) {
			outcome(&n.CGPositive, &n.CGNegative, r.CGOutcome)
			toCG = append(toCG, int(cg.Sub(referred).Hours()/24))
		}
	}
	n.MedianDaysToRG, n.MedianDaysToCG = medianOf(toRG), medianOf(toCG)
}

// day reads a date kept as YYYY-MM-DD in the period's time zone; zero if it is not one.
func (p Period) day(s string) time.Time {
	t, err := time.ParseInLocation(waymark.DateLayout, s, p.From.Location())
	if err != nil {
		return time.Time{}
	}
	return t
}

// medianOf is the median of xs (the lower middle of an even count), nil when there are none.
func medianOf(xs []int) *int {
	if len(xs) == 0 {
		return nil
	}
	slices.Sort(xs)
	m := xs[(len(xs)-1)/2]
	return &m
}

// Compute works out the figures for period from the cases, observed until now.
func Compute(cases []*sqlstore.Case, p Period, now time.Time) *Stats {
	s := &Stats{From: p.From.Format(waymark.DateLayout), To: p.To.Format(waymark.DateLayout), Months: p.Months(), period: p,
		RateMethod: "children referred × 12 ÷ months covered"}
	prev := p.before12()
	s.Previous12From, s.Previous12To = prev.From.Format(waymark.DateLayout), prev.To.Format(waymark.DateLayout)
	observed := p.end()
	if now.Before(observed) {
		observed = now
	}
	var cohort, missed []*sqlstore.Case
	var firstMissing = map[*sqlstore.Case]time.Time{}
	var episodes []caseEpisode
	for _, c := range cases {
		switch {
		case p.contains(c.Referred):
			cohort = append(cohort, c)
			if first := firstEpisode(c, observed); !first.IsZero() {
				missed = append(missed, c)
				firstMissing[c] = first
			}
		case prev.contains(c.Referred):
			s.Previous12.N++
		}
		if p.shift(-1).contains(c.Referred) {
			s.SamePeriodLastYear.N++
		}
		started := 0
		for _, e := range c.Episodes {
			if !e.LastSeenAt.Before(observed) {
				continue
			}
			if p.contains(e.LastSeenAt) {
				episodes = append(episodes, caseEpisode{c, e})
				started++
			}
			if end := cmp.Or(e.ReturnedAt, e.FoundAt); end.IsZero() || !end.Before(observed) {
				s.StillMissing.N++
			}
			if p.contains(e.ReturnedAt) {
				s.Returns.N++
				if !e.InterviewAt.IsZero() && !e.InterviewAt.After(e.InterviewDue()) {
					s.InterviewsIn72h.N++
				}
			}
		}
		if started > 0 {
			s.ChildrenMissing.N++
		}
		if started > 1 {
			s.Repeat.N++
		}
	}
	s.Referred.N, s.WentMissing.N, s.Episodes.N = len(cohort), len(missed), len(episodes)
	s.AnnualRate.N = int(math.Round(float64(s.Referred.N) * 12 / s.Months))
	s.WentMissingShare = share(s.WentMissing.N, s.Referred.N)
	s.InterviewShare = share(s.InterviewsIn72h.N, s.Returns.N)
	s.Survival, s.MedianDays = kaplanMeier(cohort, firstMissing, observed)
	s.NRM.add(cases, p)
	s.Tables = breakdowns(cohort, missed, firstMissing, episodes)
	s.Headline = s.headline()
	return s
}

// caseEpisode is an episode with the child's case.
type caseEpisode struct {
	c *sqlstore.Case
	e *waymark.MissingEpisode
}

// firstEpisode is when a child first went missing after referral (before observed), or zero.
func firstEpisode(c *sqlstore.Case, observed time.Time) time.Time {
	for _, e := range c.Episodes { // earliest first
		if !e.LastSeenAt.Before(c.Referred) && e.LastSeenAt.Before(observed) {
			return e.LastSeenAt
		}
	}
	return time.Time{}
}

func share(n, of int) *float64 {
	if of == 0 {
		return nil
	}
	v := math.Round(float64(n)/float64(of)*1000) / 1000
	return &v
}

func days(d time.Duration) int { return int(d.Hours() / 24) }

// kaplanMeier estimates the share of the cohort not yet missing each day after referral;
// children not (yet) missing are censored when observation ends. The median is the first day the
// share falls to one half or below.
func kaplanMeier(cohort []*sqlstore.Case, first map[*sqlstore.Case]time.Time, observed time.Time) ([]SurvivalPoint, *int) {
	if len(cohort) == 0 {
		return nil, nil
	}
	type obs struct {
		day   int
		event bool
	}
	var all []obs
	for _, c := range cohort {
		if t, ok := first[c]; ok {
			all = append(all, obs{days(t.Sub(c.Referred)), true})
		} else {
			all = append(all, obs{days(observed.Sub(c.Referred)), false})
		}
	}
	slices.SortFunc(all, func(a, b obs) int { return a.day - b.day })
	curve := []SurvivalPoint{{Day: 0, NotMissed: 1, AtRisk: Count{N: len(all)}}}
	var median *int
	surv := 1.0
	for i := 0; i < len(all); {
		day, events, j := all[i].day, 0, i
		for ; j < len(all) && all[j].day == day; j++ {
			if all[j].event {
				events++
			}
		}
		if events > 0 {
			atRisk := len(all) - i
			surv *= 1 - float64(events)/float64(atRisk)
			curve = append(curve, SurvivalPoint{Day: day, NotMissed: math.Round(surv*10000) / 10000, AtRisk: Count{N: atRisk}, Events: Count{N: events}})
			if median == nil && surv <= 0.5 {
				median = &day
			}
		}
		i = j
	}
	return curve, median
}

// Suppress makes the figures safe for people who see aggregates only. Every count from 1 to 4 is
// hidden ("<5") and every other rounded to the nearest 5, so that no difference of two figures
// published (two periods that share all but a few children; a total less its other rows) comes
// to 1–4; shares are worked out from the rounded counts, which is all they can tell. The curve of
// time to first missing is shown only at the days by which at least five more children have gone
// missing since the last day shown, with those observed rounded: its steps, of one child or two,
// cannot be worked out from the shares beside the numbers observed.
func (s *Stats) Suppress() {
	rgs, cgs := s.NRM.RGPositive.N+s.NRM.RGNegative.N, s.NRM.CGPositive.N+s.NRM.CGNegative.N
	for _, c := range []*Count{&s.Referred, &s.Previous12, &s.SamePeriodLastYear, &s.WentMissing, &s.Episodes,
		&s.ChildrenMissing, &s.StillMissing, &s.Repeat, &s.Returns, &s.InterviewsIn72h,
		&s.NRM.Referred, &s.NRM.RGPositive, &s.NRM.RGNegative, &s.NRM.CGPositive, &s.NRM.CGNegative} {
		c.suppress()
	}
	if rgs < 5 { // a median of one to four decisions tells of those children
		s.NRM.MedianDaysToRG = nil
	}
	if cgs < 5 {
		s.NRM.MedianDaysToCG = nil
	}
	s.AnnualRate = Count{N: int(math.Round(float64(s.Referred.N) * 12 / s.Months)), Hidden: s.Referred.Hidden}
	s.AnnualRate.suppress()
	s.WentMissingShare, s.InterviewShare = shareOf(s.WentMissing, s.Referred), shareOf(s.InterviewsIn72h, s.Returns)
	if s.Referred.Hidden {
		s.Survival, s.MedianDays = nil, nil
	}
	s.Survival = coarse(s.Survival)
	for i := range s.Tables {
		t := &s.Tables[i]
		t.Total.suppress()
		for j := range t.Rows {
			t.Rows[j].Count.suppress()
			t.Rows[j].Share = shareOf(t.Rows[j].Count, t.Total)
		}
	}
	s.Headline = s.headline()
}

// coarse keeps the curve's first point and those by which five or more children have gone missing
// since the last point kept; each kept point counts those, rounded, and those observed, rounded.
func coarse(curve []SurvivalPoint) []SurvivalPoint {
	if len(curve) == 0 {
		return nil
	}
	out := []SurvivalPoint{curve[0]}
	out[0].AtRisk.suppress()
	since := 0
	for _, p := range curve[1:] {
		if since += p.Events.N; since < 5 {
			continue
		}
		p.Events = Count{N: since}
		p.Events.suppress()
		p.AtRisk.suppress()
		out, since = append(out, p), 0
	}
	return out
}

// For works out the figures as actor may see them: exact for a manager of the organisation,
// suppressed (counts 1 to 4 hidden) for anyone who sees aggregates only.
func For(a waymark.Actor, cases []*sqlstore.Case, p Period, now time.Time) *Stats {
	s := Compute(cases, p, now)
	if a.Role != waymark.RoleManager {
		s.Suppress()
	}
	return s
}

// CSV returns a table of the figures as CSV rows: "figures" (the headline numbers),
// "time_to_first_missing" (the Kaplan–Meier curve) or a breakdown by its name.
func CSV(s *Stats, name string) ([][]string, bool) {
	pct := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', 3, 64)
	}
	switch name {
	case "figures":
		rows := [][]string{{"figure", "value"}, {"from", s.From}, {"to", s.To}, {"organisation", s.Org},
			{"children referred", s.Referred.String()}, {"months covered", strconv.FormatFloat(s.Months, 'f', -1, 64)},
			{"annual rate (" + s.RateMethod + ")", s.AnnualRate.String()},
			{"previous 12 months (" + s.Previous12From + " to " + s.Previous12To + ")", s.Previous12.String()},
			{"same period last year", s.SamePeriodLastYear.String()}, {"referred who went missing", s.WentMissing.String()},
			{"share of referred who went missing", pct(s.WentMissingShare)}, {"missing episodes begun", s.Episodes.String()},
			{"children missing in the period", s.ChildrenMissing.String()}, {"missing more than once", s.Repeat.String()},
			{"still missing at the end", s.StillMissing.String()}, {"returns", s.Returns.String()},
			{"return interviews within 72 hours", s.InterviewsIn72h.String()}, {"share within 72 hours", pct(s.InterviewShare)},
			{"NRM referrals", s.NRM.Referred.String()},
			{"NRM reasonable grounds: positive", s.NRM.RGPositive.String()}, {"NRM reasonable grounds: negative", s.NRM.RGNegative.String()},
			{"NRM conclusive grounds: positive", s.NRM.CGPositive.String()}, {"NRM conclusive grounds: negative", s.NRM.CGNegative.String()},
			{"median days from referral to reasonable grounds", daysText(s.NRM.MedianDaysToRG)},
			{"median days from referral to conclusive grounds", daysText(s.NRM.MedianDaysToCG)}}
		if s.MedianDays != nil {
			rows = append(rows, []string{"median days from first contact to first missing", strconv.Itoa(*s.MedianDays)})
		}
		return rows, true
	case "time_to_first_missing":
		rows := [][]string{{"day", "share not missing", "at risk", "went missing"}}
		for _, p := range s.Survival {
			rows = append(rows, []string{strconv.Itoa(p.Day), strconv.FormatFloat(p.NotMissed, 'f', 4, 64), p.AtRisk.String(), p.Events.String()})
		}
		return rows, true
	}
	for _, t := range s.Tables {
		if t.Name == name {
			rows := [][]string{{t.Title, "count", "share of " + t.Base}}
			for _, r := range t.Rows {
				rows = append(rows, []string{r.Label, r.Count.String(), pct(r.Share)})
			}
			return append(rows, []string{"Total", t.Total.String(), ""}), true
		}
	}
	return nil, false
}

// daysText writes a number of days, or "" where there is none to give.
func daysText(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}
