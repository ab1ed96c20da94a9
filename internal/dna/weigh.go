package dna

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
)

// Theta is the sampling correction (F_ST) the match probability allows for: relatives and
// sub-populations share alleles more than a population's counts say.
const Theta = 0.03

// MaxRatio is the largest likelihood ratio reported as a number; above it, "more than a billion".
const MaxRatio = 1e9

// shipped are the Home Office's allele counts at the DNA-17 loci for six population groups.
// Source: Home Office, DNA population data to support the implementation of National DNA Database
// DNA-17 profiling. Open Government Licence v3.0.
//
//go:embed uk-dna17-allele-counts.csv
var shipped string

// Frequencies are allele frequencies by population group and locus, with each group's allele
// total at each locus (2N) for the floor of rare and unseen alleles.
type Frequencies struct {
	counts map[string]map[string]map[string]float64 // population → locus → allele → count
	totals map[string]map[string]float64            // population → locus → 2N
	once   sync.Once
	tables map[string]map[string]table // population → locus → alleles to draw from
}

// Shipped returns the frequencies Waymark ships, read once.
func Shipped() *Frequencies { return shippedOnce() }

var shippedOnce = sync.OnceValue(func() *Frequencies {
	f, err := ReadFrequencies(strings.NewReader(shipped))
	if err != nil {
		panic("the shipped allele counts do not read: " + err.Error()) // checked by its test
	}
	return f
})

// ReadFrequencies reads allele counts as CSV: population, locus, allele, count (a header first).
func ReadFrequencies(r io.Reader) (*Frequencies, error) {
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("allele counts: %w", err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("allele counts: no rows")
	}
	f := &Frequencies{counts: map[string]map[string]map[string]float64{}, totals: map[string]map[string]float64{}}
	for i, row := range rows[1:] {
		if len(row) != 4 {
			return nil, fmt.Errorf("allele counts line %d: want population, locus, allele, count", i+2)
		}
		pop, allele := row[0], row[2]
		locus, err := locusName(row[1])
		n, nerr := strconv.ParseFloat(row[3], 64)
		if err != nil || nerr != nil || n < 0 || locus == Amelogenin {
			return nil, fmt.Errorf("allele counts line %d: %q %q %q", i+2, row[1], row[2], row[3])
		}
		if f.counts[pop] == nil {
			f.counts[pop], f.totals[pop] = map[string]map[string]float64{}, map[string]float64{}
		}
		if f.counts[pop][locus] == nil {
			f.counts[pop][locus] = map[string]float64{}
		}
		f.counts[pop][locus][allele] += n
		f.totals[pop][locus] += n
	}
	return f, nil
}

// freq is an allele's frequency in a population at a locus, floored at 5/2N: an allele seen rarely
// or never in the sample is not taken to be rarer than the sample can tell.
func (f *Frequencies) freq(pop, locus, allele string) float64 {
	total := f.totals[pop][locus]
	if total == 0 {
		return 1 // a locus the group was not typed at tells nothing
	}
	return math.Max(f.counts[pop][locus][allele], 5) / total
}

// genotype is the Balding–Nichols probability that an unrelated person of the population has the
// genotype g, given that one person is known to have it.
func genotype(g [2]string, pa, pb float64) float64 {
	const t = Theta
	den := (1 + t) * (1 + 2*t)
	if g[0] == g[1] {
		return (2*t + (1-t)*pa) * (3*t + (1-t)*pa) / den
	}
	return 2 * (t + (1-t)*pa) * (t + (1-t)*pb) / den
}

// Weight is how much a profile matching another weighs: the match probability under the most
// conservative population group (the highest), and its inverse, the likelihood ratio.
type Weight struct {
	MatchProbability float64
	Ratio            float64 // 1 / MatchProbability
	Population       string  // the group that gave the highest match probability
	Loci             int
}

// Weigh weighs a match at the loci typed in both profiles (a and b agreeing there).
func (f *Frequencies) Weigh(a, b Profile) Weight {
	w := Weight{}
	for pop := range f.counts {
		mp, loci := 1.0, 0
		for _, l := range Loci {
			g, ok1 := a[l]
			_, ok2 := b[l]
			if !ok1 || !ok2 {
				continue
			}
			mp *= genotype(g, f.freq(pop, l, g[0]), f.freq(pop, l, g[1]))
			loci++
		}
		if mp > w.MatchProbability || (mp == w.MatchProbability && pop < w.Population) {
			w.MatchProbability, w.Population, w.Loci = mp, pop, loci
		}
	}
	w.Ratio = 1 / w.MatchProbability
	return w
}

// RatioText says the likelihood ratio as a lab would: "more than a billion" above MaxRatio.
func (w Weight) RatioText() string {
	if w.Ratio > MaxRatio {
		return "more than a billion"
	}
	return strconv.FormatFloat(math.Round(w.Ratio), 'f', 0, 64)
}
