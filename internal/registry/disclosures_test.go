package registry_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// Sharing outside the organisation that holds a record — a record opened with a reason, a pack
// given to a force, a handover, a subject access copy, an export — is logged with recipient,
// purpose and lawful basis, naming the agreement in force between the organisations where there is
// one; the register of agreements is the operator's to keep.
func TestDisclosureLog(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			reg := instance(t, storetest.DSN(t, d), storetest.Keys(t))
			ctx := context.Background()
			sw := staff(t, reg, waymark.RoleSocialWorker)
			org := func(name, kind string) string {
				o := &waymark.Organisation{Name: name, Kind: kind}
				if err := registry.StoreOf(reg).InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateOrg(o) }); err != nil {
					t.Fatal(err)
				}
				return o.ID
			}
			person := func(orgName, kind, email string, role waymark.Role, name string) waymark.Actor {
				u := &waymark.User{OrgID: org(orgName, kind), Email: email, Role: role, Name: name, PasswordHash: "x"}
				if err := registry.StoreOf(reg).InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateUser(u) }); err != nil {
					t.Fatal(err)
				}
				return waymark.Actor{UserID: u.ID, OrgID: u.OrgID, Role: role, Name: name}
			}
			police := person("Northshire Police", "police", "pc@police.example.org", waymark.RolePolice, "PC Test")
			other := person("Eastport Council", "council", "sw@eastport.example.org", waymark.RoleSocialWorker, "Eastport worker")
			op := waymark.Operator("root")
			ag := &waymark.Agreement{Name: "Safeguarding children at risk", OrgIDs: []string{sw.OrgID, police.OrgID}, Purpose: "finding missing children",
				LawfulBasis: "safeguarding", StartsOn: time.Now().AddDate(0, -1, 0).Format(waymark.DateLayout)}
			if err := reg.AddAgreement(ctx, sw, &waymark.Agreement{Name: "mine", OrgIDs: []string{sw.OrgID, other.OrgID}, Purpose: "x", LawfulBasis: "safeguarding", StartsOn: "2026-01-01"}); waymark.ErrorCode(err) != waymark.EFORBIDDEN {
				t.Fatalf("one organisation's worker recorded an agreement binding another: %v", err)
			}
			if err := reg.AddAgreement(ctx, op, &waymark.Agreement{Name: "bad", OrgIDs: []string{sw.OrgID}, LawfulBasis: "because", StartsOn: "soon"}); waymark.ErrorCode(err) != waymark.EINVALID || len(waymark.ErrorFields(err)) != 4 {
				t.Fatalf("a bad agreement: %v", err)
			}
			if err := reg.AddAgreement(ctx, op, ag); err != nil {
				t.Fatal(err)
			}
			child := &waymark.Child{GivenNames: "Ardit", FamilyName: "Hoxha", Sex: "M", DateOfBirth: "2009-04-05", Nationality: "AL"}
			if err := reg.CreateChild(ctx, sw, child, nil); err != nil {
				t.Fatal(err)
			}
			why := waymark.OpenReason{Category: "missing", Reference: "NP-2026-1121"}
			if err := reg.OpenWithReason(ctx, police, child.ID, why); err != nil {
				t.Fatal(err)
			}
			if err := reg.OpenWithReason(ctx, other, child.ID, why); err != nil {
				t.Fatal(err)
			}
			e := &waymark.MissingEpisode{ChildID: child.ID, Kind: "missing", Risk: "high", LastSeenAt: time.Now().Add(-time.Hour)}
			if err := reg.ReportMissing(ctx, sw, e); err != nil {
				t.Fatal(err)
			}
			if _, err := reg.Pack(ctx, police, e.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := reg.Pack(ctx, sw, e.ID); err != nil { // the owner's own: nothing leaves
				t.Fatal(err)
			}
			if _, err := reg.Subject(ctx, waymark.Actor{UserID: "m", OrgID: sw.OrgID, Role: waymark.RoleManager, Name: "manager"}, child.ID, true); err != nil {
				t.Fatal(err)
			}
			if err := reg.DiscloseExport(ctx, op, sw.OrgID, "Department for Education", "SSDA903 return", "legal_obligation"); err != nil {
				t.Fatal(err)
			}
			if err := reg.DiscloseExport(ctx, op, sw.OrgID, "x", "y", "whim"); waymark.ErrorCode(err) != waymark.EINVALID {
				t.Fatalf("an export under no known basis: %v", err)
			}
			if _, err := reg.Disclosures(ctx, sw, sw.OrgID, time.Time{}); waymark.ErrorCode(err) != waymark.EFORBIDDEN {
				t.Fatalf("a social worker read the disclosure log: %v", err)
			}
			log, err := reg.Disclosures(ctx, waymark.Actor{UserID: "adm", OrgID: sw.OrgID, Role: waymark.RoleAdmin, Name: "admin"}, sw.OrgID, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]*waymark.Disclosure{}
			for _, d := range log {
				got[d.Kind+"/"+d.Recipient] = d
			}
			for key, want := range map[string]struct{ basis, agreement string }{
				"opened/Northshire Police: PC Test":                {"safeguarding", ag.ID},
				"opened/Eastport Council: Eastport worker":         {"safeguarding", ""},
				"pack/Northshire Police: PC Test":                  {"safeguarding", ag.ID},
				"subject_access/the child or their representative": {"subject_access", ""},
				"export/Department for Education":                  {"legal_obligation", ""},
			} {
				d, ok := got[key]
				if !ok || d.LawfulBasis != want.basis || d.AgreementID != want.agreement || d.Purpose == "" {
					t.Errorf("disclosure %s: %+v, want basis %s under agreement %q", key, d, want.basis, want.agreement)
				}
			}
			if len(log) != 5 {
				t.Errorf("%d disclosures, want 5: %+v", len(log), log)
			}
			es, err := registry.StoreOf(reg).AuditEntries(ctx, sqlstore.AuditFilter{Action: string(waymark.OpenWithReason)})
			if err != nil || len(es) != 2 {
				t.Fatal(es, err)
			}
			reasons := es[0].Reason + " | " + es[1].Reason
			if !strings.Contains(reasons, "under the agreement Safeguarding children at risk") || !strings.Contains(reasons, "no information-sharing agreement") {
				t.Fatalf("opening with a reason does not name the agreement it relies on: %s", reasons)
			}
		})
	}
}
