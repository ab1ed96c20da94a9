package identify

import (
	"cmp"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/synth"
)

func TestFaceFindsTheChildWithNothingElse(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	e := New()
	taken := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var faces [][]float32
	for i := range 300 {
		f := synth.Face(rnd)
		faces = append(faces, f)
		e.Put(&waymark.Child{ID: string(rune('a'+i%26)) + string(rune('a'+i/26)), GivenNames: "Name", FamilyName: "Family",
			Photos: []waymark.Photo{{ID: "p", Face: f, CreatedAt: taken}}})
	}
	query := func(d float64, when time.Time) []Candidate {
		return e.Identify(&waymark.Child{Photos: []waymark.Photo{{Face: synth.Moved(rnd, faces[42], d), CreatedAt: when}}}, 5)
	}
	soon, later := taken.AddDate(0, 2, 0), taken.AddDate(4, 0, 0)
	for _, c := range []struct {
		d     float64
		when  time.Time
		level string
	}{{0.3, soon, "alike"}, {0.5, soon, "similar"}, {0.3, later, "alike"}} {
		got := query(c.d, c.when)
		if len(got) == 0 || got[0].ChildID != "qb" {
			t.Fatalf("a face %.1f from child 42's: %+v, want child 42 first", c.d, got)
		}
		ev := got[0].Evidence[0]
		if ev.Field != FieldFace || ev.Level != c.level {
			t.Errorf("face %.1f apart: evidence %+v, want face:%s", c.d, ev, c.level)
		}
		t.Logf("face %.1f apart, photos %s apart: %s %.2f (%s), probability %.3f", c.d, c.when.Sub(taken).Round(24*time.Hour), ev.Level, ev.Weight, ev.Detail, got[0].Probability)
	}
	near, far := query(0.3, soon)[0].Evidence[0].Weight, query(0.3, later)[0].Evidence[0].Weight
	if far >= near {
		t.Errorf("the same face 4 years later weighs %.2f, not less than 2 months later (%.2f)", far, near)
	}
	if got := query(1.0, soon); len(got) > 0 && got[0].ChildID == "qb" {
		t.Errorf("a face 1.0 away gathered child 42: %+v", got[0])
	}
}

// TestFaceULearntFromTheRegistry: where the registry's different children's faces are often close
// (a registry of siblings, or a network that separates some faces badly), a close face weighs less.
func TestFaceULearntFromTheRegistry(t *testing.T) {
	weightOfClose := func(spread float64) float64 {
		rnd := rand.New(rand.NewPCG(3, 4))
		e := New()
		base := synth.Face(rnd)
		var faces [][]float32
		for i := range 400 {
			f := synth.Moved(rnd, base, spread*rnd.Float64())
			faces = append(faces, f)
			e.Put(&waymark.Child{ID: string(rune('a'+i%26)) + string(rune('a'+i/26)), GivenNames: "N", Photos: []waymark.Photo{{Face: f, CreatedAt: time.Now()}}})
		}
		ev, ok := faceEvidence(&Record{Faces: []FaceSeen{{Vec: quantize(synth.Moved(rnd, faces[0], 0.5))}}}, &Record{Faces: []FaceSeen{{Vec: quantize(faces[0])}}}, e.Index.faceShares(), e.Model)
		if !ok || ev.Level != "similar" {
			t.Fatalf("evidence %+v, want similar", ev)
		}
		return ev.Weight
	}
	apart, crowded := weightOfClose(3), weightOfClose(0.6)
	t.Logf("close weighs %.2f among faces far apart, %.2f among faces crowded together", apart, crowded)
	if crowded >= apart {
		t.Errorf("close weighs %.2f among crowded faces, not less than %.2f", crowded, apart)
	}
}

// BenchmarkFaceSearch times searches by a face alone over $WAYMARK_BENCH_N children (2,000 by
// default) each with a photo's face, beside an exact scan of every face as floats in the same
// run. The found child's face is 0.1–0.5 from the recorded one. It reports the index's recall
// of the faces the exact scan finds within the gathering distance, and the heap the faces take
// (the engine's with them less the engine's with the same children and no photo).
func BenchmarkFaceSearch(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("WAYMARK_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	rnd := rand.New(rand.NewPCG(5, 6))
	faces := make([][]float32, n)
	for i := range faces {
		faces[i] = synth.Face(rnd)
	}
	now := time.Now()
	build := func(withFaces bool) (*Engine, uint64) {
		before := heap()
		e := New()
		for i, f := range faces {
			c := &waymark.Child{ID: strconv.Itoa(i)}
			if withFaces {
				c.Photos = []waymark.Photo{{Face: f, CreatedAt: now}}
			}
			e.Index.Put(FromChild(c))
		}
		return e, heap() - before
	}
	_, bare := build(false)
	e, held := build(true)
	e.LearnU(1) // as loading the index does
	var lat, exact []time.Duration
	found, wanted := 0, 0
	b.ResetTimer()
	for b.Loop() {
		queries := make([][]float32, 100)
		for i := range queries {
			want := rnd.IntN(n)
			queries[i] = synth.Moved(rnd, faces[want], 0.1+0.4*rnd.Float64())
			t0 := time.Now()
			got := e.Identify(&waymark.Child{Photos: []waymark.Photo{{Face: queries[i], CreatedAt: now}}}, 10)
			lat = append(lat, time.Since(t0))
			if len(got) == 0 || got[0].ChildID != strconv.Itoa(want) {
				b.Fatalf("child %d not found first: %+v", want, got)
			}
		}
		for _, qv := range queries { // apart, as reading every float leaves nothing in the caches
			t0 := time.Now()
			near := exactScan(faces, qv, faceGather)
			exact = append(exact, time.Since(t0))
			e.Index.mu.RLock()
			index := e.Index.faceRows.near(quantize(qv), faceGather)
			e.Index.mu.RUnlock()
			for _, pos := range near[:min(len(near), 10)] {
				wanted++
				if _, ok := index[pos]; ok {
					found++
				}
			}
		}
	}
	b.StopTimer()
	for _, m := range []struct {
		name string
		lat  []time.Duration
	}{{"", lat}, {"exact-", exact}} {
		slices.Sort(m.lat)
		b.ReportMetric(float64(m.lat[len(m.lat)/2].Microseconds())/1000, m.name+"p50-ms")
		b.ReportMetric(float64(m.lat[len(m.lat)*99/100].Microseconds())/1000, m.name+"p99-ms")
	}
	b.ReportMetric(float64(found)/float64(wanted), "recall@10")
	b.ReportMetric(float64(held-bare)/(1<<20), "faces-MiB")
}

// exactScan is every face within limit of q, nearest first, each compared in full as floats.
func exactScan(faces [][]float32, q []float32, limit float64) []int32 {
	type hit struct {
		pos int32
		d   float64
	}
	var hits []hit
	for i, f := range faces {
		s := 0.0
		for j, x := range f {
			d := float64(x - q[j])
			s += d * d
		}
		if s <= limit*limit {
			hits = append(hits, hit{int32(i), s})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return cmp.Compare(a.d, b.d) })
	out := make([]int32, len(hits))
	for i, h := range hits {
		out[i] = h.pos
	}
	return out
}

func heap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestFaceStoreFindsWhatAFullScanFinds: past pqMin faces the store reads most rows by their codes
// alone; it must still find the faces a full scan finds (all but one in a thousand), each at the
// same distance, through faces added after its codes were learnt and faces removed; and leave few
// rows in doubt for any query (the coarse code alone left up to a fifth for a query nearer the
// middle than most faces: searches ten times as slow).
func TestFaceStoreFindsWhatAFullScanFinds(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	var fs faceStore
	vecs := map[int32][]int8{}
	put := func(pos int32, v []float32) {
		q := quantize(v)
		fs.remove(pos)
		fs.add(pos, []FaceSeen{{Vec: q}})
		vecs[pos] = q
	}
	base := make([][]float32, 0, pqMin)
	for pos := range int32(pqMin + 5000) {
		if len(base) > 100 && rnd.IntN(4) == 0 { // a quarter close to another: siblings, twins, one child twice
			put(pos, synth.Moved(rnd, base[rnd.IntN(len(base))], 0.2+0.5*rnd.Float64()))
			continue
		}
		v := synth.Face(rnd)
		base = append(base, v)
		put(pos, v)
	}
	if fs.pq == nil {
		t.Fatalf("%d faces held and no codes", len(vecs))
	}
	for pos := range int32(3000) { // removed, then some faces again: rows move
		fs.remove(pos)
		delete(vecs, pos)
	}
	for pos := int32(0); pos < 1000; pos += 2 {
		put(pos, synth.Moved(rnd, base[rnd.IntN(len(base))], 0.3))
	}
	lim := faceGather * faceScale
	found, wanted, worst := 0, 0, 0
	for i := range 1000 {
		v := synth.Moved(rnd, base[rnd.IntN(len(base))], 0.6*rnd.Float64())
		if i%2 == 1 {
			for j := range v {
				v[j] *= 0.8 // nearer the middle: every face is nearer
			}
		}
		q := quantize(v)
		doubts, codes := 0, fs.pq.query(q, float32(lim))
		for row := range fs.codes {
			if fs.owner[row] >= 0 && codes.inDoubt(&fs.codes[row]) {
				doubts++
			}
		}
		worst = max(worst, doubts)
		want := map[int32]float64{}
		for pos, v := range vecs {
			if d2 := distance8(q, v, math.MaxInt32); float64(d2) <= lim*lim {
				want[pos] = math.Sqrt(float64(d2)) / faceScale
			}
		}
		got := fs.near(q, faceGather)
		for pos, d := range got {
			if want[pos] != d {
				t.Fatalf("query %d: store found %d at %.4f, a full scan at %.4f", i, pos, d, want[pos])
			}
		}
		found, wanted = found+len(got), wanted+len(want)
	}
	t.Logf("the store found %d of the %d faces a full scan finds; at most %d of %d rows in doubt", found, wanted, worst, len(vecs))
	if float64(found) < 0.999*float64(wanted) {
		t.Errorf("the store found %d of the %d faces a full scan finds", found, wanted)
	}
	if worst > len(vecs)/100 {
		t.Errorf("a query left %d of %d rows in doubt", worst, len(vecs))
	}
}

// TestFaceMLearntFromConfirmedMatches: a judgement keeps the face's level with the years between
// the photos, and confirmed matches move that band's m like any other field's.
func TestFaceMLearntFromConfirmedMatches(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 10))
	v := synth.Face(rnd)
	then, later := &Record{Faces: []FaceSeen{{Vec: quantize(v), Day: 0}}}, &Record{Faces: []FaceSeen{{Vec: quantize(synth.Moved(rnd, v, 0.3)), Day: 4 * 365}}}
	u := faceUPrior
	m := DefaultModel()
	before, _ := faceEvidence(later, then, u, m)
	if got := before.Judged(); got != "face_3y:alike" {
		t.Fatalf("a face alike four years on is judged %q", got)
	}
	// Photos four years apart of children confirmed as one: alike half the time, where the shipped
	// m says a quarter.
	var confirmed [][]string
	for i := range 100 {
		level := "face_3y:unlike"
		switch {
		case i < 50:
			level = "face_3y:alike"
		case i < 75:
			level = "face_3y:similar"
		case i < 90:
			level = "face_3y:faint"
		}
		confirmed = append(confirmed, []string{level, "name:exact"})
	}
	moved, refused, _ := m.LearnM(confirmed)
	if !slices.Contains(moved, "face_3y") || len(refused) > 0 {
		t.Fatalf("moved %v, refused %v", moved, refused)
	}
	after, _ := faceEvidence(later, then, u, m)
	t.Logf("alike four years on: m %.2f → %.2f, %.2f → %.2f bits", DefaultModel().Levels["face_3y"]["alike"].M, m.Levels["face_3y"]["alike"].M, before.Weight, after.Weight)
	if after.Weight <= before.Weight {
		t.Errorf("confirmed matches alike four years on: weight %.2f, was %.2f", after.Weight, before.Weight)
	}
	if soon, _ := faceEvidence(&Record{Faces: []FaceSeen{{Vec: quantize(v), Day: 30}}}, then, u, m); soon.Judged() != "face:alike" {
		t.Errorf("a face alike a month on is judged %q", soon.Judged())
	}
}

// TestQuantizeKeepsRealFaces: the sample photos' faces reach ±0.5 (session 26 kept bytes of ±0.32,
// clipping them); distances between faces held as bytes stay within a hundredth of the floats'
// where the faces differ in a number that far out.
func TestQuantizeKeepsRealFaces(t *testing.T) {
	rnd := rand.New(rand.NewPCG(11, 12))
	for range 200 {
		a := synth.Face(rnd)
		b := synth.Moved(rnd, a, 0.2+0.4*rnd.Float64())
		i, sign := rnd.IntN(len(a)), float32(1-2*rnd.IntN(2))
		a[i], b[i] = 0.5*sign, 0.3*sign
		exact := 0.0
		for j := range a {
			d := float64(a[j] - b[j])
			exact += d * d
		}
		if got := faceDistance(quantize(a), quantize(b)); math.Abs(got-math.Sqrt(exact)) > 0.01 {
			t.Fatalf("held as bytes %.4f apart, as floats %.4f", got, math.Sqrt(exact))
		}
	}
}

// TestParallelGivesEveryPartOnce: every part's result comes back, in order, for any n.
func TestParallelGivesEveryPartOnce(t *testing.T) {
	for _, n := range []int{0, 1, parallelPart - 1, parallelPart, parallelPart + 1, 3*parallelPart + parallelPart/2} {
		got := parallel(n, func(from, to int) [2]int { return [2]int{from, to} })
		if want := (n + parallelPart - 1) / parallelPart; len(got) != want {
			t.Fatalf("n %d: %d parts, want %d", n, len(got), want)
		}
		for p, r := range got {
			if r != [2]int{p * parallelPart, min(n, (p+1)*parallelPart)} {
				t.Fatalf("n %d: part %d is %v", n, p, r)
			}
		}
	}
}
