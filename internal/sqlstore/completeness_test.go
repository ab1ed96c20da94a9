package sqlstore_test

import (
	"slices"
	"testing"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// What a record lacks was photo, document, fingerprints and DNA reference for everyone; after the
// upgrade it is the default rule's, with no DNA, and an organisation may set its own.
func TestCompletenessRulePerOrganisation(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			var o *waymark.Organisation
			var passport, bare *waymark.Child
			s := upgraded(t, d, func(s *sqlstore.Store) []string {
				o = mustOrg(t, s, "Northshire County Council", "council")
				passport = mustChild(t, s, &waymark.Child{OrgID: o.ID, GivenNames: "Amina", DateOfBirth: "2010-01-01", Nationality: "ER",
					Documents: []waymark.Document{{Type: "passport", Number: "P1"}}})
				bare = mustChild(t, s, &waymark.Child{OrgID: o.ID, GivenNames: "Samir"})
				return []string{`UPDATE children SET missing = 'photo,fingerprints,DNA reference' WHERE id = '` + passport.ID + `'`,
					`UPDATE children SET missing = 'photo,document,fingerprints,DNA reference' WHERE id = '` + bare.ID + `'`,
					`ALTER TABLE organisations DROP COLUMN completeness`,
					`DELETE FROM schema_migrations WHERE name = '026_completeness.sql'`}
			})
			lacks := func(id string) []string {
				t.Helper()
				c, err := s.Child(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				return c.Lacks
			}
			if got := lacks(passport.ID); !slices.Equal(got, []string{"photo"}) {
				t.Fatalf("a child with a passport lacks %v", got)
			}
			if got := lacks(bare.ID); !slices.Equal(got, []string{"photo", "date_of_birth", "nationality", "fingerprints_or_document"}) {
				t.Fatalf("a child with nothing lacks %v", got)
			}
			if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.SetCompleteness(o.ID, []string{"name", "dna"}) }); err != nil {
				t.Fatal(err)
			}
			if got := lacks(passport.ID); !slices.Equal(got, []string{"dna"}) {
				t.Fatalf("under the organisation's own rule: %v", got)
			}
			if got, _ := s.Org(ctx, o.ID); !slices.Equal(got.Completeness, []string{"name", "dna"}) {
				t.Fatalf("rule kept as %v", got.Completeness)
			}
		})
	}
}
