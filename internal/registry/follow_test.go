package registry_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/crypto"
	wmhttp "github.com/waymark-org/waymark/internal/http"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
	"github.com/waymark-org/waymark/internal/web"
)

// instance is one `waymark serve` of several sharing a database: its own connections, its own
// index, following the others' writes.
func instance(t *testing.T, dsn string, keys *crypto.Keyring) (*httptest.Server, *registry.Registry) {
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
	pages, _ := web.Load(time.UTC)
	srv := httptest.NewServer((&wmhttp.Server{Registry: reg, Pages: pages, Location: time.UTC,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), SessionIdle: time.Hour, SessionMax: time.Hour}).Handler())
	t.Cleanup(func() { srv.Close(); cancel(); store.Close() })
	return srv, reg
}

func post(t *testing.T, url, token, body string) map[string]any {
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return out
}

// A child recorded through one instance is found through another within 2 seconds.
func TestTwoInstancesShareTheIndex(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn, keys := storetest.DSN(t, d), storetest.Keys(t)
			a, regA := instance(t, dsn, keys)
			b, _ := instance(t, dsn, keys)
			var token string
			ctx := context.Background()
			err := regA.Store.InTx(ctx, func(tx *sqlstore.Tx) error {
				o := &waymark.Organisation{Name: "Northshire Police", Kind: "police"}
				if err := tx.CreateOrg(o); err != nil {
					return err
				}
				token = auth.NewSecret("wmt_")
				return tx.CreateToken(&sqlstore.APIToken{Digest: auth.Digest(token), OrgID: o.ID, Role: waymark.RolePolice})
			})
			if err != nil {
				t.Fatal(err)
			}
			created := post(t, a.URL+"/api/v1/children", token, `{"given_names": "Kidane", "family_name": "Berhe Tesfay", "date_of_birth": "2009-09-09", "phones": ["+2917654321"]}`)
			start := time.Now()
			for {
				out := post(t, b.URL+"/api/v1/identify", token, `{"given_names": "Kidane", "phones": ["+2917654321"]}`)
				if cands, _ := out["candidates"].([]any); len(cands) > 0 && cands[0].(map[string]any)["child_id"] == created["child_id"] {
					break
				}
				if time.Since(start) > 2*time.Second {
					t.Fatalf("not found through the other instance after %s", time.Since(start))
				}
				time.Sleep(50 * time.Millisecond)
			}
			t.Logf("found through the other instance after %s", time.Since(start).Round(time.Millisecond))
		})
	}
}

// Concurrent writers on one instance: the other's index ends with every child, none skipped.
func TestFollowMissesNothingUnderConcurrentWrites(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn, keys := storetest.DSN(t, d), storetest.Keys(t)
			_, regA := instance(t, dsn, keys)
			_, regB := instance(t, dsn, keys)
			ctx := context.Background()
			o := &waymark.Organisation{Name: "Eastport City Council", Kind: "council"}
			if err := regA.Store.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateOrg(o) }); err != nil {
				t.Fatal(err)
			}
			a := waymark.Actor{UserID: "u", OrgID: o.ID, Role: waymark.RoleSocialWorker, Name: "test"}
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
