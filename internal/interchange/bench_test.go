package interchange_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/interchange"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
	"github.com/waymark-org/waymark/internal/synth"
)

// BenchmarkImport loads n synthetic children, each with a referral, into a fresh database in one
// transaction, as waymark import does; children/s is the figure (issue 26: ≥ 20,000 into SQLite,
// ≥ 5,000 into PostgreSQL). n is 2,000, or WAYMARK_BENCH_IMPORT.
func BenchmarkImport(b *testing.B) {
	n := 2000
	if v, err := fmt.Sscan(os.Getenv("WAYMARK_BENCH_IMPORT"), &n); v != 1 || err != nil {
		n = 2000
	}
	g := synth.New(3, now)
	recs := make([]*interchange.Record, n)
	for i := range recs {
		c := g.Child()
		c.Ref = fmt.Sprintf("I%07d", i)
		c.Normalize(now)
		r := interchange.Export(c, []*waymark.Encounter{{Kind: "referral", At: now.AddDate(0, 0, -i%300), Agency: "border"}}, interchange.History{})
		recs[i] = r
	}
	for _, d := range storetest.Dialects(b) {
		b.Run(string(d), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := storetest.Open(b, d)
				org := &waymark.Organisation{Name: "Import Council", Kind: "council"}
				if err := s.InTx(context.Background(), func(tx *sqlstore.Tx) error { return tx.CreateOrg(org) }); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				err := s.InBulkTx(context.Background(), func(tx *sqlstore.Tx) error {
					_, _, err := interchange.Load(tx, org, recs, "bench", nil)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(n)/time.Since(start).Seconds(), "children/s")
			}
		})
	}
}

// An import larger than one statement's rows: every child, referral and audit entry written, the
// chain intact, and the same file again updates every child and adds nothing.
func TestLoadManyInBatches(t *testing.T) {
	g := synth.New(4, now)
	var recs []*interchange.Record
	for i := range 450 {
		c := g.Child()
		c.Ref = fmt.Sprintf("B%04d", i)
		c.Normalize(now)
		recs = append(recs, interchange.Export(c, []*waymark.Encounter{{Kind: "referral", At: now.AddDate(0, 0, -i), Agency: "police"}}, interchange.History{}))
	}
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		org := &waymark.Organisation{Name: "Import Council", Kind: "council"}
		if err := s.InTx(context.Background(), func(tx *sqlstore.Tx) error { return tx.CreateOrg(org) }); err != nil {
			t.Fatal(err)
		}
		for round, want := range []interchange.Summary{{Created: 450, Events: map[string]int{"referral": 450}}, {Updated: 450, Events: map[string]int{}}} {
			var sum interchange.Summary
			err := s.InTx(context.Background(), func(tx *sqlstore.Tx) error {
				var err error
				sum, _, err = interchange.Load(tx, org, recs, "test", nil)
				return err
			})
			if err != nil || sum.Created != want.Created || sum.Updated != want.Updated || sum.Events["referral"] != want.Events["referral"] {
				t.Fatalf("round %d: %+v, %v", round, sum, err)
			}
		}
		if n, err := s.CountChildren(context.Background(), org.ID); err != nil || n != 450 {
			t.Fatalf("%d children, %v", n, err)
		}
		v, err := s.VerifyAudit(context.Background(), nil)
		if err != nil || v.Checked != 900 || len(v.Problems) != 0 {
			t.Fatalf("audit: %d checked, %v %v", v.Checked, v.Problems, err)
		}
	})
}

// A screening's indicators and the NRM referral with its decisions travel in the file: checked on
// the way in, kept, and written out again.
func TestNRMAndIndicatorsTravel(t *testing.T) {
	line := `{"ref": "N1", "given_names": "Amanuel", "family_name": "Tesfaye", "events": [
		{"type": "screening", "date": "2026-05-01", "outcome": "trafficking_concern", "indicators": ["debt_bondage", "documents_held"]},
		{"type": "nrm", "date": "2026-05-02", "rg_outcome": "positive", "rg_date": "2026-05-08"}]}`
	rec, bad := interchange.Parse([]byte(strings.ReplaceAll(line, "\n", "")), now)
	if len(bad) > 0 {
		t.Fatalf("a good line refused: %v", bad)
	}
	for name, badLine := range map[string]string{
		"an unknown indicator":    `{"ref": "N2", "given_names": "A", "events": [{"type": "screening", "date": "2026-05-01", "outcome": "no_concern", "indicators": ["sixth_sense"]}]}`,
		"CG after a negative RG":  `{"ref": "N3", "given_names": "A", "events": [{"type": "nrm", "date": "2026-05-02", "rg_outcome": "negative", "rg_date": "2026-05-08", "cg_outcome": "positive", "cg_date": "2026-07-01"}]}`,
		"a referral with no date": `{"ref": "N4", "given_names": "A", "events": [{"type": "nrm"}]}`,
	} {
		if _, reasons := interchange.Parse([]byte(badLine), now); len(reasons) == 0 {
			t.Errorf("%s accepted", name)
		}
	}
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		org := &waymark.Organisation{Name: "Import Council", Kind: "council"}
		if err := s.InTx(context.Background(), func(tx *sqlstore.Tx) error { return tx.CreateOrg(org) }); err != nil {
			t.Fatal(err)
		}
		var id string
		err := s.InBulkTx(context.Background(), func(tx *sqlstore.Tx) error {
			_, kids, err := interchange.Load(tx, org, []*interchange.Record{rec}, "test", nil)
			if len(kids) == 1 {
				id = kids[0].ID
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.NRMReferral(context.Background(), id)
		scs, _ := s.Screenings(context.Background(), id)
		if err != nil || n == nil || n.ReferredOn != "2026-05-02" || n.RGOutcome != "positive" || len(scs) != 1 || len(scs[0].Indicators) != 2 {
			t.Fatalf("kept: %+v %+v %v", n, scs, err)
		}
		out := interchange.Export(&waymark.Child{Ref: "N1"}, nil, interchange.History{Screenings: scs, NRM: n})
		if len(out.Events) != 2 || out.Events[1].Type != "nrm" || out.Events[1].RGDate != "2026-05-08" || len(out.Events[0].Indicators) != 2 {
			t.Fatalf("written out: %+v", out.Events)
		}
	})
}
