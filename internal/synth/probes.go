package synth

import (
	"fmt"
	"strings"

	"github.com/waymark-org/waymark"
)

// Probe is what a found child gives, and who they really are ("" for a child never recorded).
type Probe struct {
	Query *waymark.Child
	Truth string
	Kind  string // how the name was changed, for reports
}

// Sibling returns a brother or sister of c: the same father's name (so, in patronymic customs, the
// same "surname"), often the same phone — a hard negative for identification.
func (g *Generator) Sibling(c *waymark.Child) *waymark.Child {
	s := g.Child()
	s.FamilyName, s.Nationality, s.Phones = c.FamilyName, c.Nationality, append([]string(nil), c.Phones...)
	if g.chance(0.5) {
		s.Phones = nil
	}
	s.Aliases, s.Documents = nil, nil
	return s
}

// ProbeOf returns what a recorded child c might give when found months later.
func (g *Generator) ProbeOf(c *waymark.Child) Probe {
	q := &waymark.Child{Sex: c.Sex}
	kind := g.probeName(c, q)
	g.probeDOB(c, q)
	switch r := g.r.Float64(); {
	case r < g.w.probe.nat[0]:
		q.Nationality = c.Nationality
	case r < g.w.probe.nat[1]:
		if cu := g.w.cultureOf(c.Nationality); cu != nil && len(cu.neighbours) > 0 {
			q.Nationality = pick(g, cu.neighbours)
		}
	}
	switch {
	case len(c.Phones) > 0 && g.chance(g.w.probe.phone):
		q.Phones = []string{pick(g, c.Phones)}
		// written locally, without the country code; "00" would begin an international number
		if tail := q.Phones[0][len(q.Phones[0])-9:]; g.chance(g.w.probe.localPhone) && tail[0] != '0' {
			q.Phones[0] = "0" + tail
		}
	case g.chance(g.w.probe.newPhone): // a phone given since, often by whoever controls the child
		q.Phones = []string{g.ukPhone()}
	}
	switch {
	case len(c.Documents) > 0 && g.chance(g.w.probe.doc):
		q.Documents = []waymark.Document{c.Documents[0]}
	case g.chance(g.w.probe.falseDoc): // a false document
		q.Documents = []waymark.Document{{Type: "passport", Number: g.docNumber(), Country: c.Nationality}}
	}
	switch r := g.r.Float64(); {
	case r < g.w.probe.sex[0]:
		q.Sex = ""
	case r < g.w.probe.sex[1]: // recorded wrongly, at first contact or now
		q.Sex = map[string]string{"M": "F", "F": "M"}[c.Sex]
	}
	return Probe{Query: q, Truth: c.ID, Kind: kind}
}

// probeName changes the recorded name as found children's names change, and says how.
func (g *Generator) probeName(c *waymark.Child, q *waymark.Child) string {
	q.GivenNames, q.FamilyName = c.GivenNames, c.FamilyName
	n := g.w.probe.names
	switch r := g.r.Float64(); {
	case r < n[0]:
		return "as recorded"
	case r < n[1]:
		q.GivenNames, q.FamilyName = foldASCII(c.GivenNames), foldASCII(c.FamilyName)
		return "diacritics dropped"
	case r < n[2]:
		q.GivenNames, q.FamilyName = c.FamilyName, c.GivenNames
		return "given and family swapped"
	case r < n[3]:
		q.GivenNames, q.FamilyName = c.GivenNames+" "+c.FamilyName, ""
		return "whole name in one field"
	case r < n[4]:
		if f := strings.Fields(c.FamilyName); len(f) > 1 {
			q.FamilyName = f[0]
			return "patronymic chain shortened"
		}
		q.GivenNames = lastWord(c.GivenNames)
		return "middle name dropped"
	case r < n[5]:
		q.GivenNames = typo(g, c.GivenNames)
		return "typo"
	case r < n[6]:
		q.GivenNames, q.FamilyName = g.spelling(c.GivenNames), g.spelling(c.FamilyName)
		return "transliteration variant"
	case r < n[7]:
		if len(c.Aliases) > 0 {
			a := pick(g, c.Aliases)
			q.GivenNames, q.FamilyName = a.GivenNames, a.FamilyName
			return "known alias"
		}
		q.GivenNames = typo(g, c.GivenNames)
		return "typo"
	}
	other := g.Child()
	q.GivenNames, q.FamilyName = other.GivenNames, other.FamilyName
	return "wholly false name"
}

// probeDOB distorts the date of birth as found children's ages are given and assessed.
func (g *Generator) probeDOB(c *waymark.Child, q *waymark.Child) {
	if c.DateOfBirth == "" {
		return
	}
	y, m, d := 0, 0, 0
	fmt.Sscanf(c.DateOfBirth, "%d-%d-%d", &y, &m, &d)
	b := g.w.probe.dobs
	switch r := g.r.Float64(); {
	case r < b[0]:
		q.DateOfBirth, q.DOBEstimated = c.DateOfBirth, c.DOBEstimated
	case r < b[1]:
		q.DateOfBirth, q.DOBEstimated = fmt.Sprintf("%04d-01-01", y+g.r.IntN(3)-1), true
	case r < b[2] && d <= 12 && d != m:
		q.DateOfBirth = fmt.Sprintf("%04d-%02d-%02d", y, d, m)
	case r < b[3]:
		q.DateOfBirth = fmt.Sprintf("%04d-%02d-%02d", y+1-2*g.r.IntN(2), m, min(d, 28))
	case r < b[4]: // claims to be an adult
		q.DateOfBirth = fmt.Sprintf("%04d-%02d-%02d", y-3, m, min(d, 28))
	}
}

func (w *World) cultureOf(country string) *culture {
	for i := range w.cultures {
		if w.cultures[i].country == country {
			return &w.cultures[i]
		}
	}
	return nil
}

// spelling rewrites a name as another clerk might: a known variant, or a common letter swap.
func (g *Generator) spelling(name string) string {
	words := strings.Fields(foldASCII(name))
	for i, w := range words {
		lw := strings.ToLower(w)
		for _, sw := range g.w.swaps {
			if strings.Contains(lw, sw[0]) && g.chance(0.7) {
				lw = strings.Replace(lw, sw[0], sw[1], 1)
				break
			}
		}
		words[i] = strings.ToUpper(lw[:1]) + lw[1:]
	}
	return strings.Join(words, " ")
}

// rates say how a found child's facts differ from the record, each set of choices as cumulative
// shares of one draw.
type rates struct {
	names                               [8]float64 // as recorded, diacritics dropped, swapped, in one field, shortened, typo, spelling, alias; beyond: false
	dobs                                [5]float64 // as recorded, an assessed year near it, day and month swapped, a year out, claims adulthood; beyond: none
	nat                                 [2]float64 // the same, a neighbouring country; beyond: none given
	sex                                 [2]float64 // none given, the other; beyond: as recorded
	phone                               float64    // one of the recorded phones given
	newPhone, localPhone, doc, falseDoc float64
}

var firstRates = rates{names: [8]float64{0.15, 0.27, 0.37, 0.45, 0.55, 0.67, 0.77, 0.87}, dobs: [5]float64{0.35, 0.55, 0.62, 0.72, 0.80},
	nat: [2]float64{0.6, 0.75}, sex: [2]float64{0.1, 0.11}, phone: 0.3, localPhone: 0.3, newPhone: 0.1, doc: 0.2, falseDoc: 0.03}

var firstSwaps = [][2]string{
	{"oha", "uha"}, {"mm", "m"}, {"ed", "ad"}, {"ou", "u"}, {"y", "i"}, {"ph", "f"}, {"kh", "h"}, {"sh", "sch"},
	{"ee", "i"}, {"c", "k"}, {"x", "ks"}, {"e", "a"}, {"u", "o"}, {"i", "ee"}, {"ay", "ai"}, {"w", "v"},
}

func typo(g *Generator, s string) string {
	r := []rune(s)
	if len(r) < 4 {
		return s
	}
	i := 1 + g.r.IntN(len(r)-2)
	switch g.r.IntN(3) {
	case 0:
		r[i], r[i+1] = r[i+1], r[i]
	case 1:
		r = append(r[:i], r[i+1:]...)
	default:
		r[i] = rune("aeiourstnl"[g.r.IntN(10)])
	}
	return string(r)
}

func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return s
	}
	return f[len(f)-1]
}

// foldASCII drops diacritics as a keyboard without them would.
func foldASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		if rep, ok := asciiFold[r]; ok {
			b.WriteString(rep)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var asciiFold = func() map[rune]string {
	m := map[rune]string{}
	for _, pair := range []string{"àáâãäåăąạảấầẩẫậắằẳẵặa", "èéêëęěẹẻẽếềểễệe", "ìíîïịỉĩi", "òóôõöơọỏốồổỗộớờởỡợo", "ùúûüưụủũứừửữựu",
		"ỳýỷỹỵy", "đd", "çćčc", "şșśšs", "ţțt", "ñńn", "łl", "žźżz", "ğg", "ÀÁÂÃÄÅĂA", "ÈÉÊËE", "ÌÍÎÏI", "ÒÓÔÕÖO", "ÙÚÛÜU",
		"ĐD", "ÇČC", "ŞȘŠS", "ŢȚT", "ŽZ", "ëe", "ÿy"} {
		rs := []rune(pair)
		for _, r := range rs[:len(rs)-1] {
			m[r] = string(rs[len(rs)-1])
		}
	}
	return m
}()
