package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Some records of a child are kept as versions — the Philomena profile, the safety plan — each
// save a review that supersedes the one before, which is kept. A version is sealed whole, as JSON
// bound to its row, in a table with the columns id, child_id, version, sealed, reviewed_by,
// reviewed_at and superseded_at.

// version is what saving one leaves set.
type version struct {
	ID     string
	Number int
	At     time.Time
}

// saveVersion supersedes a child's current version in table and saves v, by by, as the next.
// fill is called with the new version's id, number and time before v is sealed.
func (tx *Tx) saveVersion(table, childID, by string, v any, fill func(version)) error {
	now := tx.s.now()
	var n int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM `+table+` WHERE child_id = $1`, childID).Scan(&n); err != nil {
		return fmt.Errorf("count %s: %w", table, err)
	}
	if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE `+table+` SET superseded_at = $1 WHERE child_id = $2 AND superseded_at IS NULL`,
		now, childID); err != nil {
		return fmt.Errorf("supersede %s: %w", table, err)
	}
	ver := version{NewID(), n + 1, now}
	fill(ver)
	plain, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", table, err)
	}
	_, err = tx.tx.ExecContext(tx.ctx, `INSERT INTO `+table+` (id, child_id, version, sealed, reviewed_by, reviewed_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		ver.ID, childID, ver.Number, tx.s.keys.Seal(plain, versionAAD(table, ver.ID)), by, ver.At)
	return wrap(err, "save "+table)
}

// currentVersion reads a child's current version in table into v, reporting whether there is one.
func (s *Store) currentVersion(ctx context.Context, table, childID string, v any) (bool, error) {
	var id string
	var sealed []byte
	err := s.db.QueryRowContext(ctx, `SELECT id, sealed FROM `+table+` WHERE child_id = $1 AND superseded_at IS NULL`, childID).Scan(&id, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("read %s: %w", table, err)
	}
	plain, err := s.keys.Open(sealed, versionAAD(table, id))
	if err != nil {
		return false, fmt.Errorf("open %s %s: %w", table, id, err)
	}
	return true, wrap(json.Unmarshal(plain, v), "decode "+table+" "+id)
}

// current reads a child's current version in table as a T, or nil if there is none.
func current[T any](ctx context.Context, s *Store, table, childID string) (*T, error) {
	v := new(T)
	found, err := s.currentVersion(ctx, table, childID, v)
	if !found || err != nil {
		return nil, err
	}
	return v, nil
}

func versionAAD(table, id string) []byte { return []byte(table + ":" + id) }
