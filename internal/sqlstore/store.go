// Package sqlstore keeps Waymark's records in SQLite (embedded, the default) or PostgreSQL (for
// scale) through database/sql. The SQL is shared; only the migrations differ per dialect.
package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/base32"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // also registers "pgx" for database/sql
	_ "modernc.org/sqlite"           // registers "sqlite"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/crypto"
	"github.com/waymark-org/waymark/internal/periodic"
)

// Dialect names a supported database.
type Dialect string

// The dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is the database. It is safe for concurrent use.
type Store struct {
	db         *pool
	writing    chan struct{} // held by the SQLite transaction writing now
	dialect    Dialect
	keys       *crypto.Keyring
	now        func() time.Time
	stop       func()          // ends the SQLite checkpointer and audit writer
	pg         *pgx.ConnConfig // PostgreSQL: for the connection that listens for changes
	channel    string          // PostgreSQL: the notification channel for changes to children, one per schema
	auditKey   []byte          // the audit chain's MAC key, from keys
	file       string          // SQLite: the database file
	truncating atomic.Bool     // SQLite: a commit is truncating the log
	writer     *auditWriter    // appends the audit entries of reads, in groups
}

//go:embed migrations
var migrations embed.FS

// IsPostgres reports whether dsn names a PostgreSQL database rather than an SQLite directory.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") || strings.Contains(dsn, "host=")
}

// Open opens (creating and migrating as needed) the database named by dsn: a postgres:// URL, or a
// directory for the embedded SQLite database. keys seal sensitive fields.
func Open(ctx context.Context, dsn string, keys *crypto.Keyring) (*Store, error) {
	s := &Store{keys: keys, now: func() time.Time { return time.Now().UTC() }, auditKey: keys.AuditKey(), writing: make(chan struct{}, 1)}
	var err error
	if IsPostgres(dsn) {
		s.dialect = Postgres
		var db *sql.DB
		db, s.pg, err = openPostgres(dsn)
		s.db = &pool{DB: db} // statements planned with their values, each time: none kept
	} else {
		s.dialect = SQLite
		if err := os.MkdirAll(dsn, 0o700); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		s.file = filepath.Join(dsn, "waymark.db")
		var db *sql.DB
		db, err = sql.Open("sqlite", "file:"+s.file+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)"+
			"&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_pragma=wal_autocheckpoint(0)"+
			"&_pragma=journal_size_limit(67108864)&_pragma=temp_store(2)&_txlock=immediate&_time_format=sqlite")
		s.db = newPool(db)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", s.dialect, err)
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", s.dialect, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	if err := s.checkKeys(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	if err := s.keyAudit(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	if err := errors.Join(s.sealOldFacts(ctx), s.sealOldText(ctx)); err != nil {
		s.db.Close()
		return nil, err
	}
	if s.dialect == SQLite { // readable by Waymark's account alone, whatever the umask
		for _, f := range []string{s.file, s.file + "-wal", s.file + "-shm"} {
			if err := os.Chmod(f, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
				s.db.Close()
				return nil, fmt.Errorf("protect %s: %w", f, err)
			}
		}
	}
	s.writer = s.startAuditWriter()
	s.stop = s.writer.stop
	if s.dialect == SQLite {
		stopCheckpoints := s.checkpoint(time.Second)
		s.stop = func() { s.writer.stop(); stopCheckpoints() }
	} else if err := s.db.QueryRowContext(ctx, `SELECT 'waymark:' || current_schema() || ':children'`).Scan(&s.channel); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("read schema: %w", err)
	}
	return s, nil
}

// openPostgres opens a pool of at most 20 connections that plan every statement with its values
// (unless dsn asks otherwise). PostgreSQL's default keeps a statement's plan once made, and a plan
// made while a table was empty — an import's first rows — chose an index on the organisation alone:
// at a million children each lookup by reference read the organisation's whole list, and
// importing slowed to 65 children a second.
func openPostgres(dsn string) (*sql.DB, *pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, nil, err
	}
	if !strings.Contains(dsn, "default_query_exec_mode") {
		cfg.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(20)
	return db, cfg, nil
}

// WALLimit is the size past which SQLite's write-ahead log is checkpointed back to its start by
// the writer that finds it so; tests lower it.
var WALLimit int64 = 64 << 20

// checkpoint copies the SQLite write-ahead log into the database every interval, in the background,
// until stop is called. Left to itself SQLite checkpoints inside whichever commit fills the log, and
// that request waits for the copy and its fsync.
func (s *Store) checkpoint(interval time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		periodic.Run(ctx, interval, func(ctx context.Context) {
			s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`) // a busy or failed one is retried next beat
		})
	}()
	return func() { cancel(); <-done }
}

// boundLog is called after each commit on SQLite. A passive checkpoint never waits, so under
// writes that never pause, with readers always in the log, the log is never begun again and grows
// without end (900 MB in six seconds). Once it passes WALLimit, the committing writer checkpoints
// it to the end and truncates it, waiting for the readers of the moment: writers slow to what the
// disk can take, and the log stays near its limit. Writers that find one under way go on.
func (s *Store) boundLog(ctx context.Context) {
	if fi, err := os.Stat(s.file + "-wal"); err != nil || fi.Size() <= WALLimit || !s.truncating.CompareAndSwap(false, true) {
		return
	}
	defer s.truncating.Store(false)
	s.db.ExecContext(context.WithoutCancel(ctx), `PRAGMA wal_checkpoint(TRUNCATE)`) // busy: the next commit tries again
}

// Close closes the database.
func (s *Store) Close() error {
	s.stop()
	return s.db.Close()
}

// Dialect reports which database the store uses.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB exposes the connection pool for benchmarks and operational commands.
func (s *Store) DB() *sql.DB { return s.db.DB }

// SetClock replaces the store's clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = func() time.Time { return now().UTC() } }

// Now is the store's current time, in UTC.
func (s *Store) Now() time.Time { return s.now() }

func (s *Store) migrate(ctx context.Context) error {
	dir := "migrations/" + string(s.dialect)
	names, err := fs.Glob(migrations, dir+"/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	for _, name := range names {
		err := s.InTx(ctx, func(tx *Tx) error {
			var n int
			base := filepath.Base(name)
			if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = $1`, base).Scan(&n); err != nil || n > 0 {
				return err
			}
			body, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			if _, err := tx.tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err = tx.tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, base)
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// Tx is a write transaction. Every write and its audit entry share one, so neither is kept without the other.
type Tx struct {
	tx   *sql.Tx
	s    *Store
	ctx  context.Context
	head *auditHead // the audit chain's head once this transaction holds it; written back at commit
	// childChanged is set when the transaction created or changed a child: listeners are told at commit.
	childChanged bool
	stmts        map[string]*sql.Stmt // the batch statements of an import, prepared once each
	rules        map[string][]string  // organisations' completeness rules read so far
}

// batchExec and batchQuery run a batch statement of an import: on SQLite prepared once in the
// transaction, as one of thousands of arguments costs as much to parse as to run; PostgreSQL plans
// each with its values (a plan kept from an import's first, empty, moments would read whole
// tables later).
func (tx *Tx) batchExec(query string, args ...any) error {
	if tx.s.dialect == Postgres {
		_, err := tx.tx.ExecContext(tx.ctx, query, args...)
		return err
	}
	st, err := tx.prepared(query)
	if err == nil {
		_, err = st.ExecContext(tx.ctx, args...)
	}
	return err
}

func (tx *Tx) batchQuery(query string, args ...any) (*sql.Rows, error) {
	if tx.s.dialect == Postgres {
		return tx.tx.QueryContext(tx.ctx, query, args...)
	}
	st, err := tx.prepared(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(tx.ctx, args...)
}

func (tx *Tx) prepared(query string) (*sql.Stmt, error) {
	if st, ok := tx.stmts[query]; ok {
		return st, nil
	}
	st, err := tx.tx.PrepareContext(tx.ctx, query)
	if err != nil {
		return nil, err
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[query] = st // closed with the transaction
	return st, nil
}

// InTx runs fn in a transaction, committing if it returns nil. In PostgreSQL, concurrent writers
// wait on the audit head row, so the hash chain stays linear.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error { return s.inTx(ctx, s.db, fn) }

// bulkCache is the page cache of a bulk transaction's SQLite connection (KiB): an import of
// 100,000 children grows indexes far past the default 2 MiB, and each page missing from the cache
// is read again and written out twice; 256 MiB holds that import's 160 MB whole (64 MiB: 10 %
// slower).
const bulkCache = 256 << 10

// Analyze refreshes the planner's statistics, as after a bulk load: without them SQLite takes an
// organisation's children for a handful and reads all million of them to find a few by reference.
// SQLite samples (analysis_limit): half a second at a million children.
func (s *Store) Analyze(ctx context.Context) error {
	q := `ANALYZE`
	if s.dialect == SQLite {
		q = `PRAGMA analysis_limit = 400; ANALYZE`
	}
	_, err := s.db.ExecContext(ctx, q)
	return wrap(err, "refresh planner statistics")
}

// Analyze refreshes the planner's statistics of tables a transaction has just filled, so that
// its own later statements are planned for what it wrote: PostgreSQL otherwise plans a join over
// three million uncommitted links as over an empty table, and reads all of them for each.
func (tx *Tx) Analyze(tables ...string) error {
	for _, t := range tables {
		q := `ANALYZE ` + t
		if tx.s.dialect == SQLite {
			q = `PRAGMA analysis_limit = 400; ANALYZE ` + t
		}
		if _, err := tx.tx.ExecContext(tx.ctx, q); err != nil {
			return fmt.Errorf("refresh planner statistics of %s: %w", t, err)
		}
	}
	return nil
}

// InBulkTx is InTx for a transaction that writes very many rows (an import): on SQLite its
// connection has a page cache of bulkCache while it lasts. Run Analyze after it.
func (s *Store) InBulkTx(ctx context.Context, fn func(tx *Tx) error) error {
	if s.dialect != SQLite {
		return s.InTx(ctx, fn)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, bulkCache)); err != nil {
		return fmt.Errorf("bulk cache: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = -2000`) // SQLite's default, the memory freed
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return fmt.Errorf("bulk keys: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`)
	return s.inTx(ctx, conn, func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return tx.checkKeys()
	})
}

// checkKeys finds, before a bulk transaction commits, any row it wrote whose reference leads
// nowhere: its foreign keys were not checked row by row (each check would have SQLite keep a
// statement journal of every page the statement touches).
func (tx *Tx) checkKeys() error {
	for _, table := range []string{"children", "encounters", "placements", "missing_episodes", "missing_reviews", "screenings"} {
		var n int
		if err := tx.tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM pragma_foreign_key_check(?)`, table).Scan(&n); err != nil {
			return fmt.Errorf("check %s references: %w", table, err)
		}
		if n > 0 {
			return fmt.Errorf("%d rows of %s refer to rows that do not exist", n, table)
		}
	}
	return nil
}

func (s *Store) inTx(ctx context.Context, db interface {
	BeginTx(context.Context, *sql.TxOptions) (*sql.Tx, error)
}, fn func(tx *Tx) error) error {
	if s.dialect == SQLite {
		// One transaction of this process writes at a time. Waiting here, in turn, is faster
		// and fairer than in SQLite's busy handler, which sleeps up to 100 ms between tries.
		select {
		case s.writing <- struct{}{}:
			defer func() { <-s.writing }()
		case <-ctx.Done():
			return busy(fmt.Errorf("begin transaction: %w", ctx.Err()))
		}
	}
	sqlTx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return busy(fmt.Errorf("begin transaction: %w", err))
	}
	tx := &Tx{tx: sqlTx, s: s, ctx: ctx}
	err = fn(tx)
	if err == nil {
		err = errors.Join(tx.saveHead(), tx.notifyChildChanged())
	}
	if err != nil {
		sqlTx.Rollback()
		return busy(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return busy(fmt.Errorf("commit: %w", err))
	}
	if s.dialect == SQLite {
		s.boundLog(ctx)
	}
	return nil
}

var idEncoding = base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)

// NewID returns a random identifier: 16 characters, unguessable, so record ids reveal nothing.
func NewID() string {
	b := make([]byte, 10)
	rand.Read(b)
	return idEncoding.EncodeToString(b)
}

// isUniqueViolation reports whether err is a unique-constraint failure in either dialect.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// notFound maps sql.ErrNoRows to a user-facing ENOTFOUND.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return waymark.Errorf(waymark.ENOTFOUND, "No %s was found.", what)
	}
	return err
}
