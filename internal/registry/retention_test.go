package registry_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// The retention rules erase a record past its 75th birthday — from the database, from this
// process's index and from another's — and biometrics past their years, audited with the rule and
// what went, never the facts; the audit chain still verifies; an organisation's own years hold.
func TestRetention(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn, keys := storetest.DSN(t, d), storetest.Keys(t)
			reg, other := instance(t, dsn, keys), instance(t, dsn, keys)
			ctx := context.Background()
			a := staff(t, reg, waymark.RoleSocialWorker)
			op := waymark.Operator("root")
			now := time.Now().UTC()
			ago := func(years int) string { return now.AddDate(-years, 0, -1).Format(waymark.DateLayout) }
			record := func(c *waymark.Child) *waymark.Child {
				t.Helper()
				if err := reg.CreateChild(ctx, a, c, &waymark.Encounter{Kind: "first_contact", At: now.Add(-time.Hour), Place: "Dover"}); err != nil {
					t.Fatal(err)
				}
				return c
			}
			old := record(&waymark.Child{GivenNames: "Amina", FamilyName: "Oldrecord", Sex: "F", DateOfBirth: "2008-01-01", Nationality: "SO"})
			var pic bytes.Buffer
			png.Encode(&pic, image.NewGray(image.Rect(0, 0, 8, 8)))
			if _, err := reg.AddPhoto(ctx, a, old.ID, pic.Bytes()); err != nil {
				t.Fatal(err)
			}
			bio := record(&waymark.Child{GivenNames: "Dawit", FamilyName: "Prints", Sex: "M", DateOfBirth: "2010-01-02", Nationality: "ER",
				Biometrics: []waymark.Biometric{{Kind: "dna", Reference: "DNA-OLD-1", LegalBasis: "PACE s63", TakenOn: ago(4)},
					{Kind: "fingerprint", Reference: "FP-NEW-1", TakenOn: ago(1)}}})
			record(&waymark.Child{GivenNames: "Selam", FamilyName: "Young", Sex: "F", DateOfBirth: "2011-05-06", Nationality: "ER"})
			if _, err := reg.RetentionPlan(ctx, a, ""); waymark.ErrorCode(err) != waymark.EFORBIDDEN {
				t.Fatalf("a social worker planned the erasure: %v", err)
			}
			adult := record(&waymark.Child{GivenNames: "Ermal", FamilyName: "Assessed", Sex: "M", DateOfBirth: "2006-01-01", AgeBasis: "age_assessment",
				AgeAssessedOn: ago(1), Nationality: "AL", Phones: []string{"+447700900123"}, Marks: "tattoo of a wolf"})
			if _, err := reg.AddPhoto(ctx, a, adult.ID, pic.Bytes()); err != nil {
				t.Fatal(err)
			}
			plan, err := reg.RetentionPlan(ctx, op, "")
			kinds := map[string]string{}
			for _, p := range plan {
				kinds[p.ChildID] = p.Kind
			}
			if err != nil || len(plan) != 2 || kinds[bio.ID] != "biometrics" || kinds[adult.ID] != "adult_record" {
				t.Fatalf("plan: %+v %v, want the DNA sample taken 4 years ago and the adult assessed a year ago", plan, err)
			}
			if done, err := reg.ApplyRetention(ctx, op, ""); err != nil || len(done) != 2 {
				t.Fatalf("apply: %+v %v", done, err)
			}
			shell, err := registry.StoreOf(reg).Child(ctx, adult.ID)
			if err != nil || shell.GivenNames != "" || shell.FamilyName != "" || len(shell.Phones) != 0 || shell.Marks != "" || len(shell.Photos) != 0 ||
				shell.DateOfBirth != "2006-01-01" || shell.MinimisedOn == "" || shell.AgeAssessedOn != adult.AgeAssessedOn || shell.Nationality != "AL" {
				t.Fatalf("the adult's record after minimisation: %+v %v", shell, err)
			}
			for _, c := range reg.Engine.Identify(&waymark.Child{GivenNames: "Ermal", FamilyName: "Assessed"}, 10) {
				if c.ChildID == adult.ID {
					t.Fatal("the index still finds a minimised record by its name")
				}
			}
			if again, _ := reg.RetentionPlan(ctx, op, ""); len(again) != 0 {
				t.Fatalf("after applying, the plan: %+v", again)
			}
			kept, err := registry.StoreOf(reg).Child(ctx, bio.ID)
			if err != nil || len(kept.Biometrics) != 1 || kept.Biometrics[0].Kind != "fingerprint" {
				t.Fatalf("biometrics after retention: %+v %v", kept.Biometrics, err)
			}
			if err := reg.SetRetention(ctx, op, a.OrgID, "biometrics", 10); err != nil {
				t.Fatal(err)
			}
			record(&waymark.Child{GivenNames: "Yonas", FamilyName: "Kept", Sex: "M", DateOfBirth: "2010-03-04", Nationality: "ER",
				Biometrics: []waymark.Biometric{{Kind: "dna", Reference: "DNA-2", LegalBasis: "PACE s63", TakenOn: ago(4)}}})
			if plan, err := reg.RetentionPlan(ctx, op, a.OrgID); err != nil || len(plan) != 0 {
				t.Fatalf("with biometrics kept 10 years, the plan: %+v %v", plan, err)
			}
			if err := reg.SetRetention(ctx, op, a.OrgID, "photos", 1); waymark.ErrorCode(err) != waymark.EINVALID {
				t.Fatalf("an unknown kind of record: %v", err)
			}
			later := time.Date(2083, 1, 2, 9, 0, 0, 0, time.UTC) // the day after Amina's 75th birthday
			registry.StoreOf(reg).SetClock(func() time.Time { return later })
			done, err := reg.ApplyRetention(ctx, op, a.OrgID)
			if err != nil || !slices.ContainsFunc(done, func(r registry.Retained) bool { return r.ChildID == old.ID && r.Kind == "case_record" }) ||
				slices.ContainsFunc(done, func(r registry.Retained) bool {
					return r.Kind == "case_record" && r.ChildID != old.ID && r.ChildID != adult.ID
				}) {
				t.Fatalf("apply in 2083: %+v %v, want Amina's record erased, and the minimised adult's (75 in 2081), and no other", done, err)
			}
			store := registry.StoreOf(reg)
			if _, err := store.Child(ctx, old.ID); waymark.ErrorCode(err) != waymark.ENOTFOUND {
				t.Fatalf("the erased record is still read: %v", err)
			}
			for _, q := range []string{`SELECT count(*) FROM photos WHERE child_id = $1`, `SELECT count(*) FROM encounters WHERE child_id = $1`} {
				var n int
				if err := store.DB().QueryRow(q, old.ID).Scan(&n); err != nil || n != 0 {
					t.Fatalf("%s: %d left, %v", q, n, err)
				}
			}
			if err := other.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			for name, r := range map[string]*registry.Registry{"this process": reg, "another process": other} {
				for _, c := range r.Engine.Identify(&waymark.Child{GivenNames: "Amina", FamilyName: "Oldrecord", DateOfBirth: old.DateOfBirth}, 10) {
					if c.ChildID == old.ID {
						t.Fatalf("%s's index still finds the erased record", name)
					}
				}
			}
			es, err := store.AuditEntries(ctx, sqlstore.AuditFilter{Action: "retention.erase", RecordID: old.ID})
			if err != nil || len(es) != 1 || es[0].RecordID != old.ID || !strings.Contains(es[0].Reason, "case_record: kept 75 years from when born, to 2083-01-01") {
				t.Fatalf("the erasure's audit: %+v %v", es, err)
			}
			for _, e := range es {
				if strings.Contains(e.Reason, "Amina") || strings.Contains(e.Reason, "Oldrecord") {
					t.Fatalf("the audit of an erasure holds what was erased: %q", e.Reason)
				}
			}
			if v, err := store.VerifyAudit(ctx, nil); err != nil || len(v.Problems) != 0 {
				t.Fatalf("the audit chain after an erasure: %+v %v", v, err)
			}
		})
	}
}
