package demo_test

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"testing"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/alert"
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
	logins, err := demo.Seed(ctx, reg, demo.Options{Children: 24, Seed: 7, Password: "demo password 123", Journey: true, SetClock: store.SetClock})
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
		got[h.Kind+" "+h.Status]++
		if h.Kind == waymark.HandoverKind && h.Status == waymark.HandoverOpen && !store.Now().After(h.DueAt) {
			t.Errorf("the waiting handover is not yet overdue: due %v", h.DueAt)
		}
	}
	if want := map[string]int{"handover accepted": 1, "handover open": 1, "transfer open": 1}; !maps.Equal(got, want) {
		t.Fatalf("the demo's handovers: %v, want %v", got, want)
	}
	if merges, err := reg.Merges(ctx, manager, waymark.MergeDone); err != nil || len(merges) != 1 {
		t.Fatalf("the demo's merged pair: %v %v", merges, err)
	}
	sweep := alert.New(store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := sweep.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	alerts, _, err := reg.Alerts(ctx, manager, 500)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, a := range alerts {
		kinds[a.Kind] = true
	}
	for _, k := range []string{waymark.AlertHandoverOverdue, waymark.AlertProfileReview, waymark.AlertSafetyPlanReview, waymark.AlertActionOverdue,
		waymark.AlertRGOverdue, waymark.AlertNetworkOverlap} {
		if !kinds[k] {
			t.Errorf("the demo's manager has no %s alert: %v", k, kinds)
		}
	}
	// Each child with a typed DNA sample is found by the profile alone, first.
	typed := 0
	err = store.AllChildren(ctx, "", func(c *waymark.Child) error {
		for _, b := range c.Biometrics {
			if b.Profile == "" {
				continue
			}
			typed++
			got := reg.Engine.Identify(&waymark.Child{Biometrics: []waymark.Biometric{{Kind: "dna", Profile: b.Profile}}}, 3)
			if len(got) == 0 || got[0].ChildID != c.ID || got[0].Band != "strong" {
				t.Errorf("%s's DNA profile finds %+v", c.Ref, got)
			}
		}
		return nil
	})
	if err != nil || typed == 0 {
		t.Errorf("%d demo children with a DNA profile (%v)", typed, err)
	}
	var hits int
	if err := store.DB().QueryRow(`SELECT count(*) FROM bureau_searches WHERE outcome = 'hit'`).Scan(&hits); err != nil || hits != 1 {
		t.Errorf("the demo's bureau hit: %d %v", hits, err)
	}
	for _, q := range []waymark.EntitySearch{{Phone: "+447700900401"}, {Address: "NS4 7QT"}, {VRM: "NS19KXR"}} {
		if ans, err := reg.SearchNetwork(ctx, manager, q); err != nil || len(ans.Children) < 3 {
			t.Errorf("the demo's network by %+v: %+v %v", q, ans, err)
		}
	}
}
