package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// tally counts keys in the order given, then any others by count.
type tally struct {
	order  []string
	counts map[string]int
	label  func(string) string
}

func newTally(label func(string) string, order ...string) *tally {
	return &tally{order: order, counts: map[string]int{}, label: label}
}

func (t *tally) add(key string) { t.counts[key]++ }

func (t *tally) table(name, title, base string, total int) Table {
	tb := Table{Name: name, Title: title, Base: base, Total: Count{N: total}}
	keys := slices.Clone(t.order)
	var rest []string
	for k := range t.counts {
		if !slices.Contains(keys, k) {
			rest = append(rest, k)
		}
	}
	slices.SortFunc(rest, func(a, b string) int { return cmp.Or(t.counts[b]-t.counts[a], strings.Compare(a, b)) })
	for _, k := range append(keys, rest...) {
		tb.Rows = append(tb.Rows, Row{Key: k, Label: t.label(k), Count: Count{N: t.counts[k]}, Share: share(t.counts[k], total)})
	}
	return tb
}

// ageKeys are single years 12–17 and the bands either side.
var ageKeys = []string{"under_12", "12", "13", "14", "15", "16", "17", "18_and_over", "unknown"}

func ageKey(dob string, on time.Time) string {
	switch age := (&waymark.Child{DateOfBirth: dob}).Age(on); {
	case age < 0:
		return "unknown"
	case age < 12:
		return "under_12"
	case age >= 18:
		return "18_and_over"
	default:
		return fmt.Sprint(age)
	}
}

func ageLabel(k string) string {
	switch k {
	case "under_12":
		return "Under 12"
	case "18_and_over":
		return "18 and over"
	case "unknown":
		return "Not known"
	}
	return k
}

func sexLabel(k string) string {
	if k == "" {
		return "Not recorded"
	}
	return waymark.Label(k)
}

func countryLabel(k string) string { return cmp.Or(waymark.CountryName(k), "Not recorded") }

func codeLabel(k string) string { return cmp.Or(waymark.Label(k), "Not recorded") }

// placementAt is the kind of placement a child was in when an episode began.
func placementAt(c *sqlstore.Case, e *waymark.MissingEpisode) string {
	if e.PlacementType != "" {
		return e.PlacementType
	}
	for _, p := range slices.Backward(c.Placements) {
		if p.Current(e.LastSeenAt) {
			return p.Type
		}
	}
	return "none"
}

// exploitation is every type of exploitation a child's screenings found.
func exploitation(c *sqlstore.Case) []string {
	var out []string
	add := func(x string) {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	for _, s := range c.Screenings {
		for _, x := range s.Exploitation {
			add(x)
		}
	}
	for _, x := range c.Exploitation {
		add(x.Type)
	}
	return out
}

// networkTally counts the children linked to each kind of entity, and those who share an entity
// with another child of the cohort.
func networkTally(cohort []*sqlstore.Case) *tally {
	t := newTally(func(k string) string {
		if k == "shared" {
			return "Sharing one with another child"
		}
		return "Linked to a " + strings.ToLower(waymark.Label(k))
	}, append(slices.Clone(waymark.EntityKinds), "shared")...)
	children := map[string]map[string]bool{} // entity → the children linked to it
	for _, c := range cohort {
		for _, l := range c.Links {
			if children[l.EntityID] == nil {
				children[l.EntityID] = map[string]bool{}
			}
			children[l.EntityID][c.ChildID] = true
		}
	}
	for _, c := range cohort {
		kinds, shared := map[string]bool{}, false
		for _, l := range c.Links {
			kinds[l.Kind], shared = true, shared || len(children[l.EntityID]) > 1
		}
		for k := range kinds {
			t.add(k)
		}
		if shared {
			t.add("shared")
		}
	}
	return t
}

func breakdowns(cohort, missed []*sqlstore.Case, first map[*sqlstore.Case]time.Time, episodes []caseEpisode) []Table {
	atReferral, sex, nationality := newTally(ageLabel, ageKeys...), newTally(sexLabel, "M", "F", ""), newTally(countryLabel)
	exploited := newTally(codeLabel, waymark.ExploitationTypes...)
	linked := networkTally(cohort)
	for _, c := range cohort {
		atReferral.add(ageKey(c.DateOfBirth, c.Referred))
		sex.add(c.Sex)
		nationality.add(c.Nationality)
		for _, x := range exploitation(c) {
			exploited.add(x)
		}
	}
	atMissing := newTally(ageLabel, ageKeys...)
	for _, c := range missed {
		atMissing.add(ageKey(c.DateOfBirth, first[c]))
	}
	placement := newTally(codeLabel, append(slices.Clone(waymark.PlacementTypes), "none")...)
	found := newTally(codeLabel, append(slices.Clone(waymark.FoundCircumstances), "")...)
	for _, x := range episodes {
		placement.add(placementAt(x.c, x.e))
		found.add(x.e.FoundWhere)
	}
	placement.label = func(k string) string {
		if k == "none" {
			return "No placement recorded"
		}
		return waymark.Label(k)
	}
	found.label = func(k string) string { return cmp.Or(waymark.Label(k), "Not found, or not recorded") }
	return []Table{
		atReferral.table("age_at_referral", "Age at referral", "children referred", len(cohort)),
		atMissing.table("age_at_first_missing", "Age when first missing", "children referred who went missing", len(missed)),
		sex.table("sex", "Sex", "children referred", len(cohort)),
		nationality.table("nationality", "Nationality", "children referred", len(cohort)),
		exploited.table("exploitation", "Exploitation seen, at screening or since (a child may have several)", "children referred", len(cohort)),
		linked.table("network", "Linked to people, phones and places (a child may have several)", "children referred", len(cohort)),
		placement.table("placement_at_missing", "Placement when the episode began", "missing episodes begun in the period", len(episodes)),
		found.table("found", "Where found", "missing episodes begun in the period", len(episodes)),
	}
}

// headline is the sentence councils publish, from the figures; a suppressed count reads
// "fewer than 5".
func (s *Stats) headline() string {
	p := s.period
	n := func(c Count) string {
		if c.Hidden {
			return "fewer than 5"
		}
		return c.String()
	}
	between := p.From.Format("2 January")
	if p.From.Year() != p.To.Year() {
		between += p.From.Format(" 2006")
	}
	last := "in the 12 months before"
	if p.From.Day() == 1 && p.From.Month() == time.April {
		last = "last year"
	}
	victims := "children were" // recorded, not all screened with a trafficking concern
	if s.Referred.N == 1 && !s.Referred.Hidden {
		victims = "child was"
	}
	out := fmt.Sprintf("%s %s referred between %s and %s", n(s.Referred), victims, between, p.To.Format("2 January 2006"))
	if !s.AnnualRate.Hidden && s.Months != 12 {
		out += fmt.Sprintf(", an annual rate of about %d compared with %s %s", s.AnnualRate.N, n(s.Previous12), last)
	}
	out += fmt.Sprintf("; %s went missing", n(s.WentMissing))
	for _, t := range s.Tables {
		if t.Name != "age_at_first_missing" {
			continue
		}
		for _, r := range t.Rows {
			if r.Key == "17" && (r.Count.N > 0 || r.Count.Hidden) {
				out += fmt.Sprintf(", %s of them aged 17", n(r.Count))
			}
		}
	}
	return out + "."
}
