package registry_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
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

// The caseload's deadlines: children turning 17½ or 18 within 30 days and return interviews due,
// of the actor's caseload only, in date order.
func TestUpcoming(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			reg := instance(t, storetest.DSN(t, d), storetest.Keys(t))
			ctx := context.Background()
			sw := staff(t, reg, waymark.RoleSocialWorker)
			colleague := &waymark.User{OrgID: sw.OrgID, Email: "colleague@example.org", Role: waymark.RoleSocialWorker, PasswordHash: "x"}
			if err := registry.StoreOf(reg).InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateUser(colleague) }); err != nil {
				t.Fatal(err)
			}
			now := reg.Now()
			dob := func(years, months, days int) string {
				return now.AddDate(-years, -months, days).Format(waymark.DateLayout)
			}
			kids := map[string]*waymark.Child{
				"17½ in 10 days": {GivenNames: "A", DateOfBirth: dob(17, 6, 10)},
				"18 in 20 days":  {GivenNames: "B", DateOfBirth: dob(18, 0, 20)},
				"18 in 40 days":  {GivenNames: "C", DateOfBirth: dob(18, 0, 40)},
				"already 18":     {GivenNames: "D", DateOfBirth: dob(18, 0, -3)},
				"a colleague's":  {GivenNames: "E", DateOfBirth: dob(18, 0, 5)},
			}
			for _, c := range kids {
				if err := reg.CreateChild(ctx, sw, c, nil); err != nil {
					t.Fatal(err)
				}
			}
			if err := registry.StoreOf(reg).InTx(ctx, func(tx *sqlstore.Tx) error {
				return tx.AddTeamMember(&waymark.Member{ChildID: kids["a colleague's"].ID, UserID: colleague.ID, Role: waymark.TeamSocialWorker,
					From: "2026-01-01", AddedBy: "test"})
			}); err != nil {
				t.Fatal(err)
			}
			got, err := reg.Upcoming(ctx, sw)
			if err != nil {
				t.Fatal(err)
			}
			var what []string
			for _, d := range got {
				what = append(what, d.What+" "+d.Ref)
			}
			want := []string{"Turns 17½ " + kids["17½ in 10 days"].Ref, "Turns 18 " + kids["18 in 20 days"].Ref}
			if !slices.Equal(what, want) {
				t.Fatalf("upcoming %v, want %v", what, want)
			}
		})
	}
}

// BenchmarkUpcoming is the caseload page's deadlines for a social worker of a council with n
// children (many born in the windows), the figure issue 26 found at 1,450 transactions a page.
func BenchmarkUpcoming(b *testing.B) {
	n := 500
	if testing.Short() == false && os.Getenv("WAYMARK_BENCH_FULL") != "" {
		n = 10_000
	}
	reg := instance(b, storetest.DSN(b, sqlstore.SQLite), storetest.Keys(b))
	ctx := context.Background()
	sw := staff(b, reg, waymark.RoleSocialWorker)
	now := reg.Now()
	err := registry.StoreOf(reg).InTx(ctx, func(tx *sqlstore.Tx) error {
		for i := range n {
			c := &waymark.Child{OrgID: sw.OrgID, GivenNames: fmt.Sprint("Child ", i), DateOfBirth: now.AddDate(-17, -i%12, -i%31).Format(waymark.DateLayout)}
			if err := c.Normalize(now); err != nil {
				return err
			}
			if err := tx.CreateChild(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := reg.Upcoming(ctx, sw); err != nil {
			b.Fatal(err)
		}
	}
}

// "No identification record" is suggested only when nothing but the child's word identifies them:
// a passport or a fingerprint reference is a record, whatever else is lacking.
func TestNoIdentificationRecordSuggested(t *testing.T) {
	reg := instance(t, storetest.DSN(t, sqlstore.SQLite), storetest.Keys(t))
	ctx := context.Background()
	a := staff(t, reg, waymark.RoleSocialWorker)
	for _, tc := range []struct {
		name string
		c    waymark.Child
		want bool
	}{
		{"nothing", waymark.Child{GivenNames: "Amanuel"}, true},
		{"a passport", waymark.Child{GivenNames: "Amanuel", Documents: []waymark.Document{{Type: "passport", Number: "P123"}}}, false},
		{"fingerprints", waymark.Child{GivenNames: "Amanuel", Biometrics: []waymark.Biometric{{Kind: "fingerprint", Reference: "FP-1"}}}, false},
	} {
		c := tc.c
		if err := reg.CreateChild(ctx, a, &c, nil); err != nil {
			t.Fatal(err)
		}
		f, err := reg.SuggestedRiskFactors(ctx, a, c.ID)
		if err != nil || slices.Contains(f, "no_identification_record") != tc.want {
			t.Errorf("%s: suggested %v, %v", tc.name, f, err)
		}
	}
}
