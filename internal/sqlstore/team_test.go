package sqlstore_test

import (
	"context"
	"testing"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// Upgrading to teams keeps every assignment: a guardian assigned becomes the child's ICTG, and
// the guardian role becomes ictg, in users and in the roles asked for a second factor.
func TestTeamsMigrateAssignments(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			var c *waymark.Child
			var u *waymark.User
			s := upgraded(t, d, func(s *sqlstore.Store) []string {
				o := mustOrg(t, s, "Safe Passage", "charity")
				c = mustChild(t, s, &waymark.Child{OrgID: o.ID, GivenNames: "Amina"})
				u = &waymark.User{OrgID: o.ID, Email: "g@example.org", Role: waymark.RoleICTG, PasswordHash: "h"}
				if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateUser(u) }); err != nil {
					t.Fatal(err)
				}
				return []string{`DROP TABLE team_members`,
					`CREATE TABLE child_assignments (child_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (child_id, user_id))`,
					`INSERT INTO child_assignments VALUES ('` + c.ID + `', '` + u.ID + `')`,
					`UPDATE users SET role = 'guardian'`, `ALTER TABLE users DROP COLUMN phone`,
					`UPDATE organisations SET mfa_roles = 'border,guardian,admin'`,
					`DELETE FROM schema_migrations WHERE name = '019_team.sql'`}
			})
			team, err := s.Team(ctx, c.ID)
			if err != nil || len(team) != 1 || team[0].UserID != u.ID || team[0].Role != waymark.TeamICTG || team[0].From != c.CreatedAt.UTC().Format(waymark.DateLayout) || !team[0].Current() {
				t.Fatalf("team after the upgrade: %+v, %v", team, err)
			}
			if got, _ := s.User(ctx, u.ID); got.Role != waymark.RoleICTG {
				t.Fatalf("the guardian is now a %s", got.Role)
			}
			if got, _ := s.Org(ctx, u.OrgID); len(got.MFARoles) != 5 {
				t.Fatalf("second factor asked of %v", got.MFARoles)
			}
		})
	}
}

// upgraded opens a fresh database of dialect d, lets seed write to it and return the statements
// that take it back to before a migration, and opens it again, as an upgrade would.
func upgraded(t *testing.T, d sqlstore.Dialect, seed func(s *sqlstore.Store) []string) *sqlstore.Store {
	t.Helper()
	dsn, keys := storetest.DSN(t, d), storetest.Keys(t)
	s, err := sqlstore.Open(context.Background(), dsn, keys)
	if err != nil {
		t.Fatal(err)
	}
	err = sqlstore.Exec(s, seed(s)...)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if s, err = sqlstore.Open(context.Background(), dsn, keys); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
