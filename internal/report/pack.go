// Package report turns the registry's records into documents for people outside it: the police
// missing-person pack (page and PDF), statistics and statutory returns.
package report

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
)

// Field is one labelled fact; each line is shown on its own line.
type Field struct {
	Label string
	Lines []string
}

// Section is a headed group of facts.
type Section struct {
	Title  string
	Fields []Field
}

// PackView is the missing-person pack as the police read it, whether on screen or on paper: the
// Philomena Protocol's part one (who the child is, prepared in advance) and part two (this episode).
type PackView struct {
	EpisodeID, Name, Ref, Owner string
	Photo                       *waymark.Photo
	Head                        []Field
	Sections                    []Section
}

// Pack lays out a pack at now, times shown in loc.
func Pack(p *registry.Pack, now time.Time, loc *time.Location) *PackView {
	c, e := p.Child, p.Episode
	when := func(t time.Time) string { return t.In(loc).Format("2 Jan 2006, 15:04") }
	v := &PackView{EpisodeID: e.ID, Name: c.Name(), Ref: c.Ref, Owner: p.Owner.Name}
	if len(c.Photos) > 0 {
		v.Photo = &c.Photos[0]
	}
	v.Head = []Field{
		field("Also known as", each(c.Aliases, func(a waymark.Name) string { return strings.TrimSpace(a.GivenNames + " " + a.FamilyName) })...),
		field("Date of birth / age", dobAge(c, now.In(loc))),
		field("Sex", cmp.Or(waymark.Label(c.Sex), "not recorded")),
		field("Nationality", strings.Join(each(c.Nationalities(), waymark.CountryName), ", ")),
		field("Languages", strings.Join(c.Languages, ", ")),
	}
	previous := []string{fmt.Sprint(p.Previous)}
	for _, x := range p.Care.Episodes {
		if x.ID != e.ID && !x.FoundAt.IsZero() {
			previous = append(previous, x.LastSeenAt.In(loc).Format("2 Jan 2006")+": found "+strings.ToLower(waymark.Label(x.FoundWhere))+prefixed(", ", x.FoundPlace))
		}
	}
	placement := []string{}
	if pl := p.Care.Current(e.LastSeenAt); pl != nil {
		placement = append(placement, waymark.Label(pl.Type)+prefixed(", ", pl.Provider), pl.Address)
	}
	var adults []string
	for _, x := range p.Encounters {
		adults = append(adults, x.AccompanyingAdults)
	}
	concern := "Not recorded"
	if p.Care.Concern() {
		concern = "Yes — screened as a suspected victim of trafficking"
	}
	v.Sections = []Section{
		{"Missing now", []Field{
			field("Status", waymark.Label(e.Status())+" · risk "+strings.ToLower(waymark.Label(e.Risk)),
				strings.Join(each(e.RiskFactors, waymark.Label), "; ")),
			field("Last seen", when(e.LastSeenAt)+prefixed(", ", e.LastSeenPlace)),
			field("With whom", e.LastSeenWith),
			field("Clothing", e.Clothing),
			field("Circumstances", e.Circumstances),
			field("Police reference", e.PoliceRef),
			field("Previous missing episodes", previous...),
		}},
		{"Description and identifiers", []Field{
			field("Description", c.Description),
			field("Distinguishing marks", c.Marks),
			field("Documents", orLines(each(c.Documents, func(d waymark.Document) string {
				return waymark.Label(d.Type) + " " + d.Number + prefixed(" ", paren(waymark.CountryName(d.Country)))
			}), "none recorded")...),
			field("Phones", strings.Join(c.Phones, ", ")),
			field("Fingerprints and DNA", orLines(each(c.Biometrics, func(b waymark.Biometric) string {
				return waymark.Label(b.Kind) + ": " + b.Reference
			}), "none recorded")...),
		}},
		profile(p.Profile, when),
		{"People and places of concern", []Field{
			field("Linked", each(p.Care.Links, func(l *waymark.Link) string {
				return waymark.Label(l.Role) + ": " + strings.ToLower(waymark.Label(l.Entity.Kind)) + " " + l.Entity.Value +
					" (from " + l.From + ", " + strings.ToLower(waymark.Label(l.Confidence)) + ")"
			})...),
			field("Recorded", orLines(field("", append([]string{c.Concerns}, adults...)...).Lines, "None recorded")...),
		}},
		{"Health needs", []Field{field("Needs and medication", cmp.Or(c.HealthNeeds, "None recorded"))}},
		{"Placement and contacts", []Field{
			field("Placement", placement...),
			field("Responsible authority", p.Owner.Name),
			field("Trafficking concern", concern),
		}},
	}
	return v
}

// profile is the Philomena profile written before the child went missing, with when it was last
// reviewed, or says there is none.
func profile(p *waymark.Profile, when func(time.Time) string) Section {
	if p == nil {
		return Section{"Philomena profile", []Field{field("Profile", "None written before the child went missing")}}
	}
	return Section{"Philomena profile", []Field{
		field("Reviewed", when(p.ReviewedAt)+" by "+p.ReviewedBy),
		field("Appearance now", p.Appearance),
		field("Usual clothing", p.Clothing),
		field("Places they go", p.Places),
		field("Friends and associates", p.People),
		field("Phones and social media", p.Online),
		field("Transport and money", p.Transport),
		field("Vulnerabilities", p.Vulnerabilities),
	}}
}

func dobAge(c *waymark.Child, today time.Time) string {
	if c.DateOfBirth == "" {
		return "unknown"
	}
	s := c.DateOfBirth
	if c.DOBEstimated {
		s += " (estimated)"
	}
	return fmt.Sprintf("%s · age %d", s, c.Age(today))
}

// field keeps the lines that say something.
func field(label string, lines ...string) Field {
	f := Field{Label: label}
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			f.Lines = append(f.Lines, l)
		}
	}
	return f
}

func each[T any](xs []T, f func(T) string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

// orLines returns alt as the only line when there are none.
func orLines(lines []string, alt string) []string {
	if len(lines) == 0 {
		return []string{alt}
	}
	return lines
}

func prefixed(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}
