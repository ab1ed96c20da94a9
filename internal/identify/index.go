package identify

import (
	"hash/maphash"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"
)

// Index holds every record in memory with posting lists for the blocking rules. It is safe for
// concurrent use; writes replace a record in place.
type Index struct {
	mu       sync.RWMutex
	records  []*Record           // by position; nil where a record was removed
	byChild  map[string]int32    // child id → position
	post     postings            // blocking key's hash → positions
	df       map[uint64]int32    // how many records hold each name key (for term-frequency weights)
	toks     map[string]*tok     // interned name tokens with their keys
	orgIDs   map[string]string   // interned organisation ids
	natSets  map[string][]string // interned nationality lists: a few hundred, shared and so in cache
	markSets map[string][]string // interned mark lists, likewise
	live     int
	missing  int    // live records of children missing now
	gen      uint64 // bumped by every Put and Remove
	faced    int    // live records with a face
	faceU    faceU
	faceRows faceStore
}

// kind names a posting list family.
type kind uint8

const (
	kToken kind = iota + 1
	kPhonetic
	kSkeleton
	kVariant
	kPhone
	kPhoneTail
	kDoc
	kTokenYear // a name's phonetic key with a birth year: blocks on common names
	kDOBSex
	kPair // two name tokens' phonetic keys, in either order: selective where each alone is common
	kBio
	kMark // not blocked on: counted, for how common a mark is
	kDNA  // a locus's genotype in a DNA profile (or that it is not typed)
)

type key struct {
	k   kind
	s   string
	num int32
}

var keySeed = maphash.MakeSeed()

// hash is what the index keeps of a key: eight bytes and no pointer instead of a string per
// posting list. Two keys colliding (about one chance in 10¹² at national scale) would only add
// candidates, which scoring then judges on their own facts.
func (k key) hash() uint64 { return maphash.Comparable(keySeed, k) }

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{byChild: map[string]int32{}, post: newPostings(), df: map[uint64]int32{}, toks: map[string]*tok{}, orgIDs: map[string]string{}, natSets: map[string][]string{}, markSets: map[string][]string{}}
}

// Len reports how many records the index holds.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.live
}

// nameKeys are the keys of one token, for blocking and term frequencies.
func nameKeys(t *tok) []key {
	ks := []key{{k: kToken, s: t.text}, {k: kPhonetic, s: t.phon}, {k: kSkeleton, s: t.skel}}
	if t.variant != "" {
		ks = append(ks, key{k: kVariant, s: t.variant})
	}
	return ks
}

func (ix *Index) intern(t string) *tok {
	if k, ok := ix.toks[t]; ok {
		return k
	}
	k := newTok(t)
	ix.toks[t] = k
	return k
}

// interned returns the value m already holds for k, or keeps v as it: many records then share one
// copy. Records never change what they hold.
func interned[T any](m map[string]T, k string, v T) T {
	if c, ok := m[k]; ok {
		return c
	}
	m[k] = v
	return v
}

func birthYear(r *Record) int32 {
	if r.DOB == 0 {
		return 0
	}
	y, _, _ := dateOf(r.DOB)
	return int32(y)
}

// keys lists every posting key of a record, each once.
func (r *Record) keys() []key {
	var ks []key
	year := birthYear(r)
	for _, t := range r.toks {
		ks = append(ks, nameKeys(t)...)
		if year != 0 {
			ks = append(ks, key{k: kTokenYear, s: t.phon, num: year})
		}
	}
	ks = append(ks, r.pairKeys()...)
	for _, p := range r.Phones {
		ks = append(ks, key{k: kPhone, s: p}, key{k: kPhoneTail, s: phoneTail(p)})
	}
	for _, d := range r.Docs {
		ks = append(ks, key{k: kDoc, s: d})
	}
	for _, b := range r.Bios {
		ks = append(ks, key{k: kBio, s: b})
	}
	for _, m := range r.Marks {
		ks = append(ks, key{k: kMark, s: m})
	}
	for _, c := range r.DNA {
		ks = append(ks, dnaKeys(c)...)
	}
	if r.DOB != 0 && !r.DOBEst {
		ks = append(ks, key{k: kDOBSex, num: r.DOB, s: string(rune(r.Sex))})
	}
	slices.SortFunc(ks, compareKeys)
	return slices.Compact(ks)
}

// maxPairTokens bounds the pair keys of one record (n tokens make n·(n-1)/2 pairs).
const maxPairTokens = 5

// pairKeys are the keys of two of the tokens one of the record's names holds, by their sounds —
// alike or not: Jing Zhang's two sound the same, and are no commoner together.
func (r *Record) pairKeys() []key {
	var ks []key
	n := min(len(r.toks), maxPairTokens)
	for i := range n {
		for j := i + 1; j < n; j++ {
			if r.inNames(i)&r.inNames(j) != 0 {
				ks = append(ks, pairKey(r.toks[i].phon, r.toks[j].phon))
			}
		}
	}
	return ks
}

// pairKey is the key of two name sounds, in either order.
func pairKey(a, b string) key {
	if a > b {
		a, b = b, a
	}
	return key{k: kPair, s: a + " " + b}
}

func compareKeys(a, b key) int {
	if a.k != b.k {
		return int(a.k) - int(b.k)
	}
	if a.num != b.num {
		return int(a.num - b.num)
	}
	switch {
	case a.s < b.s:
		return -1
	case a.s > b.s:
		return 1
	}
	return 0
}

func isNameKey(k kind) bool { return k <= kVariant }

// Put adds a record, or replaces the record of the same child. A record as the index holds it
// already — a write of this process, read back from the change feed — changes nothing, not even
// the generation, so a duplicates report made since stays current.
func (ix *Index) Put(r *Record) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	r.withToks(ix.intern)
	r.Tokens = nil // the interned toks hold the text
	r.OrgID = interned(ix.orgIDs, r.OrgID, r.OrgID)
	if len(r.Nats) > 0 {
		r.Nats = interned(ix.natSets, strings.Join(r.Nats, ","), r.Nats)
	}
	if len(r.Marks) > 0 {
		r.Marks = interned(ix.markSets, strings.Join(r.Marks, ","), r.Marks)
	}
	pos, ok := ix.byChild[r.ChildID]
	if ok && r.same(ix.records[pos]) {
		return
	}
	ix.gen++
	ix.missing += count(r.Missing)
	if ok {
		ix.unlink(pos)
		ix.missing -= count(ix.records[pos].Missing)
		ix.records[pos] = r
		ix.link(pos)
		return
	}
	pos = int32(len(ix.records))
	ix.records = append(ix.records, r)
	ix.byChild[r.ChildID] = pos
	ix.link(pos)
	ix.live++
}

// Remove drops a child's record.
func (ix *Index) Remove(childID string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if pos, ok := ix.byChild[childID]; ok {
		ix.gen++
		ix.unlink(pos)
		ix.missing -= count(ix.records[pos].Missing)
		ix.records[pos] = nil
		delete(ix.byChild, childID)
		ix.live--
	}
}

func count(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (ix *Index) link(pos int32) {
	if len(ix.records[pos].Faces) > 0 {
		ix.faced++
		ix.faceRows.add(pos, ix.records[pos].Faces)
	}
	for _, k := range ix.records[pos].keys() {
		h := k.hash()
		ix.post.add(h, pos)
		if isNameKey(k.k) {
			ix.df[h]++
		}
	}
}

func (ix *Index) unlink(pos int32) {
	if len(ix.records[pos].Faces) > 0 {
		ix.faced--
		ix.faceRows.remove(pos)
	}
	for _, k := range ix.records[pos].keys() {
		h := k.hash()
		ix.post.remove(h, pos)
		if isNameKey(k.k) {
			if ix.df[h]--; ix.df[h] <= 0 {
				delete(ix.df, h)
			}
		}
	}
}

// Blocking limits: a name key shared by more records than rareCap blocks only together with a
// birth year; no query gathers more than maxCandidates.
const (
	rareCap       = 2000
	maxCandidates = 800
	rareTypo      = 30          // a name held by fewer is more likely a misspelling of another than a name
	commonPairCap = 4 * rareCap // the most holders of a full name read one by one for their birth year
)

// candidates gathers the positions that any strict blocking rule links to q, the most often
// linked first; near gives the recorded names one edit from each of q's tokens. The caller holds
// the read lock.
func (ix *Index) candidates(q *Record, near func(qi int) []*tok) []int32 { return ix.gather(q, near) }

// gather is candidates, with the rules on names left out when near is nil: pairs so found are
// unbiased for learning how names agree.
func (ix *Index) gather(q *Record, near func(qi int) []*tok) []int32 {
	t := tallies.Get().(*tally)
	defer tallies.Put(t)
	t.reset(len(ix.records))
	b := &blocker{ix: ix, t: t}
	for _, p := range q.Phones {
		b.add(key{k: kPhone, s: p}, 8, 0)
		b.add(key{k: kPhoneTail, s: phoneTail(p)}, 4, rareCap)
	}
	for _, d := range q.Docs {
		b.add(key{k: kDoc, s: d}, 8, 0)
	}
	for _, bio := range q.Bios {
		b.add(key{k: kBio, s: bio}, 8, 0)
	}
	ix.gatherDNA(q.DNA, b)
	ix.gatherFaces(q.Faces, b)
	if q.DOB != 0 && !q.DOBEst {
		for _, sex := range sexes(q) {
			b.add(key{k: kDOBSex, num: q.DOB, s: sex}, 4, rareCap)
		}
	}
	if near != nil {
		found := len(t.touched)
		ix.byName(q, b, near)
		if len(t.touched) > maxCandidates {
			b.addCommon(t.touched[:found])
		}
	}
	out := make([]int32, 0, len(t.touched))
	lean := q.ChildID == "" && ix.missing > 0 && len(t.touched) > maxCandidates
	for _, pos := range t.touched {
		if r := ix.records[pos]; r != nil {
			out = append(out, pos)
			if lean && r.Missing { // where the cap must choose among the alike, the missing go first
				t.hits[pos]++
			}
		}
	}
	return mostLinked(out, t.hits, maxCandidates)
}

// mostLinked sorts the n positions with the most hits first, ties to the earlier recorded, and
// drops the rest. Only those that may be among the n are sorted, not the thousands a common name
// links.
func mostLinked(out, hits []int32, n int) []int32 {
	if len(out) > n {
		var count [256]int
		for _, pos := range out {
			count[min(max(hits[pos], 0), 255)]++
		}
		least, kept := int32(0), 0
		for h := 255; h > 0 && kept < n; h-- {
			kept += count[h]
			least = int32(h)
		}
		out = slices.DeleteFunc(out, func(pos int32) bool { return hits[pos] < least })
	}
	order := make([]uint64, len(out)) // most hits first, then position: sorted as plain numbers
	for i, pos := range out {
		order[i] = uint64(math.MaxInt32-hits[pos])<<32 | uint64(pos)
	}
	slices.Sort(order)
	for i, o := range order {
		out[i] = int32(uint32(o))
	}
	return out[:min(len(out), n)]
}

// sexes are the sexes a query's date of birth is looked up with: its own, or any when not given.
func sexes(q *Record) []string {
	if q.Sex != 0 {
		return []string{string(rune(q.Sex))}
	}
	return []string{"\x00", "M", "F"}
}

// byName adds the candidates that the rules on names link to q.
func (ix *Index) byName(q *Record, b *blocker, neighbours func(qi int) []*tok) {
	year := birthYear(q)
	for i, t := range q.toks {
		b.add(key{k: kToken, s: t.text}, 3, rareCap)
		byPhon := b.add(key{k: kPhonetic, s: t.phon}, 2, rareCap)
		bySkel := b.add(key{k: kSkeleton, s: t.skel}, 1, rareCap/2)
		if t.variant != "" {
			b.add(key{k: kVariant, s: t.variant}, 2, rareCap)
		}
		var near []*tok
		if ix.df[key{k: kToken, s: t.text}.hash()] < rareTypo {
			near = neighbours(i)
		}
		for _, u := range near {
			if byPhon && u.phon == t.phon || bySkel && u.skel == t.skel {
				continue // linked already
			}
			b.add(key{k: kToken, s: u.text}, 1, rareCap/2)
			for _, o := range q.toks { // beside another name, a misspelt common one is selective
				if o != t && o.phon != u.phon {
					b.add(pairKey(u.phon, o.phon), 1, rareCap)
				}
			}
		}
		if year != 0 { // common names: within two years of the stated or assessed birth year
			for y := year - 2; y <= year+2; y++ {
				b.add(key{k: kTokenYear, s: t.phon, num: y}, 2, rareCap)
			}
		}
	}
	for _, k := range q.pairKeys() {
		b.addPair(k, 4, year)
	}
	if q.DOB == 0 || q.DOBEst {
		return
	}
	// A child a year out, claiming to be an adult, or younger than they are, keeps the birthday;
	// one whose date was written the other way round keeps its numbers. Children born on such a
	// day who share a name are linked however common it is.
	y, m, d := dateOf(q.DOB)
	var days []int32
	for apart := 1; apart <= 5; apart++ {
		days = append(days, dayOfDate(y-apart, m, d), dayOfDate(y+apart, m, d))
	}
	if d <= 12 && d != int(m) {
		days = append(days, dayOfDate(y, time.Month(d), int(m)))
	}
	for _, day := range days {
		for _, sex := range sexes(q) {
			b.addIf(key{k: kDOBSex, num: day, s: sex}, 2, rareCap, q.sharesName)
		}
	}
}

// crowded is Crowded for a query record; the caller holds the read lock.
func (ix *Index) crowded(q *Record) int {
	ks := q.pairKeys()
	if len(q.toks) == 1 {
		ks = []key{{k: kPhonetic, s: q.toks[0].phon}}
	}
	fewest, buf := 0, [1]int32{}
	for _, k := range ks {
		if n := len(ix.post.get(k.hash(), &buf)); n > rareCap && (fewest == 0 || n < fewest) {
			fewest = n
		}
	}
	return fewest
}

// sharesName reports whether r holds a name sounding like one of q's.
func (q *Record) sharesName(r *Record) bool {
	for _, a := range q.toks {
		for _, b := range r.toks {
			if a.phon == b.phon {
				return true
			}
		}
	}
	return false
}

// blocker counts, for one query, the blocking keys that link it to each record.
type blocker struct {
	ix     *Index
	t      *tally
	buf    [1]int32
	common []weighted // keys too common to gather by
}

type weighted struct {
	k      key
	weight int32
}

// addCommon counts the name keys too common to gather by for the records found by a date of
// birth, phone or document: when the cap must choose, a child sharing a birthday and a common
// family name outranks the children found by a rarer given name's sound alone.
func (b *blocker) addCommon(found []int32) {
	for _, pos := range found {
		r := b.ix.records[pos]
		if r == nil {
			continue
		}
		year := birthYear(r)
		for _, c := range b.common {
			if r.holds(c.k, year) {
				b.t.hits[pos] += c.weight
			}
		}
	}
}

// holds reports whether r, born in year, has the name or date key k; other kinds are not asked.
func (r *Record) holds(k key, year int32) bool {
	switch k.k {
	case kDOBSex:
		return r.DOB == k.num && !r.DOBEst && string(rune(r.Sex)) == k.s
	case kTokenYear:
		if year != k.num {
			return false
		}
	}
	for _, t := range r.toks {
		switch {
		case k.k == kToken && t.text == k.s, k.k == kPhonetic && t.phon == k.s, k.k == kSkeleton && t.skel == k.s,
			k.k == kVariant && t.variant == k.s, k.k == kTokenYear && t.phon == k.s:
			return true
		}
	}
	return false
}

// add counts every record holding k, unless more than limit (when positive) do, and reports
// whether it did.
func (b *blocker) add(k key, weight int32, limit int) bool { return b.addIf(k, weight, limit, nil) }

// addIf is add for the records that keep accepts (all, when keep is nil).
func (b *blocker) addIf(k key, weight int32, limit int, keep func(*Record) bool) bool {
	list := b.ix.post.get(k.hash(), &b.buf)
	if limit > 0 && len(list) > limit {
		if keep == nil {
			b.common = append(b.common, weighted{k, weight})
		}
		return false
	}
	weight += rarity(len(list))
	hits := b.t.hits
	for _, pos := range list {
		if keep != nil && (b.ix.records[pos] == nil || !keep(b.ix.records[pos])) {
			continue
		}
		if hits[pos] == 0 {
			b.t.touched = append(b.t.touched, pos)
		}
		hits[pos] += weight
	}
	return true
}

// touch counts one record.
func (b *blocker) touch(pos int32, weight int32) {
	if b.t.hits[pos] == 0 {
		b.t.touched = append(b.t.touched, pos)
	}
	b.t.hits[pos] += weight
}

// addPair adds the records holding two names; when too many do, those born within two years of
// year (when known), as a common full name is still selective beside an age.
func (b *blocker) addPair(k key, weight int32, year int32) {
	if b.add(k, weight, rareCap) || year == 0 {
		return
	}
	from, to := dayOfDate(int(year)-2, 1, 1), dayOfDate(int(year)+3, 1, 1)
	b.addIf(k, weight, commonPairCap, func(r *Record) bool { return r.DOB >= from && r.DOB < to })
}

// rarity is what a key shared by n records adds to each one's count: a rare key (a name few
// children hold) says more than a common one, so the candidates kept are those most likely to
// score well, not those met by the most keys.
func rarity(n int) int32 { return int32(max(0, 12-bits.Len(uint(n)))) }

// tally counts a query's blocking hits per record position: a dense array, reused across queries
// (only the touched positions are cleared), is several times faster than a map.
type tally struct {
	hits    []int32
	touched []int32
}

var tallies = sync.Pool{New: func() any { return new(tally) }}

func (t *tally) reset(n int) {
	for _, pos := range t.touched {
		if int(pos) < len(t.hits) {
			t.hits[pos] = 0
		}
	}
	t.touched = t.touched[:0]
	if len(t.hits) < n {
		t.hits = make([]int32, n+n/8)
	}
}

// held returns the share of records on a key's posting list beyond the one a candidate is: how
// often another child holds the value.
// namesakes is how many other records hold q's name: the fewest that hold any two of its tokens.
func (ix *Index) namesakes(q *Record) int {
	var buf [1]int32
	fewest := -1
	for _, k := range q.pairKeys() {
		holders := ix.post.get(k.hash(), &buf)
		n := len(holders)
		if pos, ok := ix.byChild[q.ChildID]; ok && slices.Contains(holders, pos) {
			n--
		}
		if fewest < 0 || n < fewest {
			fewest = n
		}
	}
	return fewest
}

func (ix *Index) held(k key) float64 {
	var buf [1]int32
	return float64(max(len(ix.post.get(k.hash(), &buf))-1, 0)) / float64(max(ix.live, 1))
}

// share returns how common a name key is: the fraction of records holding it (counting at least
// one), drawn toward namePrior as if namePseudo more children had been recorded. A registry of one
// child would otherwise take that child's name for everyone's, and agreeing on it would weigh
// against them; at a thousand children and more the registry's own counts decide.
func (ix *Index) share(k key) float64 {
	return (float64(max(ix.df[k.hash()], 1)) + namePseudo*namePrior) / (float64(ix.live) + namePseudo)
}

// namePrior is the share of children taken to hold a name before the registry says otherwise (one
// in a thousand), weighed as namePseudo children.
const (
	namePrior  = 0.001
	namePseudo = 100
)

// WithPhone returns the children whose own recorded phones include phone (E.164).
func (ix *Index) WithPhone(phone string) []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var buf [1]int32
	var out []string
	for _, pos := range ix.post.get(key{k: kPhone, s: phone}.hash(), &buf) {
		if r := ix.records[pos]; r != nil && slices.Contains(r.Phones, phone) {
			out = append(out, r.ChildID)
		}
	}
	return out
}

// Ref returns a recorded child's reference and responsible organisation ("" when not recorded).
func (ix *Index) Ref(childID string) (ref, orgID string) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if pos, ok := ix.byChild[childID]; ok && ix.records[pos] != nil {
		return ix.records[pos].Ref, ix.records[pos].OrgID
	}
	return "", ""
}
