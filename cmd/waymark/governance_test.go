package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// retention plan lists, set changes an organisation's years, apply erases, audited.
func TestRetentionCommands(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			taken := time.Now().AddDate(-5, 0, 0).Format(waymark.DateLayout)
			db, with, _ := westmarshChild(t, d, &waymark.Child{GivenNames: "Dawit", FamilyName: "Prints", Sex: "M",
				DateOfBirth: "2010-01-02", Biometrics: []waymark.Biometric{{Kind: "dna", Reference: "DNA-1", LegalBasis: "PACE s63", TakenOn: taken}}})
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"retention", "plan"}, "biometrics: kept 3 years from when taken"},
				{[]string{"retention", "set", "--org", "Westmarsh Council", "--kind", "biometrics", "--years", "10"}, "keeps biometrics 10 years"},
				{[]string{"retention", "plan", "--org", "Westmarsh Council"}, "0 would be erased"},
				{[]string{"retention", "set", "--org", "Westmarsh Council", "--kind", "biometrics", "--years", "4"}, "keeps biometrics 4 years"},
				{[]string{"retention", "apply"}, "1 erased"},
				{[]string{"retention", "plan"}, "0 would be erased"},
			} {
				out, err := cli(t, "", with(c.args...)...)
				if err != nil || !strings.Contains(out, c.want) {
					t.Fatalf("%v: %q %v; want %q", c.args, out, err, c.want)
				}
			}
			if _, err := cli(t, "", with("retention", "set", "--org", "Westmarsh Council", "--kind", "dna", "--years", "1")...); err == nil || !strings.Contains(err.Error(), "case_record, adult_record, biometrics") {
				t.Fatalf("an unknown kind: %v", err)
			}
			if len(audited(t, db, "retention.biometrics")) != 1 || len(audited(t, db, "retention.rule")) != 2 {
				t.Fatal("retention's changes are not audited")
			}
		})
	}
}

// agreement add and list keep the register; an export is logged as a disclosure under the basis
// given; disclosures writes the log as CSV.
func TestAgreementAndDisclosureCommands(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			_, with := westmarsh(t, d)
			if _, err := cli(t, "", with("org", "create", "--name", "Westmarsh Police", "--kind", "police")...); err != nil {
				t.Fatal(err)
			}
			out, err := cli(t, "", with("agreement", "add", "--name", "Westmarsh safeguarding", "--orgs", "Westmarsh Council; Westmarsh Police",
				"--purpose", "finding missing children", "--from", "2026-01-01")...)
			if err != nil || !strings.Contains(out, "between 2 organisations") {
				t.Fatalf("agreement add: %q %v", out, err)
			}
			if _, err := cli(t, "", with("agreement", "add", "--name", "x", "--orgs", "Westmarsh Council; Nowhere", "--purpose", "y")...); err == nil || !strings.Contains(err.Error(), `"Nowhere"`) {
				t.Fatalf("an agreement with an organisation not recorded: %v", err)
			}
			if out, err := cli(t, "", with("agreement", "list")...); err != nil || !strings.Contains(out, "Westmarsh Police") || !strings.Contains(out, "Westmarsh Council; ") && !strings.Contains(out, "; Westmarsh Council") || !strings.Contains(out, "true") {
				t.Fatalf("agreement list: %q %v", out, err)
			}
			if _, err := cli(t, "", with("export", "children", "--org", "Westmarsh Council", "--basis", "curiosity")...); err == nil || !strings.Contains(err.Error(), "--basis") {
				t.Fatalf("an export under no known basis: %v", err)
			}
			if _, err := cli(t, "", with("export", "children", "--org", "Westmarsh Council", "--recipient", "=HYPERLINK(\"x\")", "--basis", "legal_obligation")...); err != nil {
				t.Fatal(err)
			}
			out, err = cli(t, "", with("disclosures", "--org", "Westmarsh Council")...)
			if err != nil || !strings.Contains(out, "export,\"'=HYPERLINK") || !strings.Contains(out, "legal_obligation") || !strings.Contains(out, "Art. 6(1)(c)") {
				t.Fatalf("disclosures: %q %v", out, err)
			}
		})
	}
}

// keys rotate adds a key, re-seals everything with it, retires the older keys, and the database
// opens and verifies with the file that is left; a second rotation goes from there.
func TestKeysRotateCommand(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			db, with, orgID := westmarshChild(t, d, &waymark.Child{GivenNames: "Dawit", FamilyName: "Sealed", Sex: "M",
				DateOfBirth: "2010-01-02", Marks: "scar on the left hand"})
			for i, want := range []string{"added key 2", "added key 3"} {
				out, err := cli(t, "", with("keys", "rotate", "--settle", "0s")...)
				if err != nil || !strings.Contains(out, want) || !strings.Contains(out, "older keys retired") {
					t.Fatalf("rotation %d: %q %v", i+1, out, err)
				}
				keys, _ := os.ReadFile(db[3])
				if !strings.Contains(string(keys), "root:") || strings.Count(string(keys), "\n") != 3 {
					t.Fatalf("the key file after rotation %d:\n%s", i+1, keys)
				}
				if out, err := cli(t, "", with("audit", "verify")...); err != nil || !strings.Contains(out, "verified") {
					t.Fatalf("audit verify after rotation %d: %q %v", i+1, out, err)
				}
			}
			read := 0
			if err := opened(t, db).AllChildren(context.Background(), orgID, func(c *waymark.Child) error {
				if c.Marks != "scar on the left hand" {
					return fmt.Errorf("the sealed facts read back as %q", c.Marks)
				}
				read++
				return nil
			}); err != nil || read != 1 {
				t.Fatalf("after two rotations read %d children: %v", read, err)
			}
		})
	}
}

// westmarshChild is westmarsh with c recorded by one of the council's social workers, and the
// council's id.
func westmarshChild(t *testing.T, d sqlstore.Dialect, c *waymark.Child) (db []string, with func(...string) []string, orgID string) {
	t.Helper()
	db, with = westmarsh(t, d)
	store := opened(t, db)
	defer store.Close()
	o, err := store.OrgByName(context.Background(), "Westmarsh Council")
	if err != nil {
		t.Fatal(err)
	}
	sw := waymark.Actor{UserID: "sw", OrgID: o.ID, Role: waymark.RoleSocialWorker, Name: "sw"}
	if err := registry.New(store).CreateChild(context.Background(), sw, c, &waymark.Encounter{Kind: "first_contact", At: time.Now(), Place: "Dover"}); err != nil {
		t.Fatal(err)
	}
	return db, with, o.ID
}
