package bench_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/waymark-org/waymark/internal/bench"
	"github.com/waymark-org/waymark/internal/synth"
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
		q.TieRecall1 < q.Recall1 || q.TieRecall10 < q.Recall10 || q.TieRecall10 > q.BlockingRecall ||
		q.Offered10 < q.Recall10 || q.Offered10 > q.TieRecall10 || q.Bound1 <= 0 || q.Bound1 > q.Bound10 || q.Bound10 > q.BlockingRecall ||
		!q.Banded || q.ECE <= 0 || q.ECE > 0.5 || q.ECERecorded <= 0 || q.ECERecorded > 0.5 {
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
		if pq.Probes != 100 || pq.Recall1 <= 0 || pq.Banded {
			t.Fatalf("peer figures: %+v", pq)
		}
		results = append(results, pq)
	}
	var out bytes.Buffer
	bench.Report(&out, len(d.Children), results...)
	bench.ReportKinds(&out, q)
	searches := 0
	for _, b := range q.Reliability {
		searches += b.N
	}
	if searches == 0 || searches > q.Probes {
		t.Errorf("%d searches in the reliability table of %d", searches, q.Probes)
	}
	if !strings.Contains(out.String(), "recall@10") || !strings.Contains(out.String(), "wholly false name") || !strings.Contains(out.String(), "bound for the ranking") ||
		!strings.Contains(out.String(), "the top candidate's probability against how often") {
		t.Fatal(out.String())
	}
	t.Log(out.String())
}

// The probes lost are written with their facts, as many as the figures allow: at least those that
// kept a linkable fact less those found within ten, at most those not found within ten.
func TestBenchLost(t *testing.T) {
	d := bench.Generate(bench.DefaultWorld, 20000, 300, 5)
	var out bytes.Buffer
	q, _ := bench.Engine(d, bench.Options{Lost: &out})
	var all, unblocked, below, tied int
	last := out.String()[strings.LastIndex(strings.TrimSuffix(out.String(), "\n"), "\n")+1:]
	if _, err := fmt.Sscanf(last, "%d linkable probes lost: %d not gathered, %d scoring below ten others, %d tied", &all, &unblocked, &below, &tied); err != nil {
		t.Fatalf("summary %q: %v", last, err)
	}
	blocks, recorded := strings.Count("\n"+out.String(), "\n== "), float64(q.Recorded)
	if blocks != all || all != unblocked+below+tied || all == 0 ||
		float64(all) < (q.Ceiling-q.Recall10)*recorded-0.5 || float64(all) > (1-q.Recall10)*recorded+0.5 {
		t.Errorf("%d lost (%d, %d, %d), %d written; ceiling %.3f, recall@10 %.3f of %d", all, unblocked, below, tied, blocks, q.Ceiling, q.Recall10, q.Recorded)
	}
	if strings.Count(out.String(), "   found:    ") != all || strings.Count(out.String(), "   recorded: R") != all {
		t.Errorf("lost probes without their facts:\n%s", out.String())
	}
}

// The second world is another world: its children are of other countries than the first's, and
// the engine fitted on the first still finds most of them, with few strong answers to children
// never recorded.
func TestBenchSecondWorld(t *testing.T) {
	w := bench.World{MissingShare: 0.1, FoundMissing: 0.1, Names: synth.Second}
	d := bench.Generate(w, 3000, 300, 5)
	first := bench.Generate(bench.DefaultWorld, 3000, 0, 5)
	countries := map[string]bool{}
	for _, c := range first.Children {
		countries[c.Nationality] = true
	}
	shared := 0
	for _, c := range d.Children {
		if countries[c.Nationality] {
			shared++
		}
	}
	if shared > len(d.Children)/5 {
		t.Errorf("%d of the second world's %d children are of the first world's countries", shared, len(d.Children))
	}
	q, _ := bench.Engine(d, bench.Options{})
	if q.Recall1 < 0.5 || q.Recall10 < q.Recall1 || q.StrongNeverRecorded > 0.05 {
		t.Fatalf("the second world: %+v", q)
	}
}

// TestBenchFaces: --faces gives half the children and half the probes a photo of a face without
// changing any other fact, and the face lifts recall.
func TestBenchFaces(t *testing.T) {
	w := bench.DefaultWorld
	plain := bench.Generate(w, 3000, 300, 5)
	w.Faces = 0.5
	faced := bench.Generate(w, 3000, 300, 5)
	photos, asked := 0, 0
	for i, c := range faced.Children {
		photos += len(c.Photos)
		if c.GivenNames != plain.Children[i].GivenNames || c.DateOfBirth != plain.Children[i].DateOfBirth {
			t.Fatalf("child %d changed with faces: %+v, was %+v", i, c, plain.Children[i])
		}
	}
	for i, p := range faced.Probes {
		asked += len(p.Query.Photos)
		if p.Truth != plain.Probes[i].Truth || p.Query.GivenNames != plain.Probes[i].Query.GivenNames {
			t.Fatalf("probe %d changed with faces", i)
		}
	}
	if photos < 1300 || photos > 1700 || asked < 130 || asked > 245 {
		t.Fatalf("%d of 3000 children and %d of 375 probes with a photo, want about half", photos, asked)
	}
	without, _ := bench.Engine(plain, bench.Options{})
	with, _ := bench.Engine(faced, bench.Options{})
	t.Logf("recall@1 / @10 without faces %.3f / %.3f, with %.3f / %.3f", without.Recall1, without.Recall10, with.Recall1, with.Recall10)
	if with.Recall1 <= without.Recall1 || with.Recall10 < without.Recall10 {
		t.Errorf("faces on half the records and probes: recall %.3f / %.3f, without %.3f / %.3f", with.Recall1, with.Recall10, without.Recall1, without.Recall10)
	}
}
