// Package storetest opens real, empty databases for tests: SQLite always, and PostgreSQL when
// WAYMARK_TEST_POSTGRES holds a DSN (the test command sets it). Each test gets its own schema.
package storetest

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"testing"

	"github.com/waymark-org/waymark/internal/crypto"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// EnvPostgres names the variable holding the PostgreSQL DSN for tests.
const EnvPostgres = "WAYMARK_TEST_POSTGRES"

// Dialects lists the databases tests run against here.
func Dialects(t testing.TB) []sqlstore.Dialect {
	d := []sqlstore.Dialect{sqlstore.SQLite}
	if os.Getenv(EnvPostgres) != "" {
		d = append(d, sqlstore.Postgres)
	} else if os.Getenv("WAYMARK_REQUIRE_POSTGRES") != "" {
		t.Fatalf("%s is not set but WAYMARK_REQUIRE_POSTGRES is", EnvPostgres)
	}
	return d
}

// Keys returns a fresh keyring.
func Keys(t testing.TB) *crypto.Keyring {
	k, err := crypto.ParseKeys(crypto.NewKeyLine(1))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// DSN returns a DSN for a new, empty database of the dialect, removed when the test ends.
func DSN(t testing.TB, d sqlstore.Dialect) string {
	if d == sqlstore.SQLite {
		return t.TempDir()
	}
	base := os.Getenv(EnvPostgres)
	schema := "t_" + sqlstore.NewID()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens a new, empty, migrated store of the dialect.
func Open(t testing.TB, d sqlstore.Dialect) *sqlstore.Store {
	return OpenWith(t, d, Keys(t))
}

// OpenWith opens a new store with the given keys.
func OpenWith(t testing.TB, d sqlstore.Dialect, keys *crypto.Keyring) *sqlstore.Store {
	s, err := sqlstore.Open(context.Background(), DSN(t, d), keys)
	if err != nil {
		t.Fatalf("open %s store: %v", d, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Processes opens n stores on one new, empty database of the dialect, as n processes would.
func Processes(t testing.TB, d sqlstore.Dialect, n int) []*sqlstore.Store {
	dsn, keys := DSN(t, d), Keys(t)
	stores := make([]*sqlstore.Store, n)
	for i := range stores {
		s, err := sqlstore.Open(context.Background(), dsn, keys)
		if err != nil {
			t.Fatalf("open %s store: %v", d, err)
		}
		t.Cleanup(func() { s.Close() })
		stores[i] = s
	}
	return stores
}

// Each runs fn as a subtest against a fresh store of every dialect.
func Each(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	for _, d := range Dialects(t) {
		t.Run(string(d), func(t *testing.T) { fn(t, Open(t, d)) })
	}
}
