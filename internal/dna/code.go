package dna

import (
	"strconv"
)

// Code is a profile packed to be compared a million times a search: each STR locus's two alleles
// as ten times the repeat number plus one (0: not typed), in the order of Loci, then amelogenin's
// two (1 for X, 2 for Y).
type Code [2*len16 + 2]uint16

const len16 = 16 // len(Loci)

// Code packs the profile.
func (p Profile) Code() Code {
	var c Code
	for i, l := range Loci {
		if a, ok := p[l]; ok {
			c[2*i], c[2*i+1] = packed(a[0]), packed(a[1])
		}
	}
	if a, ok := p[Amelogenin]; ok {
		c[2*len16], c[2*len16+1] = sex(a[0]), sex(a[1])
	}
	return c
}

func packed(a string) uint16 {
	f, _ := strconv.ParseFloat(a, 64) // Parse let through numbers below 100 with one decimal
	return uint16(f*10+0.5) + 1
}

func sex(a string) uint16 { return map[string]uint16{"X": 1, "Y": 2}[a] }

// Profile unpacks the code.
func (c Code) Profile() Profile {
	p := Profile{}
	for i, l := range Loci {
		if c[2*i] != 0 {
			p[l] = [2]string{unpacked(c[2*i]), unpacked(c[2*i+1])}
		}
	}
	if c[2*len16] != 0 {
		p[Amelogenin] = [2]string{" XY"[c[2*len16] : c[2*len16]+1], " XY"[c[2*len16+1] : c[2*len16+1]+1]}
	}
	return p
}

func unpacked(v uint16) string {
	v--
	if v%10 == 0 {
		return strconv.Itoa(int(v / 10))
	}
	return strconv.Itoa(int(v/10)) + "." + strconv.Itoa(int(v%10))
}

// Typed reports whether the code holds a profile.
func (c Code) Typed() bool { return c != Code{} }

// Compare compares two packed profiles as Compare does; it stops at the second allele that differs
// (an exclusion, told no more), so that most of a million comparisons end at a locus or two.
func (c Code) Compare(o Code, minLoci int) Comparison {
	if minLoci <= 0 {
		minLoci = MinLoci
	}
	var cmp Comparison
	off, differ := 0, -1
	for i := 0; i < 2*len16; i += 2 {
		x0, x1, y0, y1 := c[i], c[i+1], o[i], o[i+1]
		if x0 == 0 || y0 == 0 {
			continue
		}
		cmp.Shared++
		if x0 == y0 && x1 == y1 {
			continue
		}
		if x0 == y0 || x0 == y1 || x1 == y0 || x1 == y1 {
			off++
			differ = i / 2
		} else {
			off += 2
		}
		if off > 1 {
			return Comparison{Class: Exclusion, Shared: cmp.Shared}
		}
	}
	cmp.Sex = c[2*len16] != 0 && o[2*len16] != 0 && (c[2*len16] != o[2*len16] || c[2*len16+1] != o[2*len16+1])
	switch {
	case cmp.Sex || cmp.Shared == 0:
		cmp.Class = Exclusion
	case off == 1:
		cmp.Class, cmp.Differ = Near, Loci[differ]
	case cmp.Shared >= minLoci:
		cmp.Class = Full
	default:
		cmp.Class = Partial
	}
	return cmp
}

// Genotype returns the packed alleles at the i-th of Loci: 0, 0 when it is not typed.
func (c Code) Genotype(i int) (uint16, uint16) { return c[2*i], c[2*i+1] }

// Loci counts the STR loci typed.
func (c Code) Loci() int {
	n := 0
	for i := 0; i < 2*len16; i += 2 {
		n += min(int(c[i]), 1)
	}
	return n
}
