package identify

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/waymark-org/waymark/internal/dna"
)

// FieldDNA compares STR profiles. Its weight is not learnt: the Balding–Nichols likelihood ratio
// of the loci that agree says how much rarer the match is among other people.
const FieldDNA = "dna"

// The chances, for one child's two profiles, of what the lab's work lets through: an allele
// mistyped or dropped out at one locus (a near match), and a mix-up or mistake that leaves them
// different (an exclusion). A profile that agrees counts for the likelihood ratio, a little less.
const (
	dnaAgree   = 0.99
	dnaNear    = 0.01
	dnaExclude = 0.001
)

// dnaGatherLoci is the fewest loci typed in both that gathers a candidate by DNA alone: a
// partial profile of a locus or two agrees with thousands of children at a million.
const dnaGatherLoci = 6

// dnaKeys are a profile's posting keys: each locus's genotype, or that the locus is not typed.
func dnaKeys(c dna.Code) []key {
	ks := make([]key, len(dna.Loci))
	for l := range dna.Loci {
		g0, g1 := c.Genotype(l)
		ks[l] = key{k: kDNA, num: int32(l)<<24 | int32(g0)<<12 | int32(g1)}
	}
	return ks
}

// gatherDNA adds every record with a profile that agrees with one of q's, or is one allele from
// it, at dnaGatherLoci or more. Such a profile differs at one locus at most, so of the three loci
// whose genotypes in q the fewest records share, it has two — or has them untyped: those read
// from the postings, each then compared whole. The caller holds the read lock.
func (ix *Index) gatherDNA(q []dna.Code, b *blocker) {
	for _, qc := range q {
		if qc.Loci() < dnaGatherLoci {
			continue
		}
		type list struct{ exact, untyped []int32 }
		var lists []list
		for l, k := range dnaKeys(qc) {
			if g0, _ := qc.Genotype(l); g0 != 0 {
				untyped := key{k: kDNA, num: int32(l) << 24}
				var b1, b2 [1]int32
				lists = append(lists, list{ix.post.get(k.hash(), &b1), ix.post.get(untyped.hash(), &b2)})
			}
		}
		slices.SortFunc(lists, func(x, y list) int { return cmp.Compare(len(x.exact)+len(x.untyped), len(y.exact)+len(y.untyped)) })
		seen := dnaTallies.Get().(*[]uint8)
		if len(*seen) < len(ix.records) {
			*seen = make([]uint8, len(ix.records)+len(ix.records)/8)
		}
		read := [][]int32{lists[0].exact, lists[0].untyped, lists[1].exact, lists[1].untyped, lists[2].exact, lists[2].untyped}
		var twice []int32
		for _, part := range read {
			for _, pos := range part {
				if (*seen)[pos]++; (*seen)[pos] == 2 {
					twice = append(twice, pos)
				}
			}
		}
		for _, part := range read {
			for _, pos := range part {
				(*seen)[pos] = 0
			}
		}
		dnaTallies.Put(seen)
		for _, pos := range twice {
			if r := ix.records[pos]; r != nil && slices.ContainsFunc(r.DNA, func(c dna.Code) bool {
				m := c.Compare(qc, 0)
				return m.Class != dna.Exclusion && m.Shared >= dnaGatherLoci
			}) {
				b.touch(pos, 16)
			}
		}
	}
}

// dnaTallies count, per record position, the loci a gathering reads it under.
var dnaTallies = sync.Pool{New: func() any { return new([]uint8) }}

// dnaEvidence weighs the closest of the pairs of q's and r's profiles; ok is false when no pair
// has a locus typed in both.
func dnaEvidence(q, r *Record) (Evidence, bool) {
	var best Evidence
	found := false
	for _, a := range q.DNA {
		for _, b := range r.DNA {
			if e, ok := weighDNA(a, b); ok && (!found || e.Weight > best.Weight) {
				best, found = e, true
			}
		}
	}
	return best, found
}

func weighDNA(a, b dna.Code) (Evidence, bool) {
	c := a.Compare(b, 0)
	if c.Shared == 0 {
		return Evidence{}, false
	}
	e := Evidence{Field: FieldDNA, Level: c.Class}
	pa := a.Profile()
	switch c.Class {
	case dna.Exclusion:
		e.Weight, e.Detail = math.Log2(dnaExclude), "the profiles differ: not the same person, unless a sample was mixed up"
	case dna.Near:
		delete(pa, c.Differ)
		w := dna.Shipped().Weigh(pa, b.Profile())
		e.Weight = math.Log2(dnaNear * min(w.Ratio, dna.MaxRatio))
		e.Detail = fmt.Sprintf("%d loci agree, one allele differs at %s: for the lab to review", c.Shared-1, c.Differ)
	default:
		w := dna.Shipped().Weigh(pa, b.Profile())
		e.Weight = math.Log2(dnaAgree * min(w.Ratio, dna.MaxRatio))
		e.Detail = fmt.Sprintf("%d loci agree; likelihood ratio %s", c.Shared, w.RatioText())
	}
	e.Weight, e.given = round2(e.Weight), e.Detail
	return e, true
}
