package identify

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
)

// Evidence is one field's contribution to a candidate's score.
type Evidence struct {
	Field  string  `json:"field"`
	Level  string  `json:"level"`
	Weight float64 `json:"weight"`
	Detail string  `json:"detail,omitempty"`
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
	case JaroWinkler(q.text, r.text) >= 0.88: // a misspelling of a rare name is rare
		return Similar, key{k: kToken, s: r.text}
	}
	return NoMatch, key{}
}

// tokMatch is how one query token meets one record token, and what that weighs.
type tokMatch struct {
	level string
	w     float64
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
		case Similar: // and a name like a common one given is no rarer than that one
			share = max(share, s.ix.share(key{k: kToken, s: qt.text}))
		}
		m.w = round2(s.model.weight(FieldName, level, share))
	}
	s.memo[qi][rt] = m
	return m
}

// compareNames finds the best one-to-one assignment of the query's tokens to the record's (over
// every name and alias, in any order) and weighs each; a query token with no counterpart counts
// against the candidate. Evidence is written only when explain is set.
func (s *scorer) compareNames(q, r *Record, explain bool) (float64, []Evidence) {
	type pair struct {
		qi, ri int
		m      tokMatch
	}
	var buf [32]pair
	pairs := buf[:0]
	for qi := range q.toks {
		for ri, rt := range r.toks {
			if m := s.tokenMatch(q, qi, rt); m.level != NoMatch {
				pairs = append(pairs, pair{qi, ri, m})
			}
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int { return cmp.Compare(b.m.w, a.m.w) })
	var usedQ, usedR uint64 // bit sets; tokens past the 64th are never assigned
	total := 0.0
	var ev []Evidence
	for _, p := range pairs {
		if p.qi >= 64 || p.ri >= 64 || usedQ&(1<<p.qi) != 0 || usedR&(1<<p.ri) != 0 {
			continue
		}
		usedQ, usedR = usedQ|1<<p.qi, usedR|1<<p.ri
		total += p.m.w
		if explain {
			ev = append(ev, Evidence{FieldName, p.m.level, p.m.w, q.toks[p.qi].text + " ~ " + r.toks[p.ri].text})
		}
	}
	// The tokens of one false name fail together: a name with no counterpart at all counts once;
	// beside a matched token, each unmatched one (a dropped middle name, say) counts on its own.
	if usedQ == 0 {
		if len(q.toks) > 0 {
			w := s.levelWeight[NoMatch]
			total += w
			if explain {
				ev = append(ev, Evidence{FieldName, NoMatch, w, strings.Join(q.Tokens, " ")})
			}
		}
		return total, ev
	}
	for qi := range q.toks {
		if qi < 64 && usedQ&(1<<qi) != 0 {
			continue
		}
		w := s.levelWeight[ExtraToken]
		total += w
		if explain {
			ev = append(ev, Evidence{FieldName, ExtraToken, w, q.toks[qi].text})
		}
	}
	return total, ev
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
	levelWeight map[string]float64  // name levels without a key
	held        map[string]float64  // share of records holding each of the query's phones, documents and biometric references
}

// memos keeps the token memo maps between queries: grown once, cleared and reused, they spare
// the collector most of what a query would otherwise leave behind.
var memos = sync.Pool{New: func() any { return map[*tok]tokMatch{} }}

func newScorer(ix *Index, model *Model, q *Record) *scorer {
	s := &scorer{ix: ix, model: model, memo: make([]map[*tok]tokMatch, len(q.toks)), levelWeight: map[string]float64{}}
	for i := range s.memo {
		s.memo[i] = memos.Get().(map[*tok]tokMatch)
	}
	for _, l := range []string{NoMatch, ExtraToken} {
		s.levelWeight[l] = round2(model.weight(FieldName, l, noTF))
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
	total, ev := s.compareNames(q, r, explain)
	for _, f := range fieldLevels {
		if level := f.level(q, r); level != "" {
			w := round2(s.model.weight(f.field, level, s.sharedU(f.field, level, q, r)))
			total += w
			if explain {
				ev = append(ev, Evidence{Field: f.field, Level: level, Weight: w})
				if f.field == FieldMarks {
					ev[len(ev)-1].Detail = markDetail(q, r, level)
				}
			}
		}
	}
	slices.SortStableFunc(ev, func(a, b Evidence) int { return cmp.Compare(b.Weight, a.Weight) })
	return total, ev
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
