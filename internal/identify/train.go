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

// priorPairs is how many pairs' worth of weight the priors' m keeps in EM's estimate: where
// the data say little (a level no probe reached), m stays near the prior instead of collapsing to
// zero and turning one disagreement into a veto.
const priorPairs = 20

// EstimateM re-estimates m for the date of birth, sex, nationality, phone and document levels by
// expectation–maximisation over unlabelled pairs: each query with its most strongly blocked
// candidates. No labels are used; u stays as it is (sampled by EstimateU). In the E-step a query's
// candidates compete, as in ranking: a found child is at most one recorded child, so the chance that
// a pair matches is its odds over one plus the odds of all its query's pairs. Without that
// constraint the match class soaks up every pair of alike names and m drifts towards u.
func (e *Engine) EstimateM(queries []*Record, perQuery, iterations int) {
	groups := e.trainingPairs(queries, perQuery)
	if len(groups) == 0 {
		return
	}
	prior, odds := Priors(), e.Model.odds(0, e.Index.Len())
	for range iterations {
		weight := make([]map[string]float64, len(fieldLevels))
		total := make([]float64, len(fieldLevels))
		for j := range weight {
			weight[j] = map[string]float64{}
		}
		for _, g := range groups {
			for i, post := range e.posteriorsOf(g, odds) {
				for j, l := range g[i].levels {
					if l != "" {
						weight[j][l] += post
						total[j] += post
					}
				}
			}
		}
		for j, f := range fieldLevels {
			if total[j] == 0 {
				continue
			}
			for level, mu := range e.Model.Levels[f.field] {
				mu.M = (weight[j][level] + priorPairs*prior.Levels[f.field][level].M) / (total[j] + priorPairs)
				e.Model.Levels[f.field][level] = mu
			}
		}
	}
}

// trainingPair is one query–candidate pair as EM sees it: the name evidence as modelled, and the
// level of each of fieldLevels ("" when a side lacks the field).
type trainingPair struct {
	name   float64
	levels []string
}

// trainingPairs compares each query with its perQuery most strongly blocked candidates.
func (e *Engine) trainingPairs(queries []*Record, perQuery int) [][]trainingPair {
	ix := e.Index
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var groups [][]trainingPair
	for _, q := range queries {
		q.withToks(nil)
		s := newScorer(ix, e.Model, q)
		cands := ix.candidates(q)
		g := make([]trainingPair, 0, min(len(cands), perQuery))
		for _, pos := range cands[:min(len(cands), perQuery)] {
			r := ix.records[pos]
			p := trainingPair{levels: make([]string, len(fieldLevels))}
			p.name, _ = s.compareNames(q, r, false)
			for i, f := range fieldLevels {
				p.levels[i] = f.level(q, r)
			}
			g = append(g, p)
		}
		s.release()
		if len(g) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

// posteriorsOf returns, under the current model, the chance that each pair of one query is the match.
func (e *Engine) posteriorsOf(g []trainingPair, prior float64) []float64 {
	odds := make([]float64, len(g))
	sum := 1.0
	for i, p := range g {
		w := p.name
		for j, f := range fieldLevels {
			if p.levels[j] != "" {
				w += e.Model.Levels[f.field][p.levels[j]].Weight()
			}
		}
		odds[i] = math.Exp2(min(w, 1000)) * prior
		sum += odds[i]
	}
	for i := range odds {
		odds[i] /= sum
	}
	return odds
}
