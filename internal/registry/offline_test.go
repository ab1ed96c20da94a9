package registry_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// The offline key goes to people signed in, of organisations that keep offline capture on; a
// record made offline arrives once, audited with the time it was made; one that may be a child
// recorded since comes back as possible matches, nothing recorded, until the officer decides.
func TestOfflineArrivals(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			reg := instance(t, storetest.DSN(t, d), storetest.Keys(t))
			ctx := context.Background()
			a := staff(t, reg, waymark.RoleBorder)
			b := a
			b.UserID, b.Name = "another", "another officer"
			key, err := reg.OfflineKey(ctx, a)
			if err != nil || len(key) != 32 {
				t.Fatalf("offline key: %x %v", key, err)
			}
			if again, _ := reg.OfflineKey(ctx, a); !bytes.Equal(again, key) {
				t.Fatal("the offline key changed between sign-ins: records kept before could not be sent")
			}
			if theirs, _ := reg.OfflineKey(ctx, b); bytes.Equal(theirs, key) {
				t.Fatal("two users share an offline key")
			}
			if _, err := reg.OfflineKey(ctx, waymark.Actor{TokenID: "t", OrgID: a.OrgID, Role: waymark.RoleBorder}); waymark.ErrorCode(err) != waymark.EFORBIDDEN {
				t.Fatalf("an API token got an offline key: %v", err)
			}
			admin := waymark.Actor{UserID: "adm", OrgID: a.OrgID, Role: waymark.RoleAdmin, Name: "admin"}
			if err := reg.SetOfflineOff(ctx, admin, a.OrgID, true); err != nil {
				t.Fatal(err)
			}
			if _, err := reg.OfflineKey(ctx, a); waymark.ErrorCode(err) != waymark.EFORBIDDEN || !strings.Contains(waymark.ErrorMessage(err), "turned offline capture off") {
				t.Fatalf("offline capture off, still a key: %v", err)
			}
			if err := reg.SetOfflineOff(ctx, admin, a.OrgID, false); err != nil {
				t.Fatal(err)
			}

			made := time.Now().Add(-3 * time.Hour).Truncate(time.Second)
			arrive := func(who waymark.Actor, key, decision string, c waymark.Child) registry.Arrived {
				t.Helper()
				out, err := reg.Arrive(ctx, who, &registry.Arrival{Child: c, Contact: waymark.Encounter{At: made, Place: "Lorry park, Junction 8", Agency: "border"}, Key: key, Decision: decision})
				if err != nil {
					t.Fatal(err)
				}
				return out
			}
			selam := waymark.Child{GivenNames: "Selam", FamilyName: "Tesfay", Sex: "F", DateOfBirth: "2010-03-04", Nationality: "ER"}
			first := arrive(a, "k1", "", selam)
			if !first.Created || first.ChildID == "" {
				t.Fatalf("first arrival: %+v", first)
			}
			if again := arrive(a, "k1", "", selam); !again.Again || again.ChildID != first.ChildID {
				t.Fatalf("the same record sent again: %+v, want what the first sending made", again)
			}
			es, err := registry.StoreOf(reg).AuditEntries(ctx, sqlstore.AuditFilter{RecordID: first.ChildID, Action: string(waymark.CreateChild)})
			if err != nil || len(es) != 1 || es[0].UserID != a.UserID || es[0].Reason != "recorded offline at "+made.UTC().Format(time.RFC3339) {
				t.Fatalf("the arrival's audit: %+v %v", es, err)
			}

			senait := waymark.Child{GivenNames: "Senait", FamilyName: "Ghebre", Sex: "F", DateOfBirth: "2009-07-01", Nationality: "ER"}
			if err := reg.CreateChild(ctx, b, &senait, nil); err != nil {
				t.Fatal(err)
			}
			late := waymark.Child{GivenNames: "Senait", FamilyName: "Gebre", Sex: "F", DateOfBirth: "2009-07-01", Nationality: "ER"}
			held := arrive(a, "k2", "", late)
			if held.Created || held.ChildID != "" || len(held.Matches) == 0 || held.Matches[0].ChildID != senait.ID {
				t.Fatalf("a record of a child recorded since: %+v, want her as a possible match and nothing recorded", held)
			}
			contact := arrive(a, "k2", senait.ID, late)
			if contact.Created || contact.ChildID != senait.ID {
				t.Fatalf("decided to be her: %+v", contact)
			}
			if again := arrive(a, "k2", senait.ID, late); !again.Again || again.ChildID != senait.ID {
				t.Fatalf("the decision sent again: %+v", again)
			}
			encounters, err := registry.StoreOf(reg).Encounters(ctx, senait.ID)
			if err != nil || len(encounters) != 1 || !encounters[0].At.Equal(made) {
				t.Fatalf("her contacts: %+v %v, want the one recorded offline, at the time it was made", encounters, err)
			}
			if twin := arrive(a, "k3", "new", late); !twin.Created || twin.ChildID == senait.ID {
				t.Fatalf("decided to be a new child: %+v", twin)
			}
			if _, err := reg.Arrive(ctx, a, &registry.Arrival{Child: selam, Contact: waymark.Encounter{At: made}}); waymark.ErrorCode(err) != waymark.EINVALID {
				t.Fatalf("an arrival without a key: %v", err)
			}
		})
	}
}
