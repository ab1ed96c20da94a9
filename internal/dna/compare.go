package dna

// How two profiles compare.
const (
	Full      = "full"      // every STR locus typed in both agrees, at MinLoci or more
	Partial   = "partial"   // every shared locus agrees, but fewer than MinLoci are shared
	Near      = "near"      // one allele differs at one locus, the rest agree: for the lab to review
	Exclusion = "exclusion" // they differ: not the same person
)

// MinLoci is how many shared loci a full match needs unless the operator sets another.
const MinLoci = 10

// Comparison is what two profiles share and how they compare.
type Comparison struct {
	Class  string
	Shared int    // STR loci typed in both
	Differ string // the locus that differs, for a near match
	Sex    bool   // amelogenin typed in both and different
}

// Compare compares two profiles at the STR loci typed in both; minLoci (MinLoci when 0) makes a
// full match. Amelogenin that differs makes any match an exclusion.
func Compare(a, b Profile, minLoci int) Comparison {
	if minLoci <= 0 {
		minLoci = MinLoci
	}
	var c Comparison
	off := 0
	for _, l := range Loci {
		x, ok1 := a[l]
		y, ok2 := b[l]
		if !ok1 || !ok2 {
			continue
		}
		c.Shared++
		switch shared(x, y) {
		case 2:
		case 1:
			off++
			c.Differ = l
		default:
			off += 2
		}
	}
	x, ok1 := a[Amelogenin]
	y, ok2 := b[Amelogenin]
	c.Sex = ok1 && ok2 && x != y
	switch {
	case c.Sex || off > 1 || c.Shared == 0:
		c.Class = Exclusion
	case off == 1:
		c.Class = Near
	case c.Shared >= minLoci:
		c.Class = Full
	default:
		c.Class = Partial
	}
	if c.Class != Near {
		c.Differ = ""
	}
	return c
}

// shared counts the alleles two genotypes have in common (0, 1 or 2).
func shared(x, y [2]string) int {
	switch {
	case x == y:
		return 2
	case x[0] == y[0] || x[0] == y[1] || x[1] == y[0] || x[1] == y[1]:
		return 1
	}
	return 0
}
