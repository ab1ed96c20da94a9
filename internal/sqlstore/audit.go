package sqlstore

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"
	"time"

	"github.com/waymark-org/waymark/internal/audit"
)

// Audit appends an entry to the hash-chained log. Bumping the head row first serialises writers
// (a row lock in PostgreSQL, the write lock in SQLite), so the chain never forks.
func (tx *Tx) Audit(e *audit.Entry) error {
	if err := tx.takeHead(); err != nil {
		return err
	}
	tx.head.chain(e, tx.s.now(), tx.s.auditKey)
	if _, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO audit (`+auditColumns+`) VALUES (`+placeholders(1, 15)+`)`, auditValues(e)...); err != nil {
		return fmt.Errorf("append audit entry: %w", err)
	}
	tx.childChanged = tx.childChanged || childChange(e)
	return nil
}

// takeHead reads the chain's head once a transaction; touching it locks its row until commit, so
// the chain stays in commit order.
func (tx *Tx) takeHead() error {
	if tx.head != nil {
		return nil
	}
	h := &auditHead{}
	if err := tx.tx.QueryRowContext(tx.ctx, `UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash`).Scan(&h.seq, &h.hash); err != nil {
		return fmt.Errorf("take audit head: %w", err)
	}
	tx.head = h
	return nil
}

// auditHead is the chain's last sequence number and hash.
type auditHead struct {
	seq  int64
	hash string
}

// chain numbers e after the head, links it to the head's hash under key and makes it the head.
func (h *auditHead) chain(e *audit.Entry, now time.Time, key []byte) {
	h.seq++
	e.Seq, e.PrevHash = h.seq, h.hash
	if e.Outcome == "" {
		e.Outcome = audit.Allowed
	}
	// PostgreSQL keeps microseconds: hash what will be read back.
	e.At = now.Truncate(time.Microsecond)
	e.Hash = e.Sum(key)
	h.hash = e.Hash
}

func auditValues(e *audit.Entry) []any {
	return []any{e.Seq, e.At, e.UserID, e.TokenID, e.ActorName, e.OrgID, e.Action, e.RecordType, e.RecordID, e.RecordOrg,
		e.Addr, e.Reason, e.Outcome, e.PrevHash, e.Hash}
}

// saveHead writes the head back once, however many entries the transaction appended: an import
// of a thousand children spends two statements on it, not two thousand.
func (tx *Tx) saveHead() error {
	if tx.head == nil {
		return nil
	}
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, tx.head.seq, tx.head.hash)
	return wrap(err, "update audit head")
}

// Audit appends entries in a transaction of their own, for reads, which change nothing else, and
// returns once they are durable, through the one writer that groups the entries of every reader
// waiting into one commit: one commit a reader, each waiting on the audit head's lock and on the
// disk, held PostgreSQL to 22 requests a second at 50 clients.
func (s *Store) Audit(ctx context.Context, es ...*audit.Entry) error {
	if len(es) == 0 {
		return nil
	}
	return s.queueAudit(ctx, es)
}

// AuditFilter selects audit entries. OrgID limits them to those by or about that organisation.
type AuditFilter struct {
	OrgID    string
	UserID   string
	RecordID string
	Action   string
	Outcome  string
	From, To time.Time
	Before   int64 // entries before this sequence number (paging)
	Limit    int
}

const auditColumns = `seq, at, user_id, token_id, actor_name, org_id, action, record_type, record_id, record_org, addr, reason, outcome, prev_hash, hash`

func scanAudit(r interface{ Scan(...any) error }) (audit.Entry, error) {
	var e audit.Entry
	err := r.Scan(&e.Seq, &e.At, &e.UserID, &e.TokenID, &e.ActorName, &e.OrgID, &e.Action, &e.RecordType, &e.RecordID,
		&e.RecordOrg, &e.Addr, &e.Reason, &e.Outcome, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	return e, err
}

// AuditEntries lists entries matching f, newest first.
func (s *Store) AuditEntries(ctx context.Context, f AuditFilter) ([]audit.Entry, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.OrgID != "" {
		add("(org_id = ? OR record_org = ?)", f.OrgID)
	}
	for cond, v := range map[string]string{"user_id = ?": f.UserID, "record_id = ?": f.RecordID, "action = ?": f.Action, "outcome = ?": f.Outcome} {
		if v != "" {
			add(cond, v)
		}
	}
	if !f.From.IsZero() {
		add("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < ?", f.To.UTC())
	}
	if f.Before > 0 {
		add("seq < ?", f.Before)
	}
	q := `SELECT ` + auditColumns + ` FROM audit`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, q+fmt.Sprintf(` ORDER BY seq DESC LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return collect(rows, scanAudit)
}

// VerifyAudit walks the whole log in order and reports every break in the chain; with an anchor,
// also whether the log still holds the anchored entry and everything before it unchanged.
func (s *Store) VerifyAudit(ctx context.Context, anchor *audit.Anchor) (*audit.Verifier, error) {
	v := audit.NewVerifier(s.auditKey, anchor)
	err := s.eachAudit(ctx, s.db, v.Add)
	if err != nil {
		return nil, err
	}
	var seq int64
	var hash string
	if err := s.db.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash); err != nil {
		return nil, fmt.Errorf("read audit head: %w", err)
	}
	v.Finish(seq, hash)
	return v, nil
}

// eachAudit reads the whole log in order.
func (s *Store) eachAudit(ctx context.Context, q querier, fn func(audit.Entry)) error {
	rows, err := q.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("read audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return fmt.Errorf("scan audit: %w", err)
		}
		fn(e)
	}
	return rows.Err()
}

// AnchorAudit returns the chain's head now, signed with the installation's anchor key.
func (s *Store) AnchorAudit(ctx context.Context) (*audit.Anchor, error) {
	var seq int64
	var hash string
	if err := s.db.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash); err != nil {
		return nil, fmt.Errorf("read audit head: %w", err)
	}
	return audit.NewAnchor(seq, hash, s.now(), s.keys.AnchorKey()), nil
}

// ParseAnchor reads an anchor this installation signed.
func (s *Store) ParseAnchor(data []byte) (*audit.Anchor, error) {
	return audit.ParseAnchor(data, s.keys.AnchorKey().Public().(ed25519.PublicKey))
}

// appendOnly lifts the audit log's append-only rule (the first half) and puts it back (the
// second), inside the one transaction that rechains the log under its key.
var appendOnly = map[Dialect][]string{
	SQLite: {`DROP TRIGGER audit_no_update`, `DROP TRIGGER audit_no_delete`,
		`CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`,
		`CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`},
	Postgres: {`ALTER TABLE audit DISABLE TRIGGER audit_append_only`, `ALTER TABLE audit ENABLE TRIGGER audit_append_only`},
}

// keyAudit rechains, once, a log written before the chain was keyed: under the head's lock, it
// checks the unkeyed chain and, if it is intact, writes every entry's hash again under the key. A
// damaged log is left as it is, for audit verify to report.
func (s *Store) keyAudit(ctx context.Context) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var keyed bool
		if err := tx.tx.QueryRowContext(tx.ctx, `UPDATE audit_head SET keyed = keyed WHERE id = 1 RETURNING keyed`).Scan(&keyed); err != nil {
			return fmt.Errorf("take audit head: %w", err)
		}
		if keyed {
			return nil
		}
		var es []audit.Entry
		v := audit.NewVerifier(nil, nil)
		if err := s.eachAudit(tx.ctx, tx.tx, func(e audit.Entry) { v.Add(e); es = append(es, e) }); err != nil {
			return err
		}
		if len(v.Problems) > 0 {
			return nil
		}
		h := &auditHead{hash: audit.Genesis}
		lift := appendOnly[s.dialect]
		for _, stmt := range lift[:len(lift)/2] {
			if _, err := tx.tx.ExecContext(tx.ctx, stmt); err != nil {
				return fmt.Errorf("lift the append-only rule to rechain: %w", err)
			}
		}
		for _, e := range es {
			h.chain(&e, e.At, s.auditKey)
			if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE audit SET prev_hash = $1, hash = $2 WHERE seq = $3`, e.PrevHash, e.Hash, e.Seq); err != nil {
				return fmt.Errorf("rechain audit: %w", err)
			}
		}
		for _, stmt := range lift[len(lift)/2:] {
			if _, err := tx.tx.ExecContext(tx.ctx, stmt); err != nil {
				return fmt.Errorf("restore the append-only rule: %w", err)
			}
		}
		_, err := tx.tx.ExecContext(tx.ctx, `UPDATE audit_head SET hash = $1, keyed = TRUE WHERE id = 1`, h.hash)
		return wrap(err, "rechain audit head")
	})
}

// AuditHead returns the sequence number of the newest audit entry.
func (s *Store) AuditHead(ctx context.Context) (int64, error) {
	var seq int64
	err := s.db.QueryRowContext(ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&seq)
	return seq, wrap(err, "read audit head")
}

// ChildChanges returns the ids of children created or changed (or gone missing, or back) after
// audit entry seq, and the sequence number reached. Entries are numbered under the audit head's
// lock, so every entry up to the head read first is committed, in order, and a reader following
// seq never skips a write.
func (s *Store) ChildChanges(ctx context.Context, after int64, limit int) (ids []string, reached int64, err error) {
	head, err := s.AuditHead(ctx)
	if err != nil {
		return nil, after, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT a.seq, CASE WHEN a.record_type = 'child' THEN a.record_id ELSE COALESCE(m.child_id, p.child_id, '') END FROM audit a
		LEFT JOIN missing_episodes m ON a.record_type = 'missing_episode' AND m.id = a.record_id
		LEFT JOIN photos p ON a.record_type = 'photo' AND p.id = a.record_id
		WHERE a.seq > $1 AND a.seq <= $2 AND a.outcome = 'allowed'
		AND (a.record_type = 'child' AND a.action IN ('child.create', 'child.edit', 'retention.erase', 'retention.minimise', 'retention.biometrics')
			OR a.record_type = 'missing_episode' AND a.action NOT IN ('missing.view', 'missing.pack')
			OR a.record_type = 'photo' AND a.action IN ('photo.create', 'photo.face'))
		ORDER BY a.seq LIMIT $3`, after, head, limit)
	if err != nil {
		return nil, after, fmt.Errorf("read changes: %w", err)
	}
	defer rows.Close()
	reached = after
	n := 0
	for ; rows.Next(); n++ {
		var id string
		if err := rows.Scan(&reached, &id); err != nil {
			return nil, after, err
		}
		if id != "" { // an episode since removed
			ids = append(ids, id)
		}
	}
	if n < limit { // all read up to the head: skip past entries of other kinds
		reached = max(reached, head)
	}
	return ids, reached, rows.Err()
}
