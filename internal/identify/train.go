package identify

import "math/rand/v2"

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
