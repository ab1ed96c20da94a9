package report

import (
	"slices"
	"time"

	"github.com/waymark-org/waymark"
)

// Rule is one of the return guide's validation rules for the tables Waymark writes. Codes are the
// guide's; WM codes are requirements the guide states (a missing episode lies within a period of
// care, episodes do not overlap, UASC status ends by 18) whose rule number we have not confirmed.
type Rule struct {
	Code, Table, Message string
	broken               func(r *Return) []string // references of the children that break it
}

// Failure is one child breaking one rule.
type Failure struct {
	Code    string `json:"rule"`
	Table   string `json:"table"`
	Child   string `json:"child"`
	Message string `json:"message"`
}

// Rules are run by Validate, in this order.
var Rules = []Rule{
	{"101", "Header", "Gender code is not valid.", func(r *Return) []string {
		return refs(r.Header, func(h HeaderRow) bool { return h.Sex != "1" && h.Sex != "2" }, HeaderRow.child)
	}},
	{"102", "Header", "Date of birth is not a valid date.", func(r *Return) []string {
		return refs(r.Header, func(h HeaderRow) bool { return !validDMY(h.DOB) }, HeaderRow.child)
	}},
	{"103", "Header", "Ethnicity is not recorded: record it on the child's record (Edit identity facts, Looked after).", func(r *Return) []string {
		return refs(r.Header, func(h HeaderRow) bool { return !slices.Contains(waymark.Codes(waymark.Ethnicities), h.Ethnic) }, HeaderRow.child)
	}},
	{"141", "Episodes", "Date episode began is not a valid date.", func(r *Return) []string {
		return refs(r.Episodes, func(e EpisodeRow) bool { return e.DECOM.IsZero() }, EpisodeRow.child)
	}},
	{"144", "Episodes", "Legal status is not recorded: record it on the child's record (Edit identity facts, Looked after).", func(r *Return) []string {
		return refs(r.Episodes, func(e EpisodeRow) bool { return !slices.Contains(waymark.Codes(waymark.LegalStatuses), e.LS) }, EpisodeRow.child)
	}},
	{"145", "Episodes", "Category of need is not recorded: record it on the child's record (Edit identity facts, Looked after).", func(r *Return) []string {
		return refs(r.Episodes, func(e EpisodeRow) bool { return !slices.Contains(waymark.Codes(waymark.CategoriesOfNeed), e.CIN) }, EpisodeRow.child)
	}},
	{"WM4", "Episodes", "A placement's provider is not recorded: record who provides it on the placement.", func(r *Return) []string {
		return refs(r.Episodes, func(e EpisodeRow) bool { return e.Provider == "" }, EpisodeRow.child)
	}},
	{"WM5", "Episodes", "A placement's postcode is not recorded: record it on the placement.", func(r *Return) []string {
		return refs(r.Episodes, func(e EpisodeRow) bool { return e.PlPost == "" }, EpisodeRow.child)
	}},
	{"146", "Episodes", "Placement type code is not a valid code.", func(r *Return) []string {
		return refs(r.Episodes, func(e EpisodeRow) bool { return !slices.Contains(validPlaces, e.Place) }, EpisodeRow.child)
	}},
	{"356", "Episodes", "The date the episode ceased is before the date the same episode started.", func(r *Return) []string {
		return refs(r.Episodes, func(e EpisodeRow) bool { return !e.DEC.IsZero() && e.DEC.Before(e.DECOM) }, EpisodeRow.child)
	}},
	{"WM1", "Episodes", "Episodes overlap: an episode begins before the previous one has ended.", overlapping},
	{"1004", "Missing", "The start date of the missing episode or episode that the child was away from placement without authorisation is not a valid date.", func(r *Return) []string {
		return refs(r.Missing, func(m MissingRow) bool { return m.Start.IsZero() }, MissingRow.child)
	}},
	{"1006", "Missing", "Missing type invalid.", func(r *Return) []string {
		return refs(r.Missing, func(m MissingRow) bool { return m.Missing != "M" && m.Missing != "A" }, MissingRow.child)
	}},
	{"567", "Missing", "The date that the missing episode or episode that the child was away from placement without authorisation ended is before the date that it started.", func(r *Return) []string {
		return refs(r.Missing, func(m MissingRow) bool { return !m.End.IsZero() && m.End.Before(m.Start) }, MissingRow.child)
	}},
	{"571", "Missing", "The date that the child ceased to be missing or away from placement without authorisation is before the start or after the end of the collection year.", func(r *Return) []string {
		return refs(r.Missing, func(m MissingRow) bool { return !m.End.IsZero() && !r.Year.contains(m.End) }, MissingRow.child)
	}},
	{"WM2", "Missing", "The missing episode does not lie within a period of care: no episode was open on the day it began.", func(r *Return) []string {
		return refs(r.Missing, func(m MissingRow) bool { return !r.lookedAfter(m.Child, m.Start) }, MissingRow.child)
	}},
	{"WM3", "UASC", "The date UASC status ceased is after the child's 18th birthday.", func(r *Return) []string {
		return refs(r.UASC, func(u UASCRow) bool {
			dob, err := time.Parse("02/01/2006", u.DOB)
			return err == nil && !u.DUC.IsZero() && u.DUC.After(dob.AddDate(18, 0, 0))
		}, UASCRow.child)
	}},
}

func (h HeaderRow) child() string  { return h.Child }
func (e EpisodeRow) child() string { return e.Child }
func (m MissingRow) child() string { return m.Child }
func (u UASCRow) child() string    { return u.Child }

// refs are the children of the rows that are bad.
func refs[R any](rows []R, bad func(R) bool, child func(R) string) []string {
	var out []string
	for _, row := range rows {
		if bad(row) {
			out = append(out, child(row))
		}
	}
	return out
}

func validDMY(s string) bool {
	_, err := time.Parse("02/01/2006", s)
	return err == nil
}

// lookedAfter reports whether one of the child's episodes was open on day t.
func (r *Return) lookedAfter(child string, t time.Time) bool {
	return slices.ContainsFunc(r.Episodes, func(e EpisodeRow) bool {
		return e.Child == child && !e.DECOM.After(t) && (e.DEC.IsZero() || !e.DEC.Before(t))
	})
}

// overlapping finds children with an episode that begins before the one before it has ended
// (an episode may begin the day the previous one ends).
func overlapping(r *Return) []string {
	var out []string
	for i, e := range r.Episodes {
		for _, f := range r.Episodes[i+1:] {
			if f.Child == e.Child && f.DECOM.Before(laterEnd(e)) && e.DECOM.Before(laterEnd(f)) {
				out = append(out, e.Child)
			}
		}
	}
	return out
}

// laterEnd is when an episode ends, far in the future while it is open.
func laterEnd(e EpisodeRow) time.Time {
	if e.DEC.IsZero() {
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return e.DEC
}

// Warnings are what the return is right to contain but someone must know: a placement that broke a
// rule for the child (unsuitable, or unlawful), and a collection year not yet over.
func (r *Return) Warnings() []Failure {
	var out []Failure
	if r.Made.Before(r.Year.end()) {
		out = append(out, Failure{"W1", "All", "", "The collection year is not over: this is the year so far, not its return."})
	}
	for _, e := range r.Episodes {
		for _, rule := range e.Breaks {
			out = append(out, Failure{"W2", "Episodes", e.Child, waymark.Rules[rule]})
		}
	}
	return out
}

// Validate runs every rule; a child breaking a rule in several rows is named once for it.
func (r *Return) Validate() []Failure {
	var out []Failure
	for _, rule := range Rules {
		seen := map[string]bool{}
		for _, child := range rule.broken(r) {
			if !seen[child] {
				seen[child] = true
				out = append(out, Failure{rule.Code, rule.Table, child, rule.Message})
			}
		}
	}
	return out
}
