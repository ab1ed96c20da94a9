package bench_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/waymark-org/waymark/internal/bench"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// BenchmarkNetwork times a search by phone and a picture two steps out over n children and 3n links
// (issue 29: p99 ≤ 20 ms at 1,000,000 children). n is 2,000, or WAYMARK_BENCH_NETWORK.
func BenchmarkNetwork(b *testing.B) {
	n := 2000
	if v, err := fmt.Sscan(os.Getenv("WAYMARK_BENCH_NETWORK"), &n); v != 1 || err != nil {
		n = 2000
	}
	for _, d := range storetest.Dialects(b) {
		b.Run(string(d), func(b *testing.B) {
			for b.Loop() {
				f, err := bench.Network(context.Background(), storetest.Open(b, d), n, 200, 1, false)
				if err != nil {
					b.Fatal(err)
				}
				if f.Links != bench.LinksPerChild*n || f.SearchFound < 1 || f.PictureNodes < 3 {
					b.Fatalf("a network that is none: %+v", f)
				}
				b.ReportMetric(float64(f.SearchP99.Microseconds())/1000, "search-p99-ms")
				b.ReportMetric(float64(f.PictureP99.Microseconds())/1000, "picture-p99-ms")
			}
		})
	}
}
