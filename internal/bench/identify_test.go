package bench_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/waymark-org/waymark/internal/bench"
)

// TestBenchSmall runs the benchmark once at a small size, so that it cannot rot, and checks that
// its figures are figures.
func TestBenchSmall(t *testing.T) {
	d := bench.Generate(bench.DefaultWorld, 3000, 300, 5)
	if len(d.Children) != 3000 || len(d.Probes) != 375 {
		t.Fatalf("generated %d children, %d probes", len(d.Children), len(d.Probes))
	}
	q, _ := bench.Engine(d, bench.Options{Calibrate: true})
	if q.Recorded != 300 || q.Recall10 < q.Recall1 || q.Recall1 <= 0.3 || q.BlockingRecall < q.Recall10 || q.P99 <= 0 ||
		q.TieRecall1 < q.Recall1 || q.TieRecall10 < q.Recall10 || q.TieRecall10 > q.BlockingRecall {
		t.Fatalf("engine figures: %+v", q)
	}
	found := 0
	for kind, k := range q.Kinds {
		if k.Top1 > k.Top10 || k.Top10 > k.Blocked || k.Blocked > k.Probes || k.TieTop10 < k.Top10 {
			t.Errorf("%s: %+v", kind, *k)
		}
		found += k.Top10
	}
	if len(q.Kinds) < 8 || found != int(q.Recall10*float64(q.Recorded)+0.5) {
		t.Errorf("%d kinds, %d found within 10 of %v", len(q.Kinds), found, q.Recall10*float64(q.Recorded))
	}
	missing, placed := q.Status["missing when found"], q.Status["not missing when found"]
	if missing == nil || placed == nil || missing.Probes+placed.Probes != q.Recorded || missing.Probes < 2*placed.Probes {
		t.Errorf("by status: %+v, %+v; want about three probes of missing children in four", missing, placed)
	}
	results := []bench.Quality{q}
	if dsn := os.Getenv("WAYMARK_TEST_POSTGRES"); dsn != "" {
		p, err := bench.NewPeer(context.Background(), dsn, d)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close(context.Background())
		pq, err := p.Answer(context.Background(), d, 100)
		if err != nil {
			t.Fatal(err)
		}
		if pq.Probes != 100 || pq.Recall1 <= 0 {
			t.Fatalf("peer figures: %+v", pq)
		}
		results = append(results, pq)
	}
	var out bytes.Buffer
	bench.Report(&out, len(d.Children), results...)
	bench.ReportKinds(&out, q)
	if !strings.Contains(out.String(), "recall@10") || !strings.Contains(out.String(), "wholly false name") {
		t.Fatal(out.String())
	}
	t.Log(out.String())
}
