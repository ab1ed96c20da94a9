package identify

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
)

// Evidence is one field's contribution to a candidate's score.
type Evidence struct {
	Field  string  `json:"field"`
	Level  string  `json:"level"`
	Weight float64 `json:"weight"`
	Detail string  `json:"detail,omitempty"` // what agreed: the name given ~ the name recorded, or what was given alone
	given  string  // the part of Detail the searcher gave, all Conceal leaves
	model  string  // the model's field for the level, where it is not Field
}

// Judged is the evidence as a judgement keeps it and re-learning reads it, "field:level": a face's
// field says how many years lay between the photos (face, face_1y, face_3y).
func (e Evidence) Judged() string { return e.modelField() + ":" + e.Level }

func (e Evidence) modelField() string { return cmp.Or(e.model, e.Field) }

// Conceal leaves in the evidence only what the searcher gave: a candidate whose record they may
// not see tells nothing of it (a recorded name in Detail) until a reason is given.
func (c *Candidate) Conceal() {
	for i := range c.Evidence {
		c.Evidence[i].Detail = c.Evidence[i].given
	}
}

// tokenLevel compares two name tokens, most alike first, returning the level and the key whose
// commonness sets u (the zero key for levels without one).
func tokenLevel(q, r *tok) (string, key) {
	switch {
	case q == r || q.text == r.text:
		return Exact, key{k: kToken, s: q.text}
	case q.variant != "" && q.variant == r.variant:
		return VariantSpelling, key{k: kVariant, s: q.variant}
	case q.phon == r.phon:
		return SoundsAlike, key{k: kPhonetic, s: q.phon}
	case len(q.text) > 2 && q.skel == r.skel && q.skel != "":
		return SameConsonants, key{k: kSkeleton, s: q.skel}
	case alike(q.text, r.text): // a misspelling of a rare name is rare
		return Similar, key{k: kToken, s: r.text}
	}
	return NoMatch, key{}
}

// tokMatch is how one query token meets one record token, and what that weighs.
type tokMatch struct {
	level string
	w     float64
}

// neighbours is the recorded names one edit from query token qi, found once per query: blocking
// and scoring both ask.
func (s *scorer) neighbours(qi int) []*tok {
	if !s.found[qi] {
		s.typos[qi], s.found[qi] = s.ix.neighbours(s.q.toks[qi]), true
	}
	return s.typos[qi]
}

// nearShare is the share of records holding a name one edit from query token qi: how often a
// name merely like the one given turns up by chance. Worked out once per query token.
func (s *scorer) nearShare(qi int) float64 {
	if s.near[qi] < 0 {
		s.near[qi] = 0
		for _, u := range s.neighbours(qi) {
			s.near[qi] += s.ix.share(key{k: kToken, s: u.text})
		}
	}
	return s.near[qi]
}

// tokenMatch compares query token qi with a record token, remembering the answer: the candidates of
// one query share their tokens, so most comparisons repeat.
func (s *scorer) tokenMatch(q *Record, qi int, rt *tok) tokMatch {
	if m, ok := s.memo[qi][rt]; ok {
		return m
	}
	qt := q.toks[qi]
	level, k := tokenLevel(qt, rt)
	m := tokMatch{level: level}
	if level != NoMatch {
		share := noTF
		if k.k != 0 {
			share = s.ix.share(k)
		}
		switch level {
		case Exact: // one spelling of a common name is no rarer than the name
			share = max(share, s.ix.share(key{k: kPhonetic, s: qt.phon})/4)
		case Similar: // and a name one letter from common ones is no rarer than they are together
			share = max(share, s.ix.share(key{k: kToken, s: qt.text}), s.nearShare(qi))
		}
		m.w = round2(s.model.weight(FieldName, level, share))
	}
	s.memo[qi][rt] = m
	return m
}

// namePair is one query token assigned to one record token, and what that weighs.
type namePair struct {
	qi, ri int
	m      tokMatch
}

// assignment is a one-to-one assignment of query tokens to record tokens (bit sets; tokens past
// the 64th are never assigned), its total weight and the pairs it took.
type assignment struct {
	usedQ, usedR uint64
	total        float64
	pairs        []namePair
}

// assign assigns greedily, strongest pair first, the record tokens of the names in mask only,
// keeping the pairs it takes in buf.
func assign(buf []namePair, pairs []namePair, r *Record, mask uint8) assignment {
	a := assignment{pairs: buf[:0]}
	for _, p := range pairs {
		if p.qi >= 64 || p.ri >= 64 || a.usedQ&(1<<p.qi) != 0 || a.usedR&(1<<p.ri) != 0 || r.inNames(p.ri)&mask == 0 {
			continue
		}
		a.usedQ, a.usedR = a.usedQ|1<<p.qi, a.usedR|1<<p.ri
		a.total += p.m.w
		a.pairs = append(a.pairs, p)
	}
	return a
}

// across reports whether the assignment takes its tokens from two or more of the record's names
// with no one name holding them all, and the names it drew on.
func (a *assignment) across(r *Record) (bool, uint8) {
	common, drawn := uint8(allNames), uint8(0)
	for _, p := range a.pairs {
		m := r.inNames(p.ri)
		common &= m
		if m != allNames {
			drawn |= m
		}
	}
	return len(a.pairs) > 1 && common == 0, drawn
}

// compareNames finds the best one-to-one assignment of the query's tokens to the record's (over
// every name and alias, in any order) and weighs each; a query token with no counterpart counts
// against the candidate, and so does taking the tokens from two of the record's names where no
// one name holds them (a found child gives one name, not a given name of one alias and the
// family name of another), unless that still beats the best assignment within one name.
// Evidence is written only when explain is set.
func (s *scorer) compareNames(q, r *Record, explain bool) (float64, []Evidence, bool) {
	var buf [32]namePair
	pairs := buf[:0]
	for qi := range q.toks {
		for ri, rt := range r.toks {
			if m := s.tokenMatch(q, qi, rt); m.level != NoMatch {
				pairs = append(pairs, namePair{qi, ri, m})
			}
		}
	}
	slices.SortFunc(pairs, func(a, b namePair) int { return cmp.Compare(b.m.w, a.m.w) })
	var taken [8]namePair
	best := assign(taken[:], pairs, r, allNames)
	if mixed, drawn := best.across(r); mixed { // seldom: each name on its own, afresh
		best.total += s.levelWeight[AcrossNames]
		for ; drawn != 0; drawn &= drawn - 1 {
			if one := assign(nil, pairs, r, drawn&-drawn); s.withExtra(q, one) > s.withExtra(q, best) {
				best = one
			}
		}
	}
	left := r.notGiven(best.usedR)
	total := s.withExtra(q, best) + float64(bits.OnesCount64(left))*s.levelWeight[NotGiven]
	return total, s.evidence(q, r, best, left, explain), namesake(q, best)
}

// namesake reports whether an assignment meets every token of the query's name, two or more, by
// spelling or sound: the record holds the name.
func namesake(q *Record, a assignment) bool {
	return len(q.toks) >= 2 && len(a.pairs) == len(q.toks) && !slices.ContainsFunc(a.pairs, func(p namePair) bool {
		return p.m.level != Exact && p.m.level != SoundsAlike
	})
}

// withExtra is an assignment's total with its query tokens left unassigned counted against it.
func (s *scorer) withExtra(q *Record, a assignment) float64 {
	if a.usedQ == 0 {
		if len(q.toks) > 0 {
			return a.total + s.levelWeight[NoMatch]
		}
		return a.total
	}
	return a.total + float64(len(q.toks)-len(a.pairs))*s.levelWeight[ExtraToken]
}

// evidence explains an assignment: the tokens of one false name fail together, so a name with no
// counterpart at all counts once; beside a matched token, each unmatched one (a dropped middle
// name, say) counts on its own.
func (s *scorer) evidence(q, r *Record, a assignment, left uint64, explain bool) []Evidence {
	if !explain {
		return nil
	}
	var ev []Evidence
	for _, p := range a.pairs {
		given := q.toks[p.qi].text
		ev = append(ev, Evidence{Field: FieldName, Level: p.m.level, Weight: p.m.w, Detail: given + " ~ " + r.toks[p.ri].text, given: given})
	}
	if mixed, _ := a.across(r); mixed {
		ev = append(ev, Evidence{Field: FieldName, Level: AcrossNames, Weight: s.levelWeight[AcrossNames]})
	}
	if a.usedQ == 0 {
		if len(q.toks) > 0 {
			given := strings.Join(q.Tokens, " ")
			ev = append(ev, Evidence{Field: FieldName, Level: NoMatch, Weight: s.levelWeight[NoMatch], Detail: given, given: given})
		}
		return ev
	}
	for qi := range q.toks {
		if qi >= 64 || a.usedQ&(1<<qi) == 0 {
			ev = append(ev, Evidence{Field: FieldName, Level: ExtraToken, Weight: s.levelWeight[ExtraToken], Detail: q.toks[qi].text, given: q.toks[qi].text})
		}
	}
	for ; left != 0; left &= left - 1 { // the record's token: told only to those who may see the child
		ev = append(ev, Evidence{Field: FieldName, Level: NotGiven, Weight: s.levelWeight[NotGiven], Detail: r.toks[bits.TrailingZeros64(left)].text})
	}
	return ev
}

func dobLevel(q, r *Record) string {
	if q.DOB == 0 || r.DOB == 0 {
		return ""
	}
	qy, qm, qd := dateOf(q.DOB)
	ry, rm, rd := dateOf(r.DOB)
	years := qy - ry
	if years < 0 {
		years = -years
	}
	if q.DOBEst || r.DOBEst {
		switch { // an assessment is as often a year out as right, but far more often right than any one other year
		case years == 0:
			return EstimateSameYear
		case years <= 1:
			return EstimateCompatible
		case years <= 2:
			return EstimateNear
		}
		return Disagree
	}
	days := q.DOB - r.DOB
	switch {
	case days == 0:
		return Exact
	case qy == ry && int(qm) == rd && qd == int(rm):
		return DayMonthSwapped
	case qm == rm && qd == rd && years == 1:
		return YearOut
	case qm == rm && qd == rd && years <= 5:
		return YearsApart
	case days >= -366 && days <= 366:
		return WithinYear
	}
	return Disagree
}

func natLevel(q, r *Record) string { return listLevel(q.Nats, r.Nats, neighbours, Neighbour) }

func phoneLevel(q, r *Record) string {
	return listLevel(q.Phones, r.Phones, func(a, b string) bool { return phoneTail(a) == phoneTail(b) }, LastDigits)
}

// listLevel compares two lists of values: Exact if any value is shared, nearLevel if any pair is
// near, otherwise Disagree; "" when either side has none.
func listLevel(qs, rs []string, near func(a, b string) bool, nearLevel string) string {
	if len(qs) == 0 || len(rs) == 0 {
		return ""
	}
	level := Disagree
	for _, a := range qs {
		for _, b := range rs {
			if a == b {
				return Exact
			}
			if near(a, b) {
				level = nearLevel
			}
		}
	}
	return level
}

func docLevel(q, r *Record) string {
	if len(q.Docs) == 0 || len(r.Docs) == 0 {
		return ""
	}
	for _, a := range q.Docs {
		if slices.Contains(r.Docs, a) {
			return Exact
		}
	}
	return Disagree
}

// bioLevel compares references of one kind only: a fingerprint record says nothing of a DNA sample.
func bioLevel(q, r *Record) string {
	level := ""
	for _, a := range q.Bios {
		kind := a[:strings.IndexByte(a, ':')+1]
		for _, b := range r.Bios {
			if a == b {
				return Exact
			}
			if strings.HasPrefix(b, kind) {
				level = Disagree
			}
		}
	}
	return level
}

func sexLevel(q, r *Record) string {
	switch {
	case q.Sex == 0 || r.Sex == 0:
		return ""
	case q.Sex == r.Sex:
		return Exact
	}
	return Disagree
}

// scorer weighs candidates against one model and index, for one query.
type scorer struct {
	ix          *Index
	model       *Model
	memo        []map[*tok]tokMatch // per query token
	q           *Record
	near        []float64          // per query token: nearShare, or -1 until asked
	typos       [][]*tok           // per query token: its neighbours, once found
	found       []bool             // per query token: typos holds its neighbours
	levelWeight map[string]float64 // name levels without a key
	held        map[string]float64 // share of records holding each of the query's phones, documents and biometric references
	status      *[2]Evidence       // what being missing now (1) or not (0) weighs; nil when it says nothing
	faceU       [4]float64         // u of each face level, when the query has a face
	namesakeU   map[string]float64 // u of each date-of-birth level between the query's namesakes; nil when not learnt
}

// memos keeps the token memo maps between queries: grown once, cleared and reused, they spare
// the collector most of what a query would otherwise leave behind.
var memos = sync.Pool{New: func() any { return map[*tok]tokMatch{} }}

func newScorer(ix *Index, model *Model, q *Record) *scorer {
	n := len(q.toks)
	s := &scorer{ix: ix, model: model, q: q, memo: make([]map[*tok]tokMatch, n), near: make([]float64, n), typos: make([][]*tok, n), found: make([]bool, n), levelWeight: map[string]float64{}}
	for i := range s.memo {
		s.memo[i] = memos.Get().(map[*tok]tokMatch)
		s.near[i] = -1
	}
	for _, l := range []string{NoMatch, ExtraToken, AcrossNames, NotGiven} {
		s.levelWeight[l] = round2(model.weight(FieldName, l, noTF))
	}
	s.status = statusEvidence(ix, model, q)
	if band := namesakeBand(ix.namesakes(q)); band >= 0 {
		s.namesakeU = model.Namesakes[band]
	}
	if len(q.Faces) > 0 {
		s.faceU = ix.faceShares()
	}
	if len(q.Phones)+len(q.Docs)+len(q.Bios)+len(q.Marks) > 0 {
		s.held = map[string]float64{}
		for _, p := range q.Phones {
			s.held[p] = ix.held(key{k: kPhone, s: p})
			s.held[phoneTail(p)] = ix.held(key{k: kPhoneTail, s: phoneTail(p)})
		}
		for _, d := range q.Docs {
			s.held[d] = ix.held(key{k: kDoc, s: d})
		}
		for _, b := range q.Bios {
			s.held[b] = ix.held(key{k: kBio, s: b})
		}
		for _, m := range q.Marks {
			s.held[m] = ix.held(key{k: kMark, s: m})
		}
	}
	return s
}

// statusEvidence weighs a candidate's being missing now against the share of the registry that
// is: a found child is most often a child reported missing, and the fewer are missing, the more
// being one of them tells. It says nothing when no one is missing, or when the query is itself a
// recorded child (two records of one child are no likelier among the missing).
func statusEvidence(ix *Index, model *Model, q *Record) *[2]Evidence {
	if q.ChildID != "" || ix.missing == 0 {
		return nil
	}
	share := max(float64(ix.missing)/float64(ix.live), minMissingShare)
	return &[2]Evidence{
		{Field: FieldStatus, Level: NotMissing, Weight: round2(model.weight(FieldStatus, NotMissing, 1-share))},
		{Field: FieldStatus, Level: MissingNow, Weight: round2(model.weight(FieldStatus, MissingNow, share))},
	}
}

// minMissingShare is the least share of the registry taken to be missing: in a registry just
// begun, with few episodes recorded, being one of the few missing would otherwise outweigh a name.
const minMissingShare = 0.01

// sharedU is the term-frequency u of a phone, document, biometric reference or mark agreeing at
// level: the share of other records holding the rarest value (or, for last digits, the rarest
// tail) the two have in common. A number a trafficker gives to many children, or one document
// forged for several, is weak evidence; a child's own number is strong. A mark is never rarer than
// markFloor: however few records hold "scar, left hand", many children have one.
func (s *scorer) sharedU(field, level string, q, r *Record) float64 {
	var qs, rs []string
	same := func(v string) string { return v }
	switch {
	case field == FieldPhone && level == Exact:
		qs, rs = q.Phones, r.Phones
	case field == FieldPhone && level == LastDigits:
		qs, rs, same = q.Phones, r.Phones, phoneTail
	case field == FieldDocument && level == Exact:
		qs, rs = q.Docs, r.Docs
	case field == FieldBiometric && level == Exact:
		qs, rs = q.Bios, r.Bios
	case field == FieldMarks && level == Exact:
		return max(rarestShared(q.Marks, r.Marks, s.held, same), markFloor)
	default:
		return noTF
	}
	return rarestShared(qs, rs, s.held, same)
}

// markFloor is the least share of children a described mark is taken to fit.
const markFloor = 0.001

func rarestShared(qs, rs []string, held map[string]float64, same func(string) string) float64 {
	u := noTF
	for _, v := range qs {
		k := same(v)
		if slices.ContainsFunc(rs, func(w string) bool { return same(w) == k }) && (u < 0 || held[k] < u) {
			u = held[k]
		}
	}
	return u
}

// release hands the scorer's memo maps back for the next query; the scorer is not used again.
func (s *scorer) release() {
	for _, m := range s.memo {
		clear(m)
		memos.Put(m)
	}
	s.memo = nil
}

// score returns the candidate's total weight and, when explain is set, the evidence for it,
// strongest first.
func (s *scorer) score(q, r *Record, explain bool) (float64, []Evidence) {
	total, ev, namesake := s.compareNames(q, r, explain)
	if s.status != nil {
		e := s.status[count(r.Missing)]
		total += e.Weight
		if explain {
			ev = append(ev, e)
		}
	}
	for _, f := range fieldLevels {
		if level := f.level(q, r); level != "" {
			share := s.sharedU(f.field, level, q, r)
			if f.field == FieldDateOfBirth && namesake && s.namesakeU != nil {
				share = s.namesakeU[level]
			}
			w := round2(s.model.weight(f.field, level, share))
			total += w
			if explain {
				ev = append(ev, Evidence{Field: f.field, Level: level, Weight: w})
				if f.field == FieldMarks { // the query's mark: the record's own are not told
					d := markDetail(q, r, level)
					ev[len(ev)-1].Detail, ev[len(ev)-1].given = d, d
				}
			}
		}
	}
	if e, ok := dnaEvidence(q, r); ok {
		total, ev = weighed(total, ev, e, explain)
	}
	if e, ok := faceEvidence(q, r, s.faceU, s.model); ok {
		total, ev = weighed(total, ev, e, explain)
	}
	slices.SortStableFunc(ev, func(a, b Evidence) int { return cmp.Compare(b.Weight, a.Weight) })
	return total, ev
}

// weighed adds e to the total, and to the evidence when it is explained.
func weighed(total float64, ev []Evidence, e Evidence, explain bool) (float64, []Evidence) {
	if explain {
		ev = append(ev, e)
	}
	return total + e.Weight, ev
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
