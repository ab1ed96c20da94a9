package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/interchange"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
	"github.com/waymark-org/waymark/internal/synth"
)

// BenchmarkImportCommand runs waymark import children end to end — the file read, checked and
// written in one transaction — on n synthetic children with a referral each (issue 26: ≥ 20,000
// a second into SQLite, ≥ 5,000 into PostgreSQL). n is 2,000, or WAYMARK_BENCH_IMPORT.
func BenchmarkImportCommand(b *testing.B) {
	n := 2000
	if v, err := fmt.Sscan(os.Getenv("WAYMARK_BENCH_IMPORT"), &n); v != 1 || err != nil {
		n = 2000
	}
	file := filepath.Join(b.TempDir(), "children.jsonl")
	writeChildren(b, file, n)
	for _, d := range storetest.Dialects(b) {
		b.Run(string(d), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				_, with := westmarsh(b, d)
				b.StartTimer()
				start := time.Now()
				if _, err := cli(b, "", with("import", "children", file, "--org", "Westmarsh Council")...); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(n)/time.Since(start).Seconds(), "children/s")
			}
		})
	}
}

// writeChildren writes n synthetic children, each with a referral, as child interchange.
func writeChildren(tb testing.TB, file string, n int) {
	now := time.Now().UTC()
	f, err := os.Create(file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	g := synth.New(3, now)
	for i := range n {
		c := g.Child()
		c.Ref = fmt.Sprintf("I%07d", i)
		c.Normalize(now)
		ref := []*waymark.Encounter{{Kind: "referral", At: now.AddDate(0, 0, -i%300), Agency: "border"}}
		if err := interchange.Write(w, interchange.Export(c, ref, interchange.History{})); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
}
