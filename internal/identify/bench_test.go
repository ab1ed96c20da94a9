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
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("WAYMARK_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	e := registry(b, n, nam)
	q := &waymark.Child{GivenNames: "Nam", FamilyName: "Nguyen", DateOfBirth: "2009-11-04", Nationality: "VN"}
	b.ResetTimer()
	for b.Loop() {
		if len(e.Identify(q, 10)) == 0 {
			b.Fatal("no candidates")
		}
	}
}
