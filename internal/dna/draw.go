package dna

import (
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
)

// Populations lists the population groups of the counts, sorted.
func (f *Frequencies) Populations() []string { return slices.Sorted(maps.Keys(f.counts)) }

// Draw returns a profile drawn from a population group's allele counts, every locus typed and
// amelogenin too: synthetic profiles for tests, benchmarks and the demo, never a person's.
func (f *Frequencies) Draw(r *rand.Rand, pop string) Profile {
	f.once.Do(f.tabulate)
	p := Profile{}
	for _, l := range Loci {
		t := f.tables[pop][l]
		if len(t.alleles) == 0 {
			continue
		}
		a, b := t.draw(r), t.draw(r)
		if repeat(b) < repeat(a) {
			a, b = b, a
		}
		p[l] = [2]string{a, b}
	}
	p[Amelogenin] = [2]string{"X", []string{"X", "Y"}[r.IntN(2)]}
	return p
}

// table is a locus's alleles in order with their cumulative counts.
type table struct {
	alleles []string
	cum     []float64
}

func (t table) draw(r *rand.Rand) string {
	x := r.Float64() * t.cum[len(t.cum)-1]
	return t.alleles[sort.SearchFloat64s(t.cum, x)]
}

func (f *Frequencies) tabulate() {
	f.tables = map[string]map[string]table{}
	for pop, loci := range f.counts {
		f.tables[pop] = map[string]table{}
		for l, counts := range loci {
			var t table
			sum := 0.0
			for _, a := range slices.SortedFunc(maps.Keys(counts), func(x, y string) int { return int(10*repeat(x)) - int(10*repeat(y)) }) {
				if counts[a] > 0 {
					sum += counts[a]
					t.alleles, t.cum = append(t.alleles, a), append(t.cum, sum)
				}
			}
			f.tables[pop][l] = t
		}
	}
}
