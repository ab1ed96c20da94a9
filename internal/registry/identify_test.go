package registry_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/identify"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// Verdicts on candidates are kept as comparison levels alone, and the next start-up learns m from
// the confirmed ones.
func TestJudgementsTeachTheNextStartUp(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn, keys := storetest.DSN(t, d), storetest.Keys(t)
			reg := instance(t, dsn, keys)
			ctx := context.Background()
			o := &waymark.Organisation{Name: "Eastport City Council", Kind: "council"}
			if err := reg.Store.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateOrg(o) }); err != nil {
				t.Fatal(err)
			}
			a := waymark.Actor{UserID: "u", OrgID: o.ID, Role: waymark.RoleSocialWorker, Name: "test"}
			child := &waymark.Child{GivenNames: "Arbër", FamilyName: "Kelmendi", Sex: "M", DateOfBirth: "2010-05-06", Nationality: "AL"}
			if err := reg.CreateChild(ctx, a, child, nil); err != nil {
				t.Fatal(err)
			}
			probe := func() *waymark.Child {
				return &waymark.Child{GivenNames: "Arber", FamilyName: "Kelmendi", DateOfBirth: "2010-06-05", Nationality: "XK"}
			}
			const n = 40
			for range n {
				if err := reg.ConfirmMatch(ctx, a, child.ID, probe(), &waymark.Encounter{At: time.Now(), Circumstances: "found"}); err != nil {
					t.Fatal(err)
				}
			}
			if err := reg.RejectMatch(ctx, a, child.ID, probe()); err != nil {
				t.Fatal(err)
			}
			if err := reg.RejectMatch(ctx, a, child.ID, nil); err != nil { // nothing given: the verdict stands, nothing is kept
				t.Fatal(err)
			}
			js, err := reg.Store.Judgements(ctx)
			if err != nil || len(js) != n+1 || !js[0].Confirmed || js[n].Confirmed || js[0].Probability <= 0 {
				t.Fatalf("judgements: %d, %v", len(js), err)
			}
			want := []string{"date_of_birth:day_month_swapped", "name:exact", "nationality:neighbouring_country"}
			if got := slices.Sorted(slices.Values(js[0].Levels)); !slices.Equal(got, []string{want[0], want[1], want[1], want[2]}) {
				t.Fatalf("levels kept: %v", got)
			}
			for _, l := range js[0].Levels {
				if strings.Contains(strings.ToLower(l), "kelmendi") || strings.Contains(strings.ToLower(l), "arb") {
					t.Fatalf("a judgement keeps a name: %q", l)
				}
			}

			next := registry.New(reg.Store)
			before := next.Engine.Model.Levels[identify.FieldDateOfBirth][identify.DayMonthSwapped].M
			confirmed, moved, err := next.LearnModel(ctx)
			after := next.Engine.Model.Levels[identify.FieldDateOfBirth][identify.DayMonthSwapped].M
			if err != nil || confirmed != n || !slices.Equal(moved, []string{identify.FieldDateOfBirth, identify.FieldName, identify.FieldNationality}) || after <= before {
				t.Fatalf("learnt from %d: moved %v, m(day and month swapped) %.3f → %.3f, %v", confirmed, moved, before, after, err)
			}
		})
	}
}
