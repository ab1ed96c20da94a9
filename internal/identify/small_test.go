package identify_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/identify"
)

// A council starts with a handful of children: a name agreeing never weighs against the child,
// however few are recorded and with u learnt from them, and the child is found first at every size.
func TestSmallRegistries(t *testing.T) {
	kidane := &waymark.Child{ID: "kidane", Ref: "K1", GivenNames: "Kidane", FamilyName: "Woldemariam", Sex: "M", DateOfBirth: "2009-07-07", Nationality: "ER"}
	q := &waymark.Child{GivenNames: "Kidanee", FamilyName: "Woldemariam", DateOfBirth: "2009-07-07"}
	for _, n := range []int{1, 10, 100, 1000, 100_000} {
		if n == 100_000 && testing.Short() {
			continue
		}
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			e := registry(t, n-1, kidane)
			e.LearnU(1) // as loading the index does: a registry just begun keeps the shipped u
			got := e.Identify(q, 5)
			if len(got) == 0 || got[0].ChildID != "kidane" {
				t.Fatalf("top candidates: %+v", top(got, 3))
			}
			shipped := identify.DefaultModel().Levels[identify.FieldDateOfBirth][identify.Exact].Weight()
			for _, ev := range got[0].Evidence {
				if ev.Field == "name" && ev.Level != "not_given" && ev.Level != "none" && ev.Weight <= 0 {
					t.Errorf("a name agreeing weighs against the child: %+v", ev)
				}
				if ev.Field == identify.FieldDateOfBirth && math.Abs(ev.Weight-shipped) > 1.5 {
					t.Errorf("the date of birth agreeing weighs %.2f, the shipped model %.2f: a few children cannot say so much", ev.Weight, shipped)
				}
			}
			t.Logf("%d children: %s %.2f %v", n, got[0].Band, got[0].Probability, got[0].Evidence)
		})
	}
}
