package sqlstore

import (
	"context"

	"github.com/waymark-org/waymark"
)

// A user's TOTP secret is sealed like a document, bound to its user and column.

// mfaRoles reads the roles an organisation requires a second factor of; the column holds only
// what JoinRoles wrote.
func mfaRoles(s string) []waymark.Role {
	rs, err := waymark.ParseRoles(s)
	if err != nil {
		return waymark.DefaultMFARoles() // unreadable: the safe side
	}
	return rs
}

// SetMFARoles sets the roles whose users an organisation requires a second factor of.
func (tx *Tx) SetMFARoles(orgID string, roles []waymark.Role) error {
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE organisations SET mfa_roles = $1 WHERE id = $2`, waymark.JoinRoles(roles), orgID)
	return wrap(err, "set second-factor roles")
}

// TOTP is a user's second factor as stored: the secret in use, one offered but not yet confirmed,
// and the last time step a code was accepted at.
type TOTP struct {
	Secret, New string
	Step        int64
}

// UserTOTP returns a user's TOTP secrets, opened.
func (s *Store) UserTOTP(ctx context.Context, userID string) (*TOTP, error) {
	var t TOTP
	err := s.db.QueryRowContext(ctx, `SELECT totp_secret, totp_new, totp_step FROM users WHERE id = $1`, userID).Scan(&t.Secret, &t.New, &t.Step)
	if err != nil {
		return nil, notFound(err, "user")
	}
	return &t, s.open("user", userID, map[string]*string{"totp_secret": &t.Secret, "totp_new": &t.New})
}

// OfferTOTP keeps a secret offered to a user until they confirm it with a code.
func (tx *Tx) OfferTOTP(userID, secret string) error {
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE users SET totp_new = $1 WHERE id = $2`, tx.s.seal(secret, "user", userID, "totp_new"), userID)
	return wrap(err, "offer second factor")
}

// EnableTOTP makes the offered secret the user's second factor, with its first code's step, and
// replaces their recovery codes by those with the digests given.
func (tx *Tx) EnableTOTP(userID, secret string, step int64, recovery []string) error {
	if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE users SET totp_secret = $1, totp_new = '', totp_step = $2 WHERE id = $3`,
		tx.s.seal(secret, "user", userID, "totp_secret"), step, userID); err != nil {
		return wrap(err, "enable second factor")
	}
	if _, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return wrap(err, "replace recovery codes")
	}
	for _, d := range recovery {
		if _, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO recovery_codes (user_id, digest) VALUES ($1, $2)`, userID, d); err != nil {
			return wrap(err, "add recovery code")
		}
	}
	return nil
}

// UseTOTPStep records that a code of the given step was accepted, and reports false when that
// step or a later one already was: a code works once, even for two sign-ins at the same moment.
func (tx *Tx) UseTOTPStep(userID string, step int64) (bool, error) {
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE users SET totp_step = $1 WHERE id = $2 AND totp_step < $1`, step, userID)
	if err != nil {
		return false, wrap(err, "use code")
	}
	n, err := res.RowsAffected()
	return n == 1, wrap(err, "use code")
}

// UseRecoveryCode spends one of the user's recovery codes, reporting false when it is not theirs
// or already spent.
func (tx *Tx) UseRecoveryCode(userID, digest string) (bool, error) {
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND digest = $3 AND used_at IS NULL`,
		tx.s.now(), userID, digest)
	if err != nil {
		return false, wrap(err, "use recovery code")
	}
	n, err := res.RowsAffected()
	return n == 1, wrap(err, "use recovery code")
}

// RecoveryCodesLeft counts a user's unspent recovery codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n)
	return n, wrap(err, "count recovery codes")
}

// ResetTOTP removes a user's second factor and recovery codes and ends their sessions: they set
// one up again at their next sign-in.
func (tx *Tx) ResetTOTP(userID string) error {
	for _, q := range []string{
		`UPDATE users SET totp_secret = '', totp_new = '', totp_step = 0 WHERE id = $1`,
		`DELETE FROM recovery_codes WHERE user_id = $1`,
		`DELETE FROM sessions WHERE user_id = $1`,
	} {
		if _, err := tx.tx.ExecContext(tx.ctx, q, userID); err != nil {
			return wrap(err, "reset second factor")
		}
	}
	return nil
}

// DeleteSession ends one session inside a transaction (a pending one, when it is passed).
func (tx *Tx) DeleteSession(digest string) error {
	_, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM sessions WHERE digest = $1`, digest)
	return wrap(err, "delete session")
}
