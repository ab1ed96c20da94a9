package demo_test

import (
	"context"
	"testing"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/demo"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

func init() { auth.Default = auth.Params{Memory: 8 * 1024, Time: 1, Threads: 1} }

// The demo tells the journey across agencies: a child the border force recorded is Northshire's
// now, and another waits on Northshire to be accepted.
func TestDemoJourney(t *testing.T) {
	ctx := context.Background()
	store := storetest.Open(t, sqlstore.SQLite)
	reg := registry.New(store)
	logins, err := demo.Seed(ctx, reg, demo.Options{Children: 24, Seed: 7, Password: "demo password 123", Journey: true})
	if err != nil {
		t.Fatal(err)
	}
	var manager waymark.Actor
	for _, l := range logins {
		if l.Role == waymark.RoleManager {
			u, err := store.User(ctx, l.UserID)
			if err != nil {
				t.Fatal(err)
			}
			manager = waymark.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, Name: u.Name}
		}
	}
	list, err := reg.Handovers(ctx, manager, "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, h := range list {
		got[h.Status]++
	}
	if got[waymark.HandoverAccepted] != 1 || got[waymark.HandoverOpen] != 1 {
		t.Fatalf("the demo's handovers: %v, want one accepted and one waiting", got)
	}
}
