package registry_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/crypto"
	"github.com/waymark-org/waymark/internal/identify"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// instance is one service of several sharing a database: its own connections, its own index,
// following the others' writes.
func instance(t testing.TB, dsn string, keys *crypto.Keyring) *registry.Registry {
	ctx, cancel := context.WithCancel(context.Background())
	store, err := sqlstore.Open(ctx, dsn, keys)
	if err != nil {
		t.Fatal(err)
	}
	reg := registry.New(store)
	if _, err := reg.LoadIndex(ctx); err != nil {
		t.Fatal(err)
	}
	go reg.Follow(ctx, 200*time.Millisecond, func(err error) { t.Log(err) })
	t.Cleanup(func() { cancel(); store.Close() })
	return reg
}

// staff records a council and returns one of its staff in role.
func staff(t testing.TB, reg *registry.Registry, role waymark.Role) waymark.Actor {
	o := &waymark.Organisation{Name: "Eastport City Council", Kind: "council"}
	if err := registry.StoreOf(reg).InTx(context.Background(), func(tx *sqlstore.Tx) error { return tx.CreateOrg(o) }); err != nil {
		t.Fatal(err)
	}
	return waymark.Actor{UserID: "u", OrgID: o.ID, Role: role, Name: "test"}
}

// sharing runs test on each database with two instances sharing it, a social worker of a council
// recorded through the first, and a way to start another instance.
func sharing(t *testing.T, test func(t *testing.T, regA, regB *registry.Registry, a waymark.Actor, another func() *registry.Registry)) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn, keys := storetest.DSN(t, d), storetest.Keys(t)
			another := func() *registry.Registry { return instance(t, dsn, keys) }
			regA, regB := another(), another()
			test(t, regA, regB, staff(t, regA, waymark.RoleSocialWorker), another)
		})
	}
}

// Concurrent writers on one instance: the other's index ends with every child, none skipped.
func TestFollowMissesNothingUnderConcurrentWrites(t *testing.T) {
	sharing(t, func(t *testing.T, regA, regB *registry.Registry, a waymark.Actor, _ func() *registry.Registry) {
		ctx := context.Background()
		const n = 60
		errs := make(chan error, n)
		for i := range n {
			go func() {
				c := &waymark.Child{GivenNames: "Child", FamilyName: string(rune('A' + i%26)), Ref: "R" + string(rune('A'+i/26)) + string(rune('A'+i%26))}
				errs <- regA.CreateChild(ctx, a, c, nil)
			}()
			if i%10 == 0 {
				regB.CatchUp(ctx) // B reads while A writes
			}
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if err := regB.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if got := regB.Engine.Index.Len(); got != n {
			t.Fatalf("the following instance indexed %d of %d children", got, n)
		}
	})
}

// Being missing now weighs in a search, so it reaches the index with the episode: at once on the
// instance that recorded it, through the change feed on another, at start-up on one started
// since; and so does the return.
func TestMissingNowFollowsEpisodes(t *testing.T) {
	sharing(t, func(t *testing.T, regA, regB *registry.Registry, a waymark.Actor, another func() *registry.Registry) {
		ctx := context.Background()
		var twins [2]*waymark.Child
		for i := range twins {
			twins[i] = &waymark.Child{GivenNames: "Selam", FamilyName: "Tesfamariam", Sex: "F", DateOfBirth: "2010-01-01", DOBEstimated: true, Ref: "T" + string(rune('A'+i))}
			if err := regA.CreateChild(ctx, a, twins[i], nil); err != nil {
				t.Fatal(err)
			}
		}
		probe := &waymark.Child{GivenNames: "Selam", FamilyName: "Tesfamariam"}
		status := func(reg *registry.Registry) string {
			if err := reg.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			levels, _, ok := reg.Engine.Judged(probe, twins[1].ID)
			if !ok {
				t.Fatal("the child is not in the index")
			}
			for _, l := range levels {
				if field, level, _ := strings.Cut(l, ":"); field == identify.FieldStatus {
					return level
				}
			}
			return ""
		}
		e := &waymark.MissingEpisode{ChildID: twins[1].ID, Kind: "missing", Risk: "high", LastSeenAt: registry.StoreOf(regA).Now().Add(-time.Hour)}
		if err := regA.ReportMissing(ctx, a, e); err != nil {
			t.Fatal(err)
		}
		if got := regA.Engine.Identify(probe, 2); len(got) != 2 || got[0].ChildID != twins[1].ID {
			t.Fatalf("the recording instance ranks %v first, not the missing child", got)
		}
		started := another() // reads every child afresh at start-up
		for name, reg := range map[string]*registry.Registry{"recording": regA, "following": regB, "started since": started} {
			if got := status(reg); got != identify.MissingNow {
				t.Errorf("%s instance: status %q after the report", name, got)
			}
		}
		returned := func(e *waymark.MissingEpisode, now time.Time) error { return e.RecordReturned(now, now) }
		if _, err := regA.UpdateEpisode(ctx, a, e.ID, waymark.RecordCare, "returned", returned); err != nil {
			t.Fatal(err)
		}
		for name, reg := range map[string]*registry.Registry{"recording": regA, "following": regB, "started since": started} {
			if got := status(reg); got != "" { // no one is missing: it says nothing
				t.Errorf("%s instance: status %q after the return", name, got)
			}
		}
	})
}
