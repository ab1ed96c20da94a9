package sqlstore

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Backup files, in the directory a backup is written to.
const (
	SQLiteBackup   = "waymark.db"
	PostgresBackup = "waymark.pgdump"
)

// Backup writes a consistent copy of the database into dir (created, readable by its owner alone)
// while the service runs, and returns the file written. SQLite copies from one read transaction
// (VACUUM INTO), which writers neither wait for nor restart — SQLite's online backup began again
// at each commit, and every view commits its audit entry; PostgreSQL is dumped by pg_dump in its
// custom format.
func (s *Store) Backup(ctx context.Context, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("backup directory: %w", err)
	}
	if s.dialect == Postgres {
		file := filepath.Join(dir, PostgresBackup)
		out, err := pgCommand(ctx, s.pg, "pg_dump", "--format=custom", "--no-owner", "--file="+file).CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("pg_dump: %w: %s", err, out)
		}
		return file, os.Chmod(file, 0o600)
	}
	file := filepath.Join(dir, SQLiteBackup)
	if _, err := os.Stat(file); err == nil {
		return "", fmt.Errorf("%s holds a backup already: choose another directory", dir)
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, file); err != nil {
		return "", fmt.Errorf("copy the database: %w", err)
	}
	return file, os.Chmod(file, 0o600)
}

// Restore puts a backup made by Backup from dir into dsn, which must hold no database yet: an
// SQLite data directory without waymark.db, or an empty PostgreSQL database (or schema).
func Restore(ctx context.Context, dir, dsn string) error {
	if !IsPostgres(dsn) {
		if _, err := os.Stat(filepath.Join(dsn, SQLiteBackup)); err == nil {
			return fmt.Errorf("%s holds a database already: restore into an empty installation", dsn)
		}
		if err := os.MkdirAll(dsn, 0o700); err != nil {
			return fmt.Errorf("data directory: %w", err)
		}
		return copyPrivate(filepath.Join(dir, SQLiteBackup), filepath.Join(dsn, SQLiteBackup))
	}
	db, cfg, err := openPostgres(dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&tables); err != nil {
		return fmt.Errorf("look at the database to restore into: %w", err)
	}
	if tables > 0 {
		return fmt.Errorf("the database to restore into holds %d tables: restore into an empty one", tables)
	}
	out, err := pgCommand(ctx, cfg, "pg_restore", "--no-owner", "--exit-on-error", filepath.Join(dir, PostgresBackup)).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_restore: %w: %s", err, out)
	}
	return nil
}

// pgCommand is a PostgreSQL client program run against the database c names (a dump of its
// schema alone, when the connection sets one), the password passed in its environment.
func pgCommand(ctx context.Context, c *pgx.ConnConfig, tool string, args ...string) *exec.Cmd {
	conn := []string{"--host=" + c.Host, "--port=" + strconv.Itoa(int(c.Port)), "--dbname=" + c.Database}
	if c.User != "" {
		conn = append(conn, "--username="+c.User)
	}
	if schema, _, _ := strings.Cut(c.RuntimeParams["search_path"], ","); schema != "" && tool == "pg_dump" { // a restore makes it again
		conn = append(conn, "--schema="+strings.TrimSpace(schema))
	}
	cmd := exec.CommandContext(ctx, pgTool(tool), append(conn, args...)...)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+c.Password)
	return cmd
}

// pgTool finds a PostgreSQL client program: on the path, or where Debian installs it.
func pgTool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name); len(found) > 0 {
		return found[len(found)-1]
	}
	return name
}

// copyPrivate copies a file to one readable by its owner alone.
func copyPrivate(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("open the backup: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(to)
		return fmt.Errorf("restore: %w", err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("restore: %w", err)
	}
	return out.Close()
}
