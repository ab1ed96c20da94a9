package report_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/report"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

func day(s string) time.Time {
	t, err := time.Parse(waymark.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func period(t *testing.T, from, to string) report.Period {
	t.Helper()
	p, err := report.ParsePeriod(from, to, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// council builds the headline example: 238 children referred in the financial year before (95 of
// them between April and August), then 107 between 1 April and 31 August 2026, of whom 25 went
// missing — 16 aged 17 when they did, 9 younger.
func council() []*sqlstore.Case {
	var cases []*sqlstore.Case
	add := func(referred time.Time, dob string) *sqlstore.Case {
		c := &sqlstore.Case{ChildID: fmt.Sprint(len(cases)), Ref: fmt.Sprintf("C%04d", len(cases)), Sex: "M", Nationality: "VN",
			DateOfBirth: dob, Referred: referred}
		cases = append(cases, c)
		return c
	}
	for i := range 238 {
		month := day("2025-04-01").AddDate(0, i%12, 0)
		if i < 95 {
			month = day("2025-04-01").AddDate(0, i%5, 0)
		} else if i%12 < 5 {
			month = day("2025-09-01").AddDate(0, i%7, 0)
		}
		add(month.AddDate(0, 0, i%28), "2010-06-01")
	}
	for i := range 107 {
		referred := day("2026-04-01").AddDate(0, i%5, i%28)
		dob := "2012-01-01" // 14
		if i < 16 {
			dob = "2009-01-01" // 17
		}
		c := add(referred, dob)
		if i < 25 {
			c.Episodes = []*waymark.MissingEpisode{{ChildID: c.ChildID, Kind: "missing", LastSeenAt: referred.Add(36 * time.Hour)}}
		}
	}
	return cases
}

func TestHeadlineExample(t *testing.T) {
	s := report.Compute(council(), period(t, "2026-04-01", "2026-08-31"), day("2026-10-01"))
	want := "107 children were referred between 1 April and 31 August 2026, an annual rate of about 257 " +
		"compared with 238 last year; 25 went missing, 16 of them aged 17."
	if s.Headline != want {
		t.Errorf("headline:\n got %s\nwant %s", s.Headline, want)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"referred", s.Referred.N, 107}, {"months", s.Months, 5.0}, {"annual rate", s.AnnualRate.N, 257},
		{"previous 12 months", s.Previous12.N, 238}, {"previous from", s.Previous12From, "2025-04-01"}, {"previous to", s.Previous12To, "2026-03-31"},
		{"same period last year", s.SamePeriodLastYear.N, 95}, {"went missing", s.WentMissing.N, 25},
		{"share", *s.WentMissingShare, 0.234}, {"episodes", s.Episodes.N, 25}, {"still missing", s.StillMissing.N, 25},
		{"median", s.MedianDays == nil, true}, // three in four never went missing
	} {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	ages := table(t, s, "age_at_first_missing")
	if ages["17"] != 16 || ages["14"] != 9 {
		t.Errorf("age at first missing: %v", ages)
	}
}

func table(t *testing.T, s *report.Stats, name string) map[string]int {
	t.Helper()
	for _, tb := range s.Tables {
		if tb.Name == name {
			out := map[string]int{}
			for _, r := range tb.Rows {
				out[r.Key] = r.Count.N
			}
			return out
		}
	}
	t.Fatalf("no table %s", name)
	return nil
}

// Six children: missing on days 2, 5, 5 and 10 after referral; one referred three days before the
// period ends and never missing (censored at day 3); one never missing all year (censored at 365).
// By hand: S(2) = 5/6; S(5) = 5/6 × (1 − 2/4) = 0.4167; S(10) = 0.4167 × (1 − 1/2) = 0.2083;
// the median is day 5.
func TestKaplanMeierByHand(t *testing.T) {
	jan1 := day("2026-01-01")
	missingAfter := func(id string, days int) *sqlstore.Case {
		return &sqlstore.Case{ChildID: id, Referred: jan1, Episodes: []*waymark.MissingEpisode{{LastSeenAt: jan1.AddDate(0, 0, days).Add(time.Hour)}}}
	}
	cases := []*sqlstore.Case{missingAfter("a", 2), missingAfter("b", 5), missingAfter("e", 5), missingAfter("f", 10),
		{ChildID: "d", Referred: day("2026-12-29")}, {ChildID: "g", Referred: jan1}}
	s := report.Compute(cases, period(t, "2026-01-01", "2026-12-31"), day("2027-02-01"))
	want := []report.SurvivalPoint{
		{Day: 0, NotMissed: 1, AtRisk: report.Count{N: 6}},
		{Day: 2, NotMissed: 0.8333, AtRisk: report.Count{N: 6}, Events: report.Count{N: 1}},
		{Day: 5, NotMissed: 0.4167, AtRisk: report.Count{N: 4}, Events: report.Count{N: 2}},
		{Day: 10, NotMissed: 0.2083, AtRisk: report.Count{N: 2}, Events: report.Count{N: 1}},
	}
	if len(s.Survival) != len(want) {
		t.Fatalf("curve: %+v", s.Survival)
	}
	for i, w := range want {
		g := s.Survival[i]
		if g.Day != w.Day || math.Abs(g.NotMissed-w.NotMissed) > 1e-4 || g.AtRisk != w.AtRisk || g.Events != w.Events {
			t.Errorf("point %d: got %+v, want %+v", i, g, w)
		}
	}
	if s.MedianDays == nil || *s.MedianDays != 5 {
		t.Errorf("median: %v", s.MedianDays)
	}
}

func TestReturnsRepeatsAndPlacement(t *testing.T) {
	may := day("2026-05-01")
	c := &sqlstore.Case{ChildID: "x", Referred: day("2026-04-02"), DateOfBirth: "2009-09-09",
		Placements: []*waymark.Placement{{Type: "bnb_hostel", Start: day("2026-04-02")}},
		Episodes: []*waymark.MissingEpisode{
			{ChildID: "x", LastSeenAt: may, FoundAt: may.Add(24 * time.Hour), ReturnedAt: may.Add(24 * time.Hour), Interview: waymark.Interview{InterviewAt: may.Add(48 * time.Hour)}, FoundWhere: "cannabis_farm"},
			{ChildID: "x", LastSeenAt: may.AddDate(0, 0, 10), FoundAt: may.AddDate(0, 0, 11), ReturnedAt: may.AddDate(0, 0, 11), Interview: waymark.Interview{InterviewAt: may.AddDate(0, 0, 20)}, FoundWhere: "brothel"},
			{ChildID: "x", LastSeenAt: may.AddDate(0, 1, 0)},
		},
		Screenings: []*waymark.Screening{{Exploitation: []string{"cannabis", "sexual"}}}}
	s := report.Compute([]*sqlstore.Case{c}, period(t, "2026-04-01", "2026-08-31"), day("2026-10-01"))
	if s.Episodes.N != 3 || s.ChildrenMissing.N != 1 || s.Repeat.N != 1 || s.StillMissing.N != 1 || s.Returns.N != 2 || s.InterviewsIn72h.N != 1 {
		t.Fatalf("episodes %d children %d repeat %d still %d returns %d in 72h %d", s.Episodes.N, s.ChildrenMissing.N, s.Repeat.N,
			s.StillMissing.N, s.Returns.N, s.InterviewsIn72h.N)
	}
	if *s.InterviewShare != 0.5 {
		t.Errorf("interview share %v", *s.InterviewShare)
	}
	if got := table(t, s, "placement_at_missing"); got["bnb_hostel"] != 3 {
		t.Errorf("placement at missing: %v", got)
	}
	if got := table(t, s, "found"); got["cannabis_farm"] != 1 || got["brothel"] != 1 || got[""] != 1 {
		t.Errorf("found: %v", got)
	}
	if got := table(t, s, "exploitation"); got["cannabis"] != 1 || got["sexual"] != 1 || got["labour"] != 0 {
		t.Errorf("exploitation: %v", got)
	}
}

func TestSuppression(t *testing.T) {
	cases := council()[:241] // the previous year's 238 and three of this year's
	s := report.Compute(cases, period(t, "2026-04-01", "2026-08-31"), day("2026-10-01"))
	s.Suppress()
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	body := strings.ReplaceAll(string(raw), `\u003c`, "<")
	for _, want := range []string{`"referred":"<5"`, `"annual_rate":"<5"`, `"previous_12_months":240`, `"referred_went_missing":"<5"`,
		`"referred_went_missing_share":null`, `"time_to_first_missing":null`} {
		if !strings.Contains(body, want) {
			t.Errorf("suppressed JSON lacks %s:\n%s", want, body)
		}
	}
	if !strings.HasPrefix(s.Headline, "fewer than 5 children were referred") || strings.Contains(s.Headline, "annual rate") {
		t.Errorf("headline: %s", s.Headline)
	}
	for _, tb := range s.Tables {
		for _, r := range tb.Rows {
			if r.Count.N > 0 && r.Count.N < 5 && (!r.Count.Hidden || r.Share != nil) {
				t.Errorf("%s/%s shows %d", tb.Name, r.Key, r.Count.N)
			}
		}
	}
}

// The curve of time to first missing, suppressed, cannot be worked back to steps of one to four
// children: its points are five or more children apart, and those observed are rounded.
func TestSuppressedCurveHidesSmallSteps(t *testing.T) {
	var cases []*sqlstore.Case
	referred := day("2026-04-01")
	for i := range 60 {
		c := &sqlstore.Case{ChildID: fmt.Sprint(i), Ref: fmt.Sprintf("C%04d", i), Referred: referred}
		if i < 23 { // one child a day goes missing for 23 days: steps of one
			c.Episodes = []*waymark.MissingEpisode{{ChildID: c.ChildID, Kind: "missing", LastSeenAt: referred.AddDate(0, 0, i+1)}}
		}
		cases = append(cases, c)
	}
	exact := report.Compute(cases, period(t, "2026-04-01", "2026-04-30"), day("2026-10-01"))
	s := report.Compute(cases, period(t, "2026-04-01", "2026-04-30"), day("2026-10-01"))
	s.Suppress()
	if len(exact.Survival) != 24 || len(s.Survival) != 5 {
		t.Fatalf("%d points exact, %d suppressed; want 24 and 5 (days 0, 5, 10, 15, 20)", len(exact.Survival), len(s.Survival))
	}
	for i, p := range s.Survival[1:] {
		prev := s.Survival[i]
		if p.Events.Hidden || p.Events.N < 5 || p.Events.N%5 != 0 || p.AtRisk.N%5 != 0 {
			t.Errorf("day %d: %v went missing of %v observed", p.Day, p.Events, p.AtRisk)
		}
		// What an analyst would work out: those gone missing since the last point, from the shares.
		if worked := float64(prev.AtRisk.N) * (1 - p.NotMissed/prev.NotMissed); worked > 0.5 && worked < 4.5 {
			t.Errorf("day %d: the shares give away a step of %.1f", p.Day, worked)
		}
	}
}

// Two periods that share all but three children: no published count differs by 1 to 4.
func TestSuppressionSurvivesDifferencing(t *testing.T) {
	cases := council()
	for i := range 3 {
		cases = append(cases, &sqlstore.Case{ChildID: fmt.Sprint("sep", i), Referred: day("2026-09-10"), Sex: "F", Nationality: "AL",
			Episodes: []*waymark.MissingEpisode{{Kind: "missing", LastSeenAt: day("2026-09-12")}}})
	}
	a := report.Compute(cases, period(t, "2026-04-01", "2026-08-31"), day("2026-10-01"))
	b := report.Compute(cases, period(t, "2026-04-01", "2026-09-30"), day("2026-10-01"))
	a.Suppress()
	b.Suppress()
	ra, _ := report.CSV(a, "figures")
	rb, _ := report.CSV(b, "figures")
	for i := range ra {
		x, errx := strconv.Atoi(ra[i][1])
		y, erry := strconv.Atoi(rb[i][1])
		if d := y - x; errx == nil && erry == nil && d >= 1 && d <= 4 && ra[i][0] != "months covered" {
			t.Errorf("%s: %d then %d: the three children's figure is %d", ra[i][0], x, y, d)
		}
	}
	if a.Referred.N%5 != 0 || b.Referred.N%5 != 0 {
		t.Errorf("referred %v and %v are not rounded", a.Referred, b.Referred)
	}
}

func TestPeriod(t *testing.T) {
	tests := []struct {
		from, to string
		months   float64
		bad      string
	}{
		{"2026-04-01", "2026-08-31", 5, ""},
		{"2025-04-01", "2026-03-31", 12, ""},
		{"2026-01-15", "2026-02-14", 1.02, ""},
		{"2026-08-31", "2026-04-01", 0, "to"},
		{"1 April", "2026-04-01", 0, "from"},
	}
	for _, tt := range tests {
		p, err := report.ParsePeriod(tt.from, tt.to, time.UTC)
		if tt.bad != "" {
			if fs := waymark.ErrorFields(err); len(fs) != 1 || fs[0].Field != tt.bad {
				t.Errorf("%s–%s: want a problem with %s, got %v", tt.from, tt.to, tt.bad, err)
			}
			continue
		}
		if err != nil || p.Months() != tt.months {
			t.Errorf("%s–%s: months %v (%v), want %v", tt.from, tt.to, p.Months(), err, tt.months)
		}
	}
}

// The NRM's figures: referrals and decisions in the period by outcome, and the median days from
// referral to each decision; suppressed as every other count.
func TestNRMFigures(t *testing.T) {
	var cases []*sqlstore.Case
	for i := range 7 {
		cases = append(cases, &sqlstore.Case{ChildID: fmt.Sprint(i), NRM: &waymark.NRMReferral{ReferredOn: "2026-05-01",
			RGOutcome: []string{"positive", "negative"}[i%2], RGDate: fmt.Sprintf("2026-05-%02d", 4+i)}})
	}
	cases[0].NRM.CGOutcome, cases[0].NRM.CGDate = "positive", "2026-07-15"
	cases = append(cases, &sqlstore.Case{ChildID: "old", NRM: &waymark.NRMReferral{ReferredOn: "2025-01-01", RGOutcome: "positive", RGDate: "2025-01-08"}})
	s := report.Compute(cases, period(t, "2026-04-01", "2026-08-31"), day("2026-10-01"))
	n := s.NRM
	if n.Referred.N != 7 || n.RGPositive.N != 4 || n.RGNegative.N != 3 || n.CGPositive.N != 1 || *n.MedianDaysToRG != 6 || *n.MedianDaysToCG != 75 {
		t.Fatalf("NRM figures %+v (median to RG %v)", n, n.MedianDaysToRG)
	}
	s.Suppress()
	if s.NRM.Referred.N != 5 || !s.NRM.RGNegative.Hidden || s.NRM.MedianDaysToRG == nil || s.NRM.MedianDaysToCG != nil {
		t.Fatalf("suppressed NRM figures %+v", s.NRM)
	}
}

// Exploitation seen outside a screening counts beside a screening's, once a child a type.
func TestExploitationCountsBeyondScreening(t *testing.T) {
	referred := day("2026-05-01")
	c := &sqlstore.Case{ChildID: "x", Referred: referred,
		Screenings:   []*waymark.Screening{{Date: referred, Outcome: "trafficking_concern", Exploitation: []string{"criminal"}}},
		Exploitation: []*waymark.ExploitationSeen{{Type: "county_lines", SeenOn: "2026-06-01"}, {Type: "criminal", SeenOn: "2026-06-02"}}}
	s := report.Compute([]*sqlstore.Case{c}, period(t, "2026-04-01", "2026-08-31"), day("2026-10-01"))
	counts := map[string]int{}
	for _, tb := range s.Tables {
		if tb.Name == "exploitation" {
			for _, r := range tb.Rows {
				counts[r.Key] = r.Count.N
			}
		}
	}
	if counts["criminal"] != 1 || counts["county_lines"] != 1 {
		t.Fatalf("exploitation counted %v", counts)
	}
}

// The children linked to each kind of entity, and those sharing one with another child, once each.
func TestNetworkCounts(t *testing.T) {
	referred := day("2026-05-01")
	cases := []*sqlstore.Case{
		{ChildID: "a", Referred: referred, Links: []sqlstore.CaseLink{{ChildID: "a", EntityID: "p1", Kind: "phone"}, {ChildID: "a", EntityID: "p2", Kind: "phone"}}},
		{ChildID: "b", Referred: referred, Links: []sqlstore.CaseLink{{ChildID: "b", EntityID: "p1", Kind: "phone"}, {ChildID: "b", EntityID: "x", Kind: "person"}}},
		{ChildID: "c", Referred: referred, Links: []sqlstore.CaseLink{{ChildID: "c", EntityID: "y", Kind: "person"}}},
		{ChildID: "d", Referred: referred},
	}
	s := report.Compute(cases, period(t, "2026-04-01", "2026-08-31"), day("2026-10-01"))
	if got := table(t, s, "network"); got["phone"] != 2 || got["person"] != 2 || got["shared"] != 2 || got["vehicle"] != 0 {
		t.Fatalf("network counted %v", got)
	}
}
