package identify_test

import (
	"maps"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/dna"
	"github.com/waymark-org/waymark/internal/identify"
)

// BenchmarkIdentify measures one query against a synthetic registry of $WAYMARK_BENCH_N children
// (2,000 by default, the size the test command runs it at). `waymark bench identify` gives the
// full-size figures with quality measures.
func BenchmarkIdentify(b *testing.B) {
	e := registry(b, benchN(), nam)
	q := &waymark.Child{GivenNames: "Nam", FamilyName: "Nguyen", DateOfBirth: "2009-11-04", Nationality: "VN"}
	b.ResetTimer()
	for b.Loop() {
		if len(e.Identify(q, 10)) == 0 {
			b.Fatal("no candidates")
		}
	}
}

// BenchmarkDuplicates measures the duplicates report of an organisation holding one child in a
// hundred of the registry; ns/child is the cost of each of its children.
func BenchmarkDuplicates(b *testing.B) {
	n := benchN()
	e := registry(b, n)
	b.ResetTimer()
	for b.Loop() {
		e.Duplicates("sample")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n/100), "ns/child")
}

func benchN() int {
	if v, err := strconv.Atoi(os.Getenv("WAYMARK_BENCH_N")); err == nil && v > 0 {
		return v
	}
	return 2000
}

// BenchmarkDNASearch times searches by a DNA profile alone over $WAYMARK_BENCH_N children each
// with a profile drawn from the shipped allele counts (issue 30: p99 ≤ 20 ms at 1,000,000): a
// full profile, one with an allele mistyped, and one of eight loci, in turn.
func BenchmarkDNASearch(b *testing.B) {
	n, f := benchN(), dna.Shipped()
	r := rand.New(rand.NewPCG(30, 1))
	pops := f.Populations()
	e := identify.New()
	profiles := make([]dna.Profile, n)
	for i := range n {
		profiles[i] = f.Draw(r, pops[i%len(pops)])
		e.Index.Put(identify.FromChild(&waymark.Child{ID: strconv.Itoa(i), Ref: strconv.Itoa(i),
			Biometrics: []waymark.Biometric{{Kind: "dna", Profile: profiles[i].String()}}}))
	}
	var lat []time.Duration
	runtime.GC()
	b.ResetTimer()
	for b.Loop() {
		for i := range 300 {
			want := r.IntN(n)
			p := maps.Clone(profiles[want])
			switch i % 3 {
			case 1:
				g := p["D18S51"]
				g[0] = "30"
				p["D18S51"] = g
			case 2:
				for _, l := range dna.Loci[8:] {
					delete(p, l)
				}
			}
			q := &waymark.Child{Biometrics: []waymark.Biometric{{Kind: "dna", Profile: p.String()}}}
			t0 := time.Now()
			got := e.Identify(q, 10)
			lat = append(lat, time.Since(t0))
			if len(got) == 0 || !slices.ContainsFunc(got, func(c identify.Candidate) bool { return c.ChildID == strconv.Itoa(want) }) {
				b.Fatalf("probe %d: child %d not found: %v", i, want, top(got, 3))
			}
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
