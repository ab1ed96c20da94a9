package registry_test

import (
	"context"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/crypto"
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
	if err := reg.Store.InTx(context.Background(), func(tx *sqlstore.Tx) error { return tx.CreateOrg(o) }); err != nil {
		t.Fatal(err)
	}
	return waymark.Actor{UserID: "u", OrgID: o.ID, Role: role, Name: "test"}
}

// Concurrent writers on one instance: the other's index ends with every child, none skipped.
func TestFollowMissesNothingUnderConcurrentWrites(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn, keys := storetest.DSN(t, d), storetest.Keys(t)
			regA, regB := instance(t, dsn, keys), instance(t, dsn, keys)
			ctx := context.Background()
			a := staff(t, regA, waymark.RoleSocialWorker)
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
}
