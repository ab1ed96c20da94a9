package identify

import (
	"cmp"
	"slices"

	"github.com/waymark-org/waymark"
)

// Bands of a candidate, from its probability.
const (
	Strong   = "strong"
	Possible = "possible"
	Weak     = "weak"
)

// Band thresholds on the calibrated probability.
var (
	StrongAt   = 0.95
	PossibleAt = 0.30
)

// Candidate is one child the found child may be, with why.
type Candidate struct {
	ChildID     string     `json:"child_id"`
	Ref         string     `json:"ref"`
	OrgID       string     `json:"org_id"`
	Score       float64    `json:"score"`
	Probability float64    `json:"probability"`
	Band        string     `json:"band"`
	Evidence    []Evidence `json:"evidence"`
}

// Answer is a search's result: the candidates, best first, and what the searcher must know of the
// recorded children not among them.
type Answer struct {
	Candidates []Candidate
	// Tied counts the candidates beyond the limit that score exactly as the last one given: what the
	// found child gave cannot order them, so the one sought may be among them.
	Tied int
	// Apart lists the fields the found child left blank in which those tied children's records
	// differ (FieldDateOfBirth, FieldPhone …): what to ask to tell them apart. Empty when none.
	Apart []string
	// Crowded counts the children holding names like those given where too many do to gather by
	// them alone: the fewest holding any two of the names together (or the one name given) among
	// those too common; 0 when none is. A search that finds no one then says so, rather than that
	// the child is not recorded.
	Crowded int
}

// Engine ranks candidates for a found child. A person confirms a match; the engine never merges.
type Engine struct {
	Index *Index
	Model *Model
}

// New returns an engine with an empty index and the default model.
func New() *Engine { return &Engine{Index: NewIndex(), Model: DefaultModel()} }

// Put adds or replaces a child in the index.
func (e *Engine) Put(c *waymark.Child) { e.Index.Put(FromChild(c)) }

// Identify returns at most limit candidates for what the found child gives, best first.
func (e *Engine) Identify(q *waymark.Child, limit int) []Candidate {
	return e.rank(FromChild(q), limit, "").Candidates
}

// Search is Identify, with what is known of the children it leaves out.
func (e *Engine) Search(q *waymark.Child, limit int) Answer {
	r := FromChild(q)
	a := e.rank(r, limit, "")
	e.Index.mu.RLock()
	defer e.Index.mu.RUnlock()
	a.Crowded = e.Index.crowded(r)
	return a
}

// rank answers q with at most limit candidates (all, when limit is 0), leaving out the child skip.
func (e *Engine) rank(q *Record, limit int, skip string) Answer {
	q.withToks(nil)
	ix := e.Index
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := newScorer(ix, e.Model, q)
	defer s.release()
	cands := ix.candidates(q, s.neighbours)
	all, odds := make([]scored, 0, len(cands)), make([]float64, 0, len(cands))
	for _, pos := range cands {
		if ix.records[pos].ChildID == skip {
			continue
		}
		score, _ := s.score(q, ix.records[pos], false)
		all = append(all, scored{pos, score})
	}
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	for _, c := range all {
		odds = append(odds, e.Model.odds(c.score, ix.live))
	}
	probs := e.Model.posteriors(odds)
	var a Answer
	if limit > 0 && len(all) > limit {
		a.Tied, a.Apart = ix.tiedBeyond(q, all, limit)
		all = all[:limit]
	}
	out := make([]Candidate, len(all))
	for i, c := range all {
		r := ix.records[c.pos]
		_, ev := s.score(q, r, true)
		out[i] = Candidate{ChildID: r.ChildID, Ref: r.Ref, OrgID: r.OrgID, Score: round2(c.score), Probability: probs[i], Band: band(probs[i]), Evidence: ev}
	}
	a.Candidates = out
	return a
}

// scored is a candidate's position in the index and its score.
type scored struct {
	pos   int32
	score float64
}

// tiedBeyond counts the candidates after the first limit (best first) that score as the last of
// them, and lists what q leaves blank in which that tied group differs.
func (ix *Index) tiedBeyond(q *Record, all []scored, limit int) (int, []string) {
	last := round2(all[limit-1].score)
	first, end := limit-1, limit
	for first > 0 && round2(all[first-1].score) == last {
		first--
	}
	for end < len(all) && round2(all[end].score) == last {
		end++
	}
	if end == limit {
		return 0, nil
	}
	group := make([]*Record, 0, end-first)
	for _, c := range all[first:end] {
		group = append(group, ix.records[c.pos])
	}
	return end - limit, apart(q, group)
}

// apart lists the fields q leaves blank in which the records differ: a date of birth, sex or
// nationality that is not the same for all, or a phone, document, mark or fingerprint or DNA
// reference that any of them holds.
func apart(q *Record, rs []*Record) []string {
	var out []string
	differ := func(field string, blank bool, same func(a, b *Record) bool) {
		if blank && slices.ContainsFunc(rs[1:], func(r *Record) bool { return !same(r, rs[0]) }) {
			out = append(out, field)
		}
	}
	held := func(field string, blank bool, values func(*Record) []string) {
		if blank && slices.ContainsFunc(rs, func(r *Record) bool { return len(values(r)) > 0 }) {
			out = append(out, field)
		}
	}
	differ(FieldDateOfBirth, q.DOB == 0, func(a, b *Record) bool { return a.DOB == b.DOB && a.DOBEst == b.DOBEst })
	differ(FieldSex, q.Sex == 0, func(a, b *Record) bool { return a.Sex == b.Sex })
	differ(FieldNationality, len(q.Nats) == 0, func(a, b *Record) bool { return slices.Equal(a.Nats, b.Nats) })
	held(FieldPhone, len(q.Phones) == 0, func(r *Record) []string { return r.Phones })
	held(FieldDocument, len(q.Docs) == 0, func(r *Record) []string { return r.Docs })
	held(FieldMarks, len(q.Marks) == 0, func(r *Record) []string { return r.Marks })
	held(FieldBiometric, len(q.Bios) == 0, func(r *Record) []string { return r.Bios })
	return out
}

// Judged returns how a recorded child compares with what the found child gave — its comparison
// levels, "field:level", one per name token and field — and the probability the engine gives it
// among the found child's candidates (0 when it is not among the first hundred). ok is false when
// the index does not hold the child.
func (e *Engine) Judged(q *waymark.Child, childID string) (levels []string, probability float64, ok bool) {
	var ev []Evidence
	found := e.Identify(q, 100)
	if i := slices.IndexFunc(found, func(c Candidate) bool { return c.ChildID == childID }); i >= 0 {
		ev, probability = found[i].Evidence, found[i].Probability
	} else if ev, ok = e.explain(FromChild(q), childID); !ok {
		return nil, 0, false
	}
	for _, v := range ev {
		levels = append(levels, v.Judged())
	}
	return levels, probability, true
}

// explain scores one recorded child against q.
func (e *Engine) explain(q *Record, childID string) ([]Evidence, bool) {
	q.withToks(nil)
	ix := e.Index
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	pos, ok := ix.byChild[childID]
	if !ok {
		return nil, false
	}
	s := newScorer(ix, e.Model, q)
	defer s.release()
	_, ev := s.score(q, ix.records[pos], true)
	return ev, true
}

func band(p float64) string {
	switch {
	case p >= StrongAt:
		return Strong
	case p >= PossibleAt:
		return Possible
	}
	return Weak
}
