package identify_test

import (
	"os"
	"strconv"
	"testing"

	"github.com/waymark-org/waymark"
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
