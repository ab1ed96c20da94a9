package identify

import (
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// fieldLevels are the comparisons whose u is learned from random pairs (the name levels take u
// from each key's own frequency instead).
var fieldLevels = []struct {
	field string
	level func(q, r *Record) string
}{
	{FieldDateOfBirth, dobLevel}, {FieldSex, sexLevel}, {FieldNationality, natLevel}, {FieldPhone, phoneLevel}, {FieldDocument, docLevel},
	{FieldBiometric, bioLevel}, {FieldMarks, markLevel},
}

// EstimateU sets u for every level of those fields from n random pairs of records (no more than
// the registry holds): how often two different children agree at that level by chance, drawn
// toward the model's u as if uPseudo more pairs had agreed with it, so that a registry just begun
// keeps the model's u and a large one decides for itself.
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
	for range min(n, ix.live*(ix.live-1)/2) {
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
			mu.U = (float64(counts[field][level]) + uPseudo*mu.U) / (float64(present[field]) + uPseudo)
			levels[level] = mu
		}
	}
}

// uPseudo is how many pairs' worth the model's u keeps where the registry's pairs teach u: enough
// that a registry of a hundred children, whose 4,950 pairs share no birthday, does not take a
// shared date for three times rarer than the model does; a tenth of the pairs drawn in a large one.
const uPseudo = 20_000

// LearnU learns u from the registry the engine holds, as waymark serve does at start-up before
// any search: every field's levels from random pairs of different children (EstimateU), and the
// date of birth's levels between namesakes by how many children hold the name
// (EstimateNamesakeU), and the face's levels (faceShares). The model is the engine's own afterwards: the shipped one is not changed.
func (e *Engine) LearnU(seed uint64) {
	e.Model = e.Model.clone()
	e.EstimateU(200_000, seed)
	e.EstimateNamesakeU(200_000, seed+1)
	e.Index.mu.RLock()
	defer e.Index.mu.RUnlock()
	e.Index.faceShares() // the faces' u, learnt now rather than at the first search
}

// namesakeBands are the bands of how many recorded children hold a name (two of its tokens by
// their sounds): 2–9, 10–99, 100–999, 1,000 or more.
const namesakeBands = 4

func namesakeBand(holders int) int {
	switch {
	case holders < 2:
		return -1
	case holders < 10:
		return 0
	case holders < 100:
		return 1
	case holders < 1000:
		return 2
	}
	return 3
}

// EstimateNamesakeU sets, for each band of how many children hold a name, u of every date-of-birth
// level between different children who hold it: the chance that a namesake's date agrees at that
// level, which independence of names and dates would make the same for every name. Where a common
// name is given mostly to children born on a few days, or on one day in different years (a
// registration custom, or a family's), a birthday kept with the year out tells little between its
// holders. Drawn from n namesake pairs (a random child, one of its names' pairs of tokens, another
// child holding it), toward the field's u as if namesakePseudo more pairs had agreed with it.
func (e *Engine) EstimateNamesakeU(n int, seed uint64) {
	ix := e.Index
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	rng := rand.New(rand.NewPCG(seed, seed+1))
	var counts [namesakeBands]map[string]int
	var pairs [namesakeBands]int
	var buf [1]int32
	for range min(n, ix.live*(ix.live-1)/2) {
		a := ix.records[rng.IntN(len(ix.records))]
		if a == nil || a.DOB == 0 {
			continue
		}
		ks := a.pairKeys()
		if len(ks) == 0 {
			continue
		}
		holders := ix.post.get(ks[rng.IntN(len(ks))].hash(), &buf)
		band := namesakeBand(len(holders))
		if band < 0 {
			continue
		}
		b := ix.records[holders[rng.IntN(len(holders))]]
		if b == nil || b == a {
			continue
		}
		if l := dobLevel(a, b); l != "" {
			if counts[band] == nil {
				counts[band] = map[string]int{}
			}
			counts[band][l]++
			pairs[band]++
		}
	}
	for band := range e.Model.Namesakes {
		u := map[string]float64{}
		for level, mu := range e.Model.Levels[FieldDateOfBirth] {
			u[level] = (float64(counts[band][level]) + namesakePseudo*mu.U) / (float64(pairs[band]) + namesakePseudo)
		}
		e.Model.Namesakes[band] = u
	}
}

// namesakePseudo is how many pairs' worth the field's u keeps beside the namesakes' pairs.
const namesakePseudo = 500

// priorPairs is how many pairs' worth of weight the priors' m keeps in EM's estimate: where
// the data say little (a level no probe reached), m stays near the prior instead of collapsing to
// zero and turning one disagreement into a veto.
const priorPairs = 20

// minSeen is how many matched tokens (in expectation) must show a name level before EM's m replaces
// the prior: a level the data barely show — a spelling from the table of known variants, in the
// synthetic world — would otherwise come to count against a candidate.
const minSeen = 30

// EstimateM re-estimates m for every field and level — name tokens included — by
// expectation–maximisation over unlabelled pairs: each query with its most strongly blocked
// candidates. No labels are used; u stays as it is (sampled by EstimateU, or each name's and
// number's own frequency). In the E-step a query's candidates compete, as in ranking: a found child
// is at most one recorded child, so the chance that a pair matches is its odds over one plus the
// odds of all its query's pairs. Without that constraint the match class soaks up every pair of
// alike names and m drifts towards u.
//
// A field's m is learnt only from pairs not blocked on that field (pairs found by name would
// teach that names always agree): the other fields' from pairs blocked by every rule, the names'
// from pairs found by phone, document or date of birth alone.
func (e *Engine) EstimateM(queries []*Record, perQuery, iterations int) {
	notName := func(f string) bool { return f != FieldName }
	e.em(e.trainingPairs(queries, perQuery, true), notName, iterations)
	e.em(e.trainingPairs(queries, perQuery, false), func(f string) bool { return f == FieldName }, iterations)
}

// em runs the iterations over one set of pairs, updating the fields learn admits.
func (e *Engine) em(groups [][]trainingPair, learn func(field string) bool, iterations int) {
	if len(groups) == 0 {
		return
	}
	prior, odds := Priors(), e.Model.odds(0, e.Index.Len())
	for range iterations {
		weight, total := map[fieldLevel]float64{}, map[string]float64{}
		for _, g := range groups {
			for i, post := range e.posteriorsOf(g, odds) {
				for _, o := range g[i].seen {
					weight[o] += post
					total[o.field] += post
				}
			}
		}
		e.Model.mStep(prior, weight, total, learn)
	}
}

// mStep sets m for every level of the fields learn admits from how often matches show it: its
// share of the field's (expected) observations, pulled towards prior's m by priorPairs of them. A
// name level seen fewer than minSeen times keeps prior's m.
func (m *Model) mStep(prior *Model, seen map[fieldLevel]float64, total map[string]float64, learn func(field string) bool) {
	for field, levels := range m.Levels {
		if total[field] == 0 || !learn(field) {
			continue
		}
		for level, mu := range levels {
			w, p := seen[fieldLevel{field, level}], prior.Levels[field][level].M
			if field == FieldName && w < minSeen { // too rare among the pairs to say more than the prior does
				mu.M = p
			} else {
				mu.M = (w + priorPairs*p) / (total[field] + priorPairs)
			}
			levels[level] = mu
		}
	}
}

// minJudged is how many confirmed matches must show a field before they move its m.
const minJudged = 30

// LearnM re-estimates m from the matches people confirmed, each given as its comparison levels
// ("field:level"), as EM's M-step does from expected matches, pulled towards the current m. It
// returns the fields it moved. A deployment's confirmed matches are the candidates ranked high
// enough to be looked at, so agreement is over-represented among them; the pull, the minimum and
// name levels' minSeen keep a few months' confirmations from turning a disagreement into a veto.
// A field is not moved, and is returned as refused, where re-learning would raise any level's m
// more than MaxShift times, or lower a level that held a tenth of the matches or more to under a
// MaxShift-th: confirmations that say so are more likely made up (or a world changed beyond what a
// few of them should decide) than a better estimate. Rare levels that no confirmation showed fall
// further by themselves, as the pull towards the prior allows; that is not held against a field.
func (m *Model) LearnM(confirmed [][]string) (moved, refused []string, changes []Change) {
	seen, total, judged := map[fieldLevel]float64{}, map[string]float64{}, map[string]int{}
	for _, levels := range confirmed {
		in := map[string]bool{}
		for _, fl := range levels {
			field, level, _ := strings.Cut(fl, ":")
			if _, ok := m.Levels[field][level]; ok {
				seen[fieldLevel{field, level}]++
				total[field]++
				in[field] = true
			}
		}
		for field := range in {
			judged[field]++
		}
	}
	learn := func(field string) bool { return judged[field] >= minJudged }
	learnt := m.clone()
	learnt.mStep(m, seen, total, learn)
	for _, field := range slices.Sorted(maps.Keys(m.Levels)) {
		if !learn(field) {
			continue
		}
		var these []Change
		plausible := true
		for _, level := range slices.Sorted(maps.Keys(m.Levels[field])) {
			c := Change{Field: field, Level: level, Was: m.Levels[field][level].M, Now: learnt.Levels[field][level].M, Seen: int(seen[fieldLevel{field, level}])}
			plausible = plausible && c.Now <= c.Was*MaxShift && (c.Was < 0.1 || c.Now >= c.Was/MaxShift)
			these = append(these, c)
		}
		changes = append(changes, these...)
		if !plausible {
			refused = append(refused, field)
			continue
		}
		m.Levels[field] = learnt.Levels[field]
		moved = append(moved, field)
	}
	return moved, refused, changes
}

// MaxShift is how many times higher or lower than before re-learning may set a level's m.
const MaxShift = 3.0

// Change is what re-learning made of one level's m, and how often confirmed matches showed it.
type Change struct {
	Field, Level string
	Was, Now     float64
	Seen         int
}

func (m *Model) clone() *Model {
	c := *m
	c.Levels = map[string]map[string]MU{}
	for field, levels := range m.Levels {
		c.Levels[field] = maps.Clone(levels)
	}
	for band, u := range m.Namesakes {
		c.Namesakes[band] = maps.Clone(u)
	}
	return &c
}

type fieldLevel struct{ field, level string }

// trainingPair is one query–candidate pair as EM sees it: the levels seen (one per name token and
// per field both sides hold), and what the pair's weight is apart from those levels' m, −Σ log2 u.
type trainingPair struct {
	seen []fieldLevel
	base float64
}

// trainingPairs compares each query with its perQuery most strongly blocked candidates (blocked
// on names too, or not).
func (e *Engine) trainingPairs(queries []*Record, perQuery int, byName bool) [][]trainingPair {
	ix := e.Index
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var groups [][]trainingPair
	for _, q := range queries {
		q.withToks(nil)
		s := newScorer(ix, e.Model, q)
		var near func(int) []*tok
		if byName {
			near = s.neighbours
		}
		cands := ix.gather(q, near)
		g := make([]trainingPair, 0, min(len(cands), perQuery))
		for _, pos := range cands[:min(len(cands), perQuery)] {
			var p trainingPair
			_, ev := s.score(q, ix.records[pos], true)
			for _, v := range ev {
				p.seen = append(p.seen, fieldLevel{v.modelField(), v.Level})
				p.base += v.Weight - math.Log2(e.Model.Levels[v.modelField()][v.Level].M)
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
		w := p.base
		for _, o := range p.seen {
			w += math.Log2(e.Model.Levels[o.field][o.level].M)
		}
		odds[i] = math.Exp2(min(w, 1000)) * prior
		sum += odds[i]
	}
	for i := range odds {
		odds[i] /= sum
	}
	return odds
}
