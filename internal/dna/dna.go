// Package dna reads STR profiles at the UK DNA-17 loci, compares two, and weighs a match: the
// Balding–Nichols match probability with a sampling correction θ, under the most conservative of
// the published population groups, as a likelihood ratio. It never decides who a child is: a full
// match is evidence for the lab and the identification score, nothing more.
package dna

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Loci are the 16 STR loci of the DNA-17 profile, in the order profiles are written.
var Loci = []string{"D3S1358", "vWA", "D16S539", "D2S1338", "D8S1179", "D21S11", "D18S51", "D19S433", "TH01", "FGA",
	"D1S1656", "D2S441", "D10S1248", "D12S391", "D22S1045", "SE33"}

// Amelogenin is the sex marker typed beside them: X,X or X,Y. It is compared, never weighed.
const Amelogenin = "AMEL"

// Profile is a typed profile: for each locus typed, its two alleles as the lab writes them (9.3,
// 22.2), the smaller first; a homozygote holds the same allele twice.
type Profile map[string][2]string

var allele = regexp.MustCompile(`^[0-9]{1,2}(\.[0-9])?$`)

// Parse reads a profile written "D3S1358 15,16; vWA 17,17; AMEL X,Y" (a colon or space after the
// locus; alleles split by a comma or slash; one allele written alone is a homozygote), naming
// every locus at fault.
func Parse(text string) (Profile, error) {
	p := Profile{}
	var bad []string
	for _, part := range strings.FieldsFunc(text, func(r rune) bool { return r == ';' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		locus, alleles, ok := strings.Cut(strings.Replace(part, ":", " ", 1), " ")
		if !ok {
			bad = append(bad, fmt.Sprintf("%q: write the locus, then its alleles", part))
			continue
		}
		name, err := locusName(locus)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		if _, twice := p[name]; twice {
			bad = append(bad, name+" is written twice")
			continue
		}
		pair, err := pairOf(name, alleles)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		p[name] = pair
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(bad, "; "))
	}
	if p.Typed() == 0 {
		return nil, fmt.Errorf("no STR locus typed: write at least one of %s", strings.Join(Loci, ", "))
	}
	return p, nil
}

// locusName returns the locus as Loci writes it, whatever its case.
func locusName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, Amelogenin) || strings.EqualFold(s, "amelogenin") {
		return Amelogenin, nil
	}
	for _, l := range Loci {
		if strings.EqualFold(s, l) {
			return l, nil
		}
	}
	return "", fmt.Errorf("%q is not a DNA-17 locus (%s, or AMEL)", s, strings.Join(Loci, ", "))
}

// pairOf reads a locus's alleles, the smaller first.
func pairOf(locus, text string) ([2]string, error) {
	as := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '/' || r == ' ' })
	if len(as) == 1 {
		as = append(as, as[0])
	}
	if len(as) != 2 {
		return [2]string{}, fmt.Errorf("%s: write two alleles (or one, for a homozygote), not %q", locus, strings.TrimSpace(text))
	}
	for i, a := range as {
		a = strings.ToUpper(a)
		if locus == Amelogenin && a != "X" && a != "Y" || locus != Amelogenin && !allele.MatchString(a) {
			return [2]string{}, fmt.Errorf("%s: %q is not an allele (a repeat number such as 9 or 9.3%s)", locus, a, map[bool]string{true: "; X or Y"}[locus == Amelogenin])
		}
		as[i] = a
	}
	if repeat(as[1]) < repeat(as[0]) || locus == Amelogenin && as[1] < as[0] { // Y,X is X,Y
		as[0], as[1] = as[1], as[0]
	}
	return [2]string{as[0], as[1]}, nil
}

// repeat orders alleles by their repeat number (9.3 after 9, before 10).
func repeat(a string) float64 {
	f, _ := strconv.ParseFloat(a, 64) // X and Y read as 0
	return f
}

// Typed counts the STR loci typed (amelogenin apart).
func (p Profile) Typed() int {
	n := 0
	for _, l := range Loci {
		if _, ok := p[l]; ok {
			n++
		}
	}
	return n
}

// String writes the profile as Parse reads it, in the loci's order.
func (p Profile) String() string {
	var parts []string
	for _, l := range append(slices.Clone(Loci), Amelogenin) {
		if a, ok := p[l]; ok {
			parts = append(parts, l+" "+a[0]+","+a[1])
		}
	}
	return strings.Join(parts, "; ")
}
