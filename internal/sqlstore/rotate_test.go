package sqlstore_test

import (
	"context"
	"maps"
	"path/filepath"
	"testing"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/crypto"
	"github.com/waymark-org/waymark/internal/demo"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// A new key is added to the key file of a demo world's database, the re-seal is killed part way
// and run again, and then no column of any table holds a value an older key sealed; the old key is
// retired from the file, and the database opens with the file alone, every record readable and the
// audit chain verified (its key derives from the retired key's root, kept).
func TestResealLeavesNothing(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn, path := storetest.DSN(t, d), filepath.Join(t.TempDir(), "keys")
			open := func() *sqlstore.Store {
				keys, _, err := crypto.LoadOrCreate(path, "")
				if err != nil {
					t.Fatal(err)
				}
				s, err := sqlstore.Open(ctx, dsn, keys)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			s := open()
			if _, err := demo.Seed(ctx, registry.New(s), demo.Options{Children: 12, Seed: 7, Password: "demo password 123", Journey: true, SetClock: s.SetClock}); err != nil {
				t.Fatal(err)
			}
			before, err := s.SealedBy(ctx)
			if err != nil || len(before) != 1 || before[1] < 100 {
				t.Fatalf("sealed before: %v %v", before, err)
			}
			id, err := crypto.AddKey(path)
			if err != nil || id != 2 {
				t.Fatalf("add key: %d %v", id, err)
			}
			if err := s.ReloadKeys(ctx, path); err != nil {
				t.Fatal(err)
			}
			killed, kill := context.WithCancel(ctx)
			n, err := s.Reseal(killed, func(string, string, int) { kill() })
			if err == nil || n == 0 || n >= before[1] {
				t.Fatalf("a re-seal killed after its first batch: %d re-sealed, %v", n, err)
			}
			mid, _ := s.SealedBy(ctx)
			if mid[1] == 0 || mid[2] == 0 {
				t.Fatalf("half way: %v", mid)
			}
			if _, err := s.Reseal(ctx, nil); err != nil {
				t.Fatal(err)
			}
			after, err := s.SealedBy(ctx)
			if err != nil || !maps.Equal(after, map[uint32]int{2: before[1]}) {
				t.Fatalf("after the re-seal: %v, want every one of %d values under key 2", after, before[1])
			}
			if err := crypto.Retire(path, 2); err != nil {
				t.Fatal(err)
			}
			if err := s.ForgetOtherKeys(ctx, 2); err != nil {
				t.Fatal(err)
			}
			s.Close()
			s = open() // key 2 and the root alone
			defer s.Close()
			read := 0
			if err := s.AllChildren(ctx, "", func(c *waymark.Child) error {
				full, err := s.Child(ctx, c.ID)
				if err == nil {
					for _, p := range full.Photos {
						_, _, _, err = s.PhotoData(ctx, p.ID, false)
					}
				}
				read++
				return err
			}); err != nil || read < 12 {
				t.Fatalf("read %d children with the retired key gone: %v", read, err)
			}
			if v, err := s.VerifyAudit(ctx, nil); err != nil || len(v.Problems) != 0 {
				t.Fatalf("the audit chain after the first key's retirement: %+v %v", v, err)
			}
		})
	}
}
