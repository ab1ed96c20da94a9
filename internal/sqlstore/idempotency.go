package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ClaimKey claims an idempotency key for the organisation's user, with the hash of what was sent:
// claimed is true when the key is new (the caller makes the record and names it with NameKey);
// otherwise hash and childID are the key's first use. On PostgreSQL a key being claimed by
// another transaction is waited for.
func (tx *Tx) ClaimKey(orgID, userID, key, hash string) (claimed bool, firstHash, childID string, err error) {
	res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO idempotency_keys (org_id, user_id, key, hash, child_id, created_at)
		VALUES ($1, $2, $3, $4, '', $5) ON CONFLICT (org_id, user_id, key) DO NOTHING`, orgID, userID, key, hash, tx.s.now())
	if err != nil {
		return false, "", "", fmt.Errorf("claim idempotency key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, "", "", nil
	}
	err = tx.tx.QueryRowContext(tx.ctx, `SELECT hash, child_id FROM idempotency_keys WHERE org_id = $1 AND user_id = $2 AND key = $3`,
		orgID, userID, key).Scan(&firstHash, &childID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, "", "", fmt.Errorf("idempotency key %q claimed and gone", key)
	}
	return false, firstHash, childID, wrap(err, "read idempotency key")
}

// NameKey records the child an idempotency key made.
func (tx *Tx) NameKey(orgID, userID, key, childID string) error {
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE idempotency_keys SET child_id = $1 WHERE org_id = $2 AND user_id = $3 AND key = $4`,
		childID, orgID, userID, key)
	return wrap(err, "name idempotency key")
}

// KeyChild returns the child an idempotency key of the organisation's user made; "" when the key
// has not been used.
func (s *Store) KeyChild(ctx context.Context, orgID, userID, key string) (string, error) {
	var childID string
	err := s.db.QueryRowContext(ctx, `SELECT child_id FROM idempotency_keys WHERE org_id = $1 AND user_id = $2 AND key = $3`,
		orgID, userID, key).Scan(&childID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return childID, wrap(err, "read idempotency key")
}

// OfflineKey is the key the organisation's user's device keeps offline records with.
func (s *Store) OfflineKey(orgID, userID string) []byte { return s.keys.OfflineKey(orgID, userID) }
