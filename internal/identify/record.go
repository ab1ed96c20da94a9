package identify

import (
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/dna"
)

// Record is what the engine keeps of a child: every name token (over all names), the date of birth
// as a day number, and the identifiers that block and compare.
type Record struct {
	ChildID string
	Ref     string
	OrgID   string
	Tokens  []string // every name token, over all names; an indexed record keeps them in toks only
	toks    []*tok
	names   uint64 // byte i: the names holding token i (bit j: name j); 0 when the child has one name
	DOB     int32  // days since 1900-01-01; 0 when unknown
	DOBEst  bool   // the date stands for an assessed or claimed year (see assessedYear)
	Sex     byte   // 'M', 'F' or 0
	scripts uint8  // bit i: token i is held only by names in their own script (of a child with aliases)
	Nats    []string
	Phones  []string
	Docs    []string
	Bios    []string // "fingerprint:REF" or "dna:REF"
	Marks   []string // MarkKeys of the child's distinguishing marks
	DNA     []dna.Code
	Faces   []FaceSeen
	Missing bool // a missing or absent episode is open
}

var epoch = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

func dayNumber(date string) int32 {
	t, err := time.Parse(waymark.DateLayout, date)
	if err != nil || t.Before(epoch) {
		return 0
	}
	return dayOf(t)
}

// assessedYear reports whether a child's date of birth stands for a year only: marked as assessed,
// or 1 January, the date an assessed or guessed age is written as whether or not the form says
// so. A child's date given a year out on 1 January is then not taken for a birthday kept.
func assessedYear(c *waymark.Child) bool {
	return c.DOBEstimated || strings.HasSuffix(c.DateOfBirth, "-01-01")
}

// dayOf is a date's day number.
func dayOf(t time.Time) int32 { return int32(t.Sub(epoch).Hours() / 24) }

// dayOfDate is the day number of a calendar date (out-of-range days roll over, as time.Date's do).
func dayOfDate(y int, m time.Month, d int) int32 {
	return dayOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// dateOf turns a day number back into year, month and day.
func dateOf(d int32) (int, time.Month, int) {
	return epoch.AddDate(0, 0, int(d)).Date()
}

// FromChild makes a record (or, with no ChildID, a query) from a child's facts.
func FromChild(c *waymark.Child) *Record {
	r := &Record{ChildID: c.ID, Ref: c.Ref, OrgID: c.OrgID, DOB: dayNumber(c.DateOfBirth), DOBEst: assessedYear(c), Nats: c.Nationalities(),
		Missing: c.MissingNow}
	if c.Sex != "" {
		r.Sex = c.Sex[0]
	}
	at := map[string]int{}
	var latin uint8
	for i, n := range c.AllNames() {
		bit := uint64(1) << min(i, 7)
		inLatin := n.Script() == "Latin"
		if !inLatin { // a name in its own script writes the child's (first) name
			bit = 1
		}
		for _, t := range NameTokens(n.GivenNames + " " + n.FamilyName) {
			j, ok := at[t]
			if !ok {
				j, at[t] = len(r.Tokens), len(r.Tokens)
				r.Tokens = append(r.Tokens, t)
			}
			if j < 8 && len(c.Aliases) > 0 {
				r.names |= bit << (8 * j)
				if inLatin {
					latin |= 1 << j
				}
			}
		}
	}
	if r.names != 0 {
		r.scripts = ^latin & uint8(1<<min(len(r.Tokens), 8)-1)
	}
	for _, p := range c.Phones {
		if e, err := waymark.NormalizePhone(p); err == nil {
			r.Phones = append(r.Phones, e)
		}
	}
	for _, d := range c.Documents {
		if n := waymark.NormalizeDocumentNumber(d.Number); n != "" {
			r.Docs = append(r.Docs, n)
		}
	}
	for _, b := range c.Biometrics {
		if n := waymark.NormalizeDocumentNumber(b.Reference); n != "" && b.Kind != "" {
			r.Bios = append(r.Bios, b.Kind+":"+n)
		}
	}
	r.Marks = MarkKeys(c.Marks)
	for _, b := range c.Biometrics {
		if p, err := dna.Parse(b.Profile); b.Kind == "dna" && err == nil {
			r.DNA = append(r.DNA, p.Code())
		}
	}
	for _, p := range c.Photos {
		if len(p.Face) > 0 {
			r.Faces = append(r.Faces, FaceSeen{Vec: quantize(p.Face), Day: dayOf(p.CreatedAt)})
		}
	}
	return r
}

// allNames is the mask of a token that every name holds; the ninth token on counts as one.
const allNames = 0xff

// inNames returns the mask of the names holding token i.
func (r *Record) inNames(i int) uint8 {
	if r.names == 0 || i >= 8 {
		return allNames
	}
	return uint8(r.names >> (8 * i))
}

// notGiven returns the tokens of the record's name that a query matching the tokens in used did
// not give: a name given in part. Of a child with aliases, the name the query drew on that leaves
// fewest out counts, and a name in its own script (which repeats the first name) counts for none.
func (r *Record) notGiven(used uint64) uint64 {
	if used == 0 {
		return 0
	}
	if r.names == 0 {
		return ^used & (1<<min(len(r.toks), 64) - 1)
	}
	var drawn uint8
	for i := range min(len(r.toks), 8) {
		if used&(1<<i) != 0 {
			drawn |= r.inNames(i)
		}
	}
	best, found := uint64(0), false
	for ; drawn != 0; drawn &= drawn - 1 {
		name, left := drawn&-drawn, uint64(0)
		for i := range min(len(r.toks), 8) {
			if r.inNames(i)&name != 0 && used&(1<<i) == 0 && r.scripts&(1<<i) == 0 {
				left |= 1 << i
			}
		}
		if !found || bits.OnesCount64(left) < bits.OnesCount64(best) {
			best, found = left, true
		}
	}
	return best
}

// asQuery returns an indexed record as a query: the same facts, its tokens as text.
func (r *Record) asQuery() *Record {
	q := *r
	q.Tokens, q.toks = make([]string, len(r.toks)), nil
	for i, t := range r.toks {
		q.Tokens[i] = t.text
	}
	return &q
}

// tok is a name token with its keys, computed once.
type tok struct{ text, phon, skel, variant string }

func newTok(t string) *tok { return &tok{t, Phonetic(t), Skeleton(t), Variant(t)} }

// withToks fills r.toks, through intern when it is given (index records share their tokens).
func (r *Record) withToks(intern func(string) *tok) *Record {
	r.toks = make([]*tok, len(r.Tokens))
	for i, t := range r.Tokens {
		if intern != nil {
			r.toks[i] = intern(t)
		} else {
			r.toks[i] = newTok(t)
		}
	}
	return r
}

// same reports whether two records of the index hold the same facts (their tokens interned).
func (r *Record) same(o *Record) bool {
	return r.ChildID == o.ChildID && r.Ref == o.Ref && r.OrgID == o.OrgID && r.names == o.names && r.scripts == o.scripts && r.DOB == o.DOB &&
		r.DOBEst == o.DOBEst && r.Sex == o.Sex && r.Missing == o.Missing && slices.Equal(r.toks, o.toks) &&
		slices.Equal(r.Nats, o.Nats) && slices.Equal(r.Phones, o.Phones) && slices.Equal(r.Docs, o.Docs) &&
		slices.Equal(r.Bios, o.Bios) && slices.Equal(r.Marks, o.Marks) && slices.Equal(r.DNA, o.DNA) &&
		slices.EqualFunc(r.Faces, o.Faces, func(a, b FaceSeen) bool { return a.Day == b.Day && slices.Equal(a.Vec, b.Vec) })
}

// phoneTail is the last digits of a number: a phone written without its country code, or with
// the wrong one, still meets its record.
func phoneTail(e164 string) string {
	if len(e164) <= 8 {
		return e164
	}
	return e164[len(e164)-8:]
}
