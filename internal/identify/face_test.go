package identify

import (
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
)

// randomFace is an embedding like the network's: 128 numbers of about 0.09 each, so that two
// drawn at random are about 1.0 apart (the network's different people: 0.6–1.0).
func randomFace(rnd *rand.Rand) []float32 {
	v := make([]float32, 128)
	for i := range v {
		v[i] = float32(rnd.NormFloat64() * 0.0625)
	}
	return v
}

// moved is v moved d away in a random direction.
func moved(rnd *rand.Rand, v []float32, d float64) []float32 {
	dir := randomFace(rnd)
	n := distance(dir, make([]float32, len(dir)), math.Inf(1))
	out := make([]float32, len(v))
	for i := range v {
		out[i] = v[i] + float32(float64(dir[i])/n*d)
	}
	return out
}

func TestFaceFindsTheChildWithNothingElse(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	e := New()
	taken := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var faces [][]float32
	for i := range 300 {
		f := randomFace(rnd)
		faces = append(faces, f)
		e.Put(&waymark.Child{ID: string(rune('a'+i%26)) + string(rune('a'+i/26)), GivenNames: "Name", FamilyName: "Family",
			Photos: []waymark.Photo{{ID: "p", Face: f, CreatedAt: taken}}})
	}
	query := func(d float64, when time.Time) []Candidate {
		return e.Identify(&waymark.Child{Photos: []waymark.Photo{{Face: moved(rnd, faces[42], d), CreatedAt: when}}}, 5)
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
		base := randomFace(rnd)
		var faces [][]float32
		for i := range 400 {
			f := moved(rnd, base, spread*rnd.Float64())
			faces = append(faces, f)
			e.Put(&waymark.Child{ID: string(rune('a'+i%26)) + string(rune('a'+i/26)), GivenNames: "N", Photos: []waymark.Photo{{Face: f, CreatedAt: time.Now()}}})
		}
		ev, ok := faceEvidence(&Record{Faces: []FaceSeen{{Vec: moved(rnd, faces[0], 0.5)}}}, &Record{Faces: []FaceSeen{{Vec: faces[0]}}}, e.Index.faceShares())
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
// default) each with a photo's face: every face is compared, most given up after a few of its
// numbers. The found child's face is 0.3 from the recorded one.
func BenchmarkFaceSearch(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("WAYMARK_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	rnd := rand.New(rand.NewPCG(5, 6))
	e := New()
	faces := make([][]float32, n)
	now := time.Now()
	for i := range n {
		faces[i] = randomFace(rnd)
		e.Index.Put(FromChild(&waymark.Child{ID: strconv.Itoa(i), Photos: []waymark.Photo{{Face: faces[i], CreatedAt: now}}}))
	}
	var lat []time.Duration
	runtime.GC()
	b.ResetTimer()
	for b.Loop() {
		for range 100 {
			want := rnd.IntN(n)
			q := &waymark.Child{Photos: []waymark.Photo{{Face: moved(rnd, faces[want], 0.3), CreatedAt: now}}}
			t0 := time.Now()
			got := e.Identify(q, 10)
			lat = append(lat, time.Since(t0))
			if len(got) == 0 || got[0].ChildID != strconv.Itoa(want) {
				b.Fatalf("child %d not found first: %+v", want, got)
			}
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
