package identify

import (
	"math"
	"math/rand/v2"
)

// fieldLevels are the comparisons whose u is learned from random pairs (the name levels take u
// from each key's own frequency instead).
var fieldLevels = []struct {
	field string
	level func(q, r *Record) string
}{
	{FieldDateOfBirth, dobLevel}, {FieldSex, sexLevel}, {FieldNationality, natLevel}, {FieldPhone, phoneLevel}, {FieldDocument, docLevel},
}

// EstimateU sets u for every level of those fields from n random pairs of records: how often two
// different children agree at that level by chance. Levels never seen keep a floor of one in 2n.
func (e *Engine) EstimateU(n int, seed uint64) {
	ix := e.Index
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.live < 2 {
		return
	}
	rng := rand.New(rand.NewPCG(seed, seed+1))
	counts := map[string]map[string]int{}
	present := map[string]int{}
	for range n {
		a, b := ix.records[rng.IntN(len(ix.records))], ix.records[rng.IntN(len(ix.records))]
		if a == nil || b == nil || a == b {
			continue
		}
		for _, f := range fieldLevels {
			if l := f.level(a, b); l != "" {
				if counts[f.field] == nil {
					counts[f.field] = map[string]int{}
				}
				counts[f.field][l]++
				present[f.field]++
			}
		}
	}
	for field, levels := range e.Model.Levels {
		if present[field] == 0 {
			continue
		}
		for level, mu := range levels {
			mu.U = max(float64(counts[field][level]), 0.5) / float64(present[field])
			levels[level] = mu
		}
	}
}

// EstimateM re-estimates m for the date of birth, sex, nationality, phone and document levels by
// expectation–maximisation over unlabelled pairs: each query with its most strongly blocked
// candidates. No labels are used; u stays as it is (sampled by EstimateU).
func (e *Engine) EstimateM(queries []*Record, perQuery, iterations int) {
	ix := e.Index
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	type pair struct {
		name   float64  // the name evidence, as modelled
		levels []string // per fieldLevels; "" when a side lacks the field
	}
	var pairs []pair
	for _, q := range queries {
		q.withToks(nil)
		s := newScorer(ix, e.Model, q)
		cands := ix.candidates(q)
		for _, pos := range cands[:min(len(cands), perQuery)] {
			r := ix.records[pos]
			p := pair{levels: make([]string, len(fieldLevels))}
			p.name, _ = s.compareNames(q, r, false)
			for i, f := range fieldLevels {
				p.levels[i] = f.level(q, r)
			}
			pairs = append(pairs, p)
		}
		s.release()
	}
	if len(pairs) == 0 {
		return
	}
	lambda := float64(len(queries)) / float64(len(pairs)) / 2
	post := make([]float64, len(pairs))
	for range iterations {
		var sumPost float64
		for i, p := range pairs {
			logOdds := math.Log2(lambda/(1-lambda)) + p.name
			for j, f := range fieldLevels {
				if p.levels[j] != "" {
					logOdds += e.Model.Levels[f.field][p.levels[j]].Weight()
				}
			}
			post[i] = 1 / (1 + math.Exp2(-logOdds))
			sumPost += post[i]
		}
		lambda = min(max(sumPost/float64(len(pairs)), 1e-6), 0.5)
		for j, f := range fieldLevels {
			weight, total := map[string]float64{}, 0.0
			for i, p := range pairs {
				if p.levels[j] != "" {
					weight[p.levels[j]] += post[i]
					total += post[i]
				}
			}
			if total == 0 {
				continue
			}
			for level, mu := range e.Model.Levels[f.field] {
				mu.M = max(weight[level]/total, 1e-4)
				e.Model.Levels[f.field][level] = mu
			}
		}
	}
}
