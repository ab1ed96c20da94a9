package registry_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// orgStaff records an organisation and returns an actor of it for each role asked.
func orgStaff(t *testing.T, reg *registry.Registry, name, kind string, roles ...waymark.Role) []waymark.Actor {
	o := &waymark.Organisation{Name: name, Kind: kind}
	if err := registry.StoreOf(reg).InTx(context.Background(), func(tx *sqlstore.Tx) error { return tx.CreateOrg(o) }); err != nil {
		t.Fatal(err)
	}
	out := make([]waymark.Actor, len(roles))
	for i, r := range roles {
		out[i] = waymark.Actor{UserID: name + "/" + string(r), OrgID: o.ID, Role: r, Name: string(r) + " of " + name}
	}
	return out
}

func linkTo(kind, value, role string) *waymark.Link {
	return &waymark.Link{Entity: &waymark.Entity{Kind: kind, Value: value}, Role: role, From: "2026-11-20", Source: "phone_seized", Confidence: "possible"}
}

// One phone written three ways by three organisations is one entity; the third child linked to it
// within 60 days alerts each child's council and the police force; a search by the phone in any
// form finds the children linked and the child whose own phone it is, showing another
// organisation's only by reference and owner; the picture is the police's and managers'.
func TestNetworkLinksSearchAndOverlap(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			reg := instance(t, storetest.DSN(t, d), storetest.Keys(t))
			ctx := context.Background()
			east := orgStaff(t, reg, "Eastport City Council", "council", waymark.RoleSocialWorker, waymark.RoleManager)
			west := orgStaff(t, reg, "Westshire Council", "council", waymark.RoleSocialWorker, waymark.RoleManager)
			police := orgStaff(t, reg, "Eastport Police", "police", waymark.RolePolice)[0]
			child := func(a waymark.Actor, given string, phones ...string) *waymark.Child {
				c := &waymark.Child{GivenNames: given, FamilyName: "Network", Phones: phones}
				if err := reg.CreateChild(ctx, a, c, nil); err != nil {
					t.Fatal(err)
				}
				return c
			}
			c1, c2, c3, c5 := child(east[0], "Anh"), child(west[0], "Binh"), child(east[0], "Chau", "07700 900555"), child(police, "Dung")

			link := func(a waymark.Actor, c *waymark.Child, l *waymark.Link) *waymark.Link {
				t.Helper()
				l.ChildID = c.ID
				if err := reg.AddLink(ctx, a, l); err != nil {
					t.Fatal(err)
				}
				return l
			}
			first := link(east[0], c1, linkTo("phone", "07700 900123", "called_from"))
			second := link(west[0], c2, linkTo("phone", "+44 7700 900123", "called_from"))
			if first.EntityID != second.EntityID {
				t.Fatal("the same phone written two ways made two entities")
			}
			again := linkTo("phone", "+447700900123", "called_from")
			again.ChildID = c1.ID
			if err := reg.AddLink(ctx, east[0], again); waymark.ErrorCode(err) != waymark.ECONFLICT {
				t.Fatalf("the same link twice: %v", err)
			}
			for _, a := range []waymark.Actor{east[1], west[1], police} {
				if hasOverlap(t, reg, a) {
					t.Fatalf("%s alerted with two children linked", a.Name)
				}
			}
			link(police, c5, linkTo("phone", "0044 7700 900123", "contacted_by"))
			for _, a := range []waymark.Actor{east[1], west[1], police} {
				if !hasOverlap(t, reg, a) {
					t.Errorf("%s not alerted of three children linked to one phone", a.Name)
				}
			}

			bad := linkTo("phone", "07700 900123", "lived_at")
			bad.ChildID = c1.ID
			if err := reg.AddLink(ctx, east[0], bad); !hasField(err, "role") {
				t.Errorf("a child 'lived at' a phone: %v", err)
			}
			cawn := linkTo("person", "Uncle Tran", "cawn")
			cawn.ChildID = c1.ID
			if err := reg.AddLink(ctx, east[0], cawn); waymark.ErrorCode(err) != waymark.EFORBIDDEN {
				t.Errorf("a social worker recorded a child abduction warning notice: %v", err)
			}
			if err := reg.AddLink(ctx, west[0], &waymark.Link{ChildID: c1.ID, EntityID: first.EntityID, Role: "called_from", From: "2026-11-20",
				Source: "other", Confidence: "possible"}); waymark.ErrorCode(err) != waymark.EFORBIDDEN {
				t.Errorf("another council linked a child it does not hold: %v", err)
			}

			for _, written := range []string{"07700 900123", "+447700900123", "0044 7700 900123"} {
				ans, err := reg.SearchNetwork(ctx, east[0], waymark.EntitySearch{Phone: written})
				if err != nil {
					t.Fatal(err)
				}
				if len(ans.Entities) != 1 || ans.Entities[0].Value != "+447700900123" {
					t.Fatalf("search %q found entities %+v", written, ans.Entities)
				}
				found := map[string]registry.NetworkChild{}
				for _, nc := range ans.Children {
					found[nc.ChildID] = nc
				}
				if len(found) != 3 || !found[c1.ID].Visible || found[c2.ID].Visible || found[c2.ID].Child != nil || found[c2.ID].Ref != c2.Ref ||
					found[c2.ID].Owner == nil || found[c2.ID].Owner.Name != "Westshire Council" || found[c5.ID].Visible {
					t.Fatalf("search %q: %+v", written, ans.Children)
				}
			}
			own, err := reg.SearchNetwork(ctx, west[0], waymark.EntitySearch{Phone: "07700900555"})
			if err != nil || len(own.Children) != 1 || own.Children[0].ChildID != c3.ID || own.Children[0].OwnPhone != "+447700900555" {
				t.Fatalf("the child's own phone not found: %+v, %v", own, err)
			}
			if _, err := reg.SearchNetwork(ctx, east[0], waymark.EntitySearch{Phone: "call me"}); !hasField(err, "phone") {
				t.Errorf("a phone that is no number: %v", err)
			}

			link(east[0], c3, linkTo("address", "12 Mill Lane, Eastport ep1 2ab", "lived_at"))
			link(east[0], c3, linkTo("vehicle", "ab12 cde", "transported_in"))
			for _, q := range []waymark.EntitySearch{{Address: "EP12AB"}, {Address: "Flat 2, 12 Mill Lane EP1 2AB"}, {VRM: "AB12-CDE"}} {
				ans, err := reg.SearchNetwork(ctx, police, q)
				if err != nil || len(ans.Children) != 1 || ans.Children[0].ChildID != c3.ID {
					t.Errorf("search %+v: %+v, %v", q, ans, err)
				}
			}

			g, err := reg.Network(ctx, east[1], c1.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(g.Nodes) != 4 || len(g.Edges) != 3 {
				t.Fatalf("picture of 3 children around a phone: %d nodes, %d edges: %+v", len(g.Nodes), len(g.Edges), g)
			}
			for _, n := range g.Nodes {
				if n.ID == c2.ID && (n.Visible || n.Label != c2.Ref || n.Owner != "Westshire Council" || n.Step != 2) {
					t.Errorf("another council's child drawn as %+v", n)
				}
			}
			if _, err := reg.Network(ctx, east[0], c1.ID); waymark.ErrorCode(err) != waymark.EFORBIDDEN {
				t.Errorf("a social worker drew the network: %v", err)
			}
			if _, err := reg.Network(ctx, police, c1.ID); waymark.ErrorCode(err) != waymark.EFORBIDDEN {
				t.Errorf("the police drew the network of a council's child not opened: %v", err)
			}
			rec, err := reg.Child(ctx, east[0], c1.ID)
			if err != nil || len(rec.Care.Links) != 1 || rec.Care.Links[0].Entity.Value != "+447700900123" {
				t.Fatalf("the child's links: %+v, %v", rec.Care.Links, err)
			}

			if _, err := reg.EndLink(ctx, west[0], first.ID, "2026-11-25"); waymark.ErrorCode(err) != waymark.EFORBIDDEN {
				t.Errorf("another council ended a link of a child it does not hold: %v", err)
			}
			if _, err := reg.EndLink(ctx, east[0], first.ID, "2026-11-19"); !hasField(err, "to") {
				t.Errorf("a link ended before it began: %v", err)
			}
			if ended, err := reg.EndLink(ctx, east[0], first.ID, "2026-11-25"); err != nil || ended.To != "2026-11-25" {
				t.Fatalf("end a link: %+v %v", ended, err)
			}
			if _, err := reg.EndLink(ctx, east[0], first.ID, "2026-11-26"); !hasField(err, "to") {
				t.Errorf("a link ended twice: %v", err)
			}
			if rec, _ = reg.Child(ctx, east[0], c1.ID); rec.Care.Links[0].To != "2026-11-25" {
				t.Errorf("the ended link reads %+v", rec.Care.Links[0])
			}
		})
	}
}

func hasOverlap(t *testing.T, reg *registry.Registry, a waymark.Actor) bool {
	t.Helper()
	list, _, err := reg.Alerts(context.Background(), a, 50)
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(list, func(al *waymark.Alert) bool {
		return al.Kind == waymark.AlertNetworkOverlap && al.Detail == "3 children linked to this phone in 60 days"
	})
}

func hasField(err error, field string) bool {
	return slices.ContainsFunc(waymark.ErrorFields(err), func(f waymark.FieldError) bool { return f.Field == field })
}

// A postcode shared by more addresses than one statement may join, around more children than a
// page lists: every entity is read, the latest 200 children listed and the rest counted.
func TestNetworkSearchBeyondItsBounds(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			reg := instance(t, storetest.DSN(t, d), storetest.Keys(t))
			ctx := context.Background()
			sw := orgStaff(t, reg, "Eastport City Council", "council", waymark.RoleSocialWorker)[0]
			const n = 230
			for i := range n {
				c := &waymark.Child{GivenNames: "Tuan", FamilyName: "Street"}
				if err := reg.CreateChild(ctx, sw, c, nil); err != nil {
					t.Fatal(err)
				}
				l := linkTo("address", fmt.Sprintf("Flat %d, 1 Long Row, Eastport EP9 9ZZ", i), "lived_at")
				l.ChildID = c.ID
				if err := reg.AddLink(ctx, sw, l); err != nil {
					t.Fatal(err)
				}
			}
			ans, err := reg.SearchNetwork(ctx, sw, waymark.EntitySearch{Address: "ep9 9zz"})
			if err != nil || len(ans.Entities) != n || len(ans.Children) != 200 || ans.More != n-200 {
				t.Fatalf("%d entities, %d children and %d more; %v", len(ans.Entities), len(ans.Children), ans.More, err)
			}
		})
	}
}
