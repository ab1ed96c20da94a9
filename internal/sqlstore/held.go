package sqlstore

import (
	"context"
	"time"
)

func heldAAD(digest string) []byte { return []byte("held:" + digest) }

// EndedSessionUser returns the user of a session, ended or not, that had finished signing in: the
// one whose work a form sent after the session ended belongs to.
func (s *Store) EndedSessionUser(ctx context.Context, digest string) (string, error) {
	var userID string
	err := s.db.QueryRowContext(ctx, `SELECT user_id FROM sessions WHERE digest = $1 AND pending = ''`, digest).Scan(&userID)
	return userID, notFound(err, "session")
}

// Hold keeps plain sealed under digest for the user until ttl has passed, keeping at most keep of
// the user's of that kind (the oldest go first). What has expired, anyone's, goes now.
func (tx *Tx) Hold(userID, kind, digest string, plain []byte, ttl time.Duration, keep int) error {
	now := tx.s.now()
	if _, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM held WHERE expires_at <= $1`, now); err != nil {
		return wrap(err, "sweep held")
	}
	if _, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM held WHERE id IN (SELECT id FROM held WHERE user_id = $1 AND kind = $2
		ORDER BY created_at DESC, id LIMIT 1000 OFFSET $3)`, userID, kind, keep-1); err != nil {
		return wrap(err, "trim held")
	}
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO held (id, user_id, kind, sealed, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		digest, userID, kind, tx.s.keys.Seal(plain, heldAAD(digest)), now, now.Add(ttl))
	return wrap(err, "hold")
}

// Held returns what is held under digest, of the kind, for the user, unexpired.
func (s *Store) Held(ctx context.Context, digest, kind, userID string) (plain []byte, at time.Time, err error) {
	var sealed []byte
	err = s.db.QueryRowContext(ctx, `SELECT sealed, created_at FROM held WHERE id = $1 AND kind = $2 AND user_id = $3 AND expires_at > $4`,
		digest, kind, userID, s.now()).Scan(&sealed, &at)
	if err != nil {
		return nil, at, notFound(err, "kept form or photo")
	}
	plain, err = s.keys.Open(sealed, heldAAD(digest))
	return plain, at, err
}

// DropHeld forgets what is held under digest for the user.
func (s *Store) DropHeld(ctx context.Context, digest, userID string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM held WHERE id = $1 AND user_id = $2`, digest, userID)
	return wrap(err, "drop held")
}
