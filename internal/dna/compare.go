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
// full match. Amelogenin that differs makes any match an exclusion. An exclusion found early says
// no more than that (Shared counts the loci compared until then).
func Compare(a, b Profile, minLoci int) Comparison { return a.Code().Compare(b.Code(), minLoci) }
