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
	case r < 0.6:
		q.Nationality = c.Nationality
	case r < 0.75:
		if cu := cultureOf(c.Nationality); cu != nil && len(cu.neighbours) > 0 {
			q.Nationality = pick(g, cu.neighbours)
		}
	}
	switch {
	case len(c.Phones) > 0 && g.chance(0.3):
		q.Phones = []string{pick(g, c.Phones)}
		// written locally, without the country code; "00" would begin an international number
		if tail := q.Phones[0][len(q.Phones[0])-9:]; g.chance(0.3) && tail[0] != '0' {
			q.Phones[0] = "0" + tail
		}
	case g.chance(0.1): // a phone given since, often by whoever controls the child
		q.Phones = []string{g.ukPhone()}
	}
	switch {
	case len(c.Documents) > 0 && g.chance(0.2):
		q.Documents = []waymark.Document{c.Documents[0]}
	case g.chance(0.03): // a false document
		q.Documents = []waymark.Document{{Type: "passport", Number: g.docNumber(), Country: c.Nationality}}
	}
	switch r := g.r.Float64(); {
	case r < 0.1:
		q.Sex = ""
	case r < 0.11: // recorded wrongly, at first contact or now
		q.Sex = map[string]string{"M": "F", "F": "M"}[c.Sex]
	}
	return Probe{Query: q, Truth: c.ID, Kind: kind}
}

// probeName changes the recorded name as found children's names change, and says how.
func (g *Generator) probeName(c *waymark.Child, q *waymark.Child) string {
	q.GivenNames, q.FamilyName = c.GivenNames, c.FamilyName
	switch r := g.r.Float64(); {
	case r < 0.15:
		return "as recorded"
	case r < 0.27:
		q.GivenNames, q.FamilyName = foldASCII(c.GivenNames), foldASCII(c.FamilyName)
		return "diacritics dropped"
	case r < 0.37:
		q.GivenNames, q.FamilyName = c.FamilyName, c.GivenNames
		return "given and family swapped"
	case r < 0.45:
		q.GivenNames, q.FamilyName = c.GivenNames+" "+c.FamilyName, ""
		return "whole name in one field"
	case r < 0.55:
		if f := strings.Fields(c.FamilyName); len(f) > 1 {
			q.FamilyName = f[0]
			return "patronymic chain shortened"
		}
		q.GivenNames = lastWord(c.GivenNames)
		return "middle name dropped"
	case r < 0.67:
		q.GivenNames = typo(g, c.GivenNames)
		return "typo"
	case r < 0.77:
		q.GivenNames, q.FamilyName = g.spelling(c.GivenNames), g.spelling(c.FamilyName)
		return "transliteration variant"
	case r < 0.87:
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
	switch r := g.r.Float64(); {
	case r < 0.35:
		q.DateOfBirth, q.DOBEstimated = c.DateOfBirth, c.DOBEstimated
	case r < 0.55:
		q.DateOfBirth, q.DOBEstimated = fmt.Sprintf("%04d-01-01", y+g.r.IntN(3)-1), true
	case r < 0.62 && d <= 12 && d != m:
		q.DateOfBirth = fmt.Sprintf("%04d-%02d-%02d", y, d, m)
	case r < 0.72:
		q.DateOfBirth = fmt.Sprintf("%04d-%02d-%02d", y+1-2*g.r.IntN(2), m, min(d, 28))
	case r < 0.80: // claims to be an adult
		q.DateOfBirth = fmt.Sprintf("%04d-%02d-%02d", y-3, m, min(d, 28))
	}
}

func cultureOf(country string) *culture {
	for i := range cultures {
		if cultures[i].country == country {
			return &cultures[i]
		}
	}
	return nil
}

// spelling rewrites a name as another clerk might: a known variant, or a common letter swap.
func (g *Generator) spelling(name string) string {
	words := strings.Fields(foldASCII(name))
	for i, w := range words {
		lw := strings.ToLower(w)
		for _, sw := range spellingSwaps {
			if strings.Contains(lw, sw[0]) && g.chance(0.7) {
				lw = strings.Replace(lw, sw[0], sw[1], 1)
				break
			}
		}
		words[i] = strings.ToUpper(lw[:1]) + lw[1:]
	}
	return strings.Join(words, " ")
}

var spellingSwaps = [][2]string{
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
