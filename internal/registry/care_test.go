package registry_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// Four people reporting one child missing at the same moment open one episode; the others are
// told it is already reported. The same for placements opened at once.
func TestOneOpenEpisodeAndPlacement(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			reg := instance(t, storetest.DSN(t, d), storetest.Keys(t))
			ctx := context.Background()
			a := staff(t, reg, waymark.RoleSocialWorker)
			for round := range 10 {
				child := &waymark.Child{GivenNames: "Selam", FamilyName: "Round"}
				if err := reg.CreateChild(ctx, a, child, nil); err != nil {
					t.Fatal(err)
				}
				opened := race(t, 4, func() error {
					return reg.ReportMissing(ctx, a, &waymark.MissingEpisode{ChildID: child.ID, Kind: "missing", Risk: "high",
						LastSeenAt: time.Now().Add(-time.Hour)})
				})
				start := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
				placed := race(t, 4, func() error {
					return reg.AddPlacement(ctx, a, &waymark.Placement{ChildID: child.ID, Type: "foster", Provider: "Foster carer", Start: start}, "")
				})
				if opened != 1 || placed != 1 {
					t.Fatalf("round %d: %d missing episodes and %d placements opened at once, want 1 each", round, opened, placed)
				}
			}
		})
	}
}

// race runs fn n times at once and returns how many succeeded; every other must be a conflict.
func race(t *testing.T, n int, fn func() error) int {
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for range n {
		wg.Go(func() { <-start; errs <- fn() })
	}
	close(start)
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		switch waymark.ErrorCode(err) {
		case "":
			ok++
		case waymark.ECONFLICT:
		default:
			t.Errorf("not a conflict: %v", err)
		}
	}
	return ok
}
