package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
)

// CreateOrg adds an organisation.
func (tx *Tx) CreateOrg(o *waymark.Organisation) error {
	if err := o.Normalize(); err != nil {
		return err
	}
	o.ID = NewID()
	if o.MFARoles == nil {
		o.MFARoles = waymark.DefaultMFARoles()
	}
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO organisations (id, name, kind, mfa_roles, created_at, completeness) VALUES ($1, $2, $3, $4, $5, $6)`,
		o.ID, o.Name, o.Kind, waymark.JoinRoles(o.MFARoles), tx.s.now(), strings.Join(o.Completeness, ","))
	if isUniqueViolation(err) {
		return &waymark.Error{Code: waymark.ECONFLICT, Message: "That organisation already exists.",
			Fields: []waymark.FieldError{{Field: "name", Message: fmt.Sprintf("%q is already taken", o.Name)}}}
	}
	if err != nil {
		return fmt.Errorf("insert organisation: %w", err)
	}
	return nil
}

const orgColumns = `id, name, kind, mfa_roles, completeness, offline_off`

func scanOrg(row interface{ Scan(...any) error }) (*waymark.Organisation, error) {
	var o waymark.Organisation
	var mfa, complete string
	err := row.Scan(&o.ID, &o.Name, &o.Kind, &mfa, &complete, &o.OfflineOff)
	o.MFARoles = mfaRoles(mfa)
	if complete != "" {
		o.Completeness = strings.Split(complete, ",")
	}
	return &o, err
}

// SetOfflineOff turns an organisation's offline capture off (or on again).
func (tx *Tx) SetOfflineOff(orgID string, off bool) error {
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE organisations SET offline_off = $1 WHERE id = $2`, off, orgID)
	return wrap(err, "set offline capture")
}

// SetCompleteness sets what the organisation's children's identification records must hold (nil:
// the default) and works out again what each of them lacks.
func (tx *Tx) SetCompleteness(orgID string, rule []string) error {
	if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE organisations SET completeness = $1 WHERE id = $2`, strings.Join(rule, ","), orgID); err != nil {
		return fmt.Errorf("set completeness: %w", err)
	}
	delete(tx.rules, orgID)
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT id FROM children WHERE org_id = $1`, orgID)
	if err != nil {
		return fmt.Errorf("list children: %w", err)
	}
	ids, err := collect(rows, func(r scanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := tx.relack(id); err != nil {
			return err
		}
	}
	return nil
}

// lacking is what the rule of c's organisation finds c lacks, as stored.
func (tx *Tx) lacking(c *waymark.Child) (string, error) {
	rule, ok := tx.rules[c.OrgID]
	if !ok {
		var complete string
		if err := tx.tx.QueryRowContext(tx.ctx, `SELECT completeness FROM organisations WHERE id = $1`, c.OrgID).Scan(&complete); err != nil && err != sql.ErrNoRows {
			return "", fmt.Errorf("read completeness: %w", err)
		}
		if complete != "" {
			rule = strings.Split(complete, ",")
		}
		if tx.rules == nil {
			tx.rules = map[string][]string{}
		}
		tx.rules[c.OrgID] = rule
	}
	return strings.Join(c.Lacking(rule), ","), nil
}

// relack works out again what a child's record lacks.
func (tx *Tx) relack(childID string) error {
	c, err := tx.Child(childID)
	if err != nil {
		return err
	}
	lacks, err := tx.lacking(c)
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(tx.ctx, `UPDATE children SET missing = $1 WHERE id = $2`, lacks, childID)
	return wrap(err, "update what a child lacks")
}

// Org returns the organisation with the given id.
func (s *Store) Org(ctx context.Context, id string) (*waymark.Organisation, error) {
	o, err := scanOrg(s.db.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = $1`, id))
	return o, notFound(err, "organisation")
}

// OrgByName returns the organisation with the given name.
func (s *Store) OrgByName(ctx context.Context, name string) (*waymark.Organisation, error) {
	o, err := scanOrg(s.db.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE name = $1`, name))
	return o, notFound(err, fmt.Sprintf("organisation called %q", name))
}

// Orgs lists every organisation by name.
func (s *Store) Orgs(ctx context.Context) ([]*waymark.Organisation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+orgColumns+` FROM organisations ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	return collect(rows, scanOrg)
}

// CreateUser adds a user whose password hash is already set.
func (tx *Tx) CreateUser(u *waymark.User) error {
	if err := u.Normalize(); err != nil {
		return err
	}
	u.ID, u.CreatedAt = NewID(), tx.s.now()
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO users (id, org_id, email, name, role, password_hash, created_at, phone)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, u.ID, u.OrgID, u.Email, u.Name, string(u.Role), u.PasswordHash, u.CreatedAt, u.Phone)
	if isUniqueViolation(err) {
		return &waymark.Error{Code: waymark.ECONFLICT, Message: "That e-mail address is already in use.",
			Fields: []waymark.FieldError{{Field: "email", Message: "already belongs to another user"}}}
	}
	if err != nil {
		return fmt.Errorf("insert user: %w", err)
	}
	return nil
}

const userColumns = `id, org_id, email, name, role, password_hash, disabled, must_change, totp_secret <> '', created_at, phone`

func scanUser(row interface{ Scan(...any) error }) (*waymark.User, error) {
	var u waymark.User
	var role string
	err := row.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &role, &u.PasswordHash, &u.Disabled, &u.MustChange, &u.TOTP, &u.CreatedAt, &u.Phone)
	u.Role = waymark.Role(role)
	return &u, err
}

// User returns the user with the given id.
func (s *Store) User(ctx context.Context, id string) (*waymark.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, notFound(err, "user")
}

// UserByEmail returns the user with the given (lower-case) e-mail address.
func (s *Store) UserByEmail(ctx context.Context, email string) (*waymark.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, email))
	return u, notFound(err, "user")
}

// Users lists an organisation's users by e-mail address.
func (s *Store) Users(ctx context.Context, orgID string) ([]*waymark.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = $1 ORDER BY email`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return collect(rows, scanUser)
}

// SignInLock returns until when sign-ins to account (an e-mail address's digest) from addr are
// refused: the later of the lock for that address and the lock for the account from everywhere.
func (s *Store) SignInLock(ctx context.Context, account, addr string) (time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT locked_until FROM signin_failures
		WHERE account = $1 AND addr IN ($2, '') AND locked_until IS NOT NULL`, account, addr)
	if err != nil {
		return time.Time{}, fmt.Errorf("read sign-in lock: %w", err)
	}
	defer rows.Close()
	var until time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return time.Time{}, fmt.Errorf("read sign-in lock: %w", err)
		}
		if t.After(until) {
			until = t
		}
	}
	return until, rows.Err()
}

// CountSignInFailure adds one failure to account's count from addr and returns the new count, in
// one statement so that parallel failures each count. A count last moved before fresh starts again.
func (tx *Tx) CountSignInFailure(account, addr string, fresh time.Time) (int, error) {
	var n int
	err := tx.tx.QueryRowContext(tx.ctx, `INSERT INTO signin_failures (account, addr, failed, last_at) VALUES ($1, $2, 1, $3)
		ON CONFLICT (account, addr) DO UPDATE SET last_at = excluded.last_at,
			failed = CASE WHEN signin_failures.last_at < $4 THEN 1 ELSE signin_failures.failed + 1 END
		RETURNING failed`, account, addr, tx.s.now(), fresh.UTC()).Scan(&n)
	return n, wrap(err, "count sign-in failure")
}

// LockSignIn refuses sign-ins to account from addr (” for everywhere) until the time given.
func (tx *Tx) LockSignIn(account, addr string, until time.Time) error {
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE signin_failures SET locked_until = $1 WHERE account = $2 AND addr = $3`,
		until.UTC(), account, addr)
	return wrap(err, "lock sign-in")
}

// ClearSignInFailures forgets account's failures from addr and from everywhere, and any failure
// older than stale, after a successful sign-in.
func (tx *Tx) ClearSignInFailures(account, addr string, stale time.Time) error {
	_, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM signin_failures WHERE (account = $1 AND addr IN ($2, ''))
		OR (last_at < $3 AND (locked_until IS NULL OR locked_until < $4))`, account, addr, stale.UTC(), tx.s.now())
	return wrap(err, "clear sign-in failures")
}

// SetPassword replaces a user's password hash and ends their sessions; mustChange says the
// password was set for them (a reset), to be replaced by one of their own at sign-in.
func (tx *Tx) SetPassword(userID, hash string, mustChange bool) error {
	if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE users SET password_hash = $1, must_change = $2 WHERE id = $3`, hash, mustChange, userID); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	_, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return wrap(err, "end sessions")
}

// DisableUser stops a user signing in and ends their sessions at once.
func (tx *Tx) DisableUser(userID string) error {
	if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE users SET disabled = TRUE WHERE id = $1`, userID); err != nil {
		return fmt.Errorf("disable user: %w", err)
	}
	_, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return wrap(err, "end sessions")
}

// Session is a signed-in browser.
type Session struct {
	Digest    string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
	LastSeen  time.Time
	Addr      string
	Pending   string // "" signed in; "code": the second factor is still to come; "enrol": one must be set up first
}

// CreateSession stores a new session by the digest of its secret.
func (tx *Tx) CreateSession(se *Session) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO sessions (digest, user_id, created_at, expires_at, last_seen_at, addr, pending)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, se.Digest, se.UserID, se.CreatedAt.UTC(), se.ExpiresAt.UTC(), se.LastSeen.UTC(), se.Addr, se.Pending)
	return wrap(err, "create session")
}

// SessionUser returns the live session with the given digest and its user; a pending session
// (Pending not "") is not yet signed in.
func (s *Store) SessionUser(ctx context.Context, digest string) (*Session, *waymark.User, error) {
	var se Session
	err := s.db.QueryRowContext(ctx, `SELECT digest, user_id, created_at, expires_at, last_seen_at, addr, pending FROM sessions
		WHERE digest = $1 AND expires_at > $2`, digest, s.now()).Scan(&se.Digest, &se.UserID, &se.CreatedAt, &se.ExpiresAt, &se.LastSeen, &se.Addr, &se.Pending)
	if err != nil {
		return nil, nil, notFound(err, "session")
	}
	u, err := s.User(ctx, se.UserID)
	return &se, u, err
}

// TouchSession extends a session that is in use.
func (s *Store) TouchSession(ctx context.Context, digest string, seen, expires time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE digest = $3`, seen.UTC(), expires.UTC(), digest)
	return wrap(err, "touch session")
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, digest string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE digest = $1`, digest)
	return wrap(err, "delete session")
}

// APIToken grants an organisation's role to a program, until it expires or is revoked.
type APIToken struct {
	ID        string
	Digest    string
	OrgID     string
	Role      waymark.Role
	Name      string
	CreatedAt time.Time
	ExpiresAt time.Time // zero: never (only tokens made before expiry was kept)
	LastUsed  time.Time
	RevokedAt time.Time
}

// Live reports whether the token still works at now.
func (t *APIToken) Live(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// CreateToken stores a token by the digest of its secret.
func (tx *Tx) CreateToken(t *APIToken) error {
	if t.Name == "" {
		t.Name = "api"
	}
	t.ID, t.CreatedAt = NewID(), tx.s.now()
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO api_tokens (id, digest, org_id, role, name, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, t.Digest, t.OrgID, string(t.Role), t.Name, t.CreatedAt, nullable{&t.ExpiresAt})
	return wrap(err, "create token")
}

const tokenColumns = `id, digest, org_id, role, name, created_at, expires_at, last_used_at, revoked_at`

func scanToken(row scanner) (*APIToken, error) {
	var t APIToken
	var role string
	err := row.Scan(&t.ID, &t.Digest, &t.OrgID, &role, &t.Name, &t.CreatedAt, nullable{&t.ExpiresAt}, nullable{&t.LastUsed}, nullable{&t.RevokedAt})
	t.Role = waymark.Role(role)
	return &t, err
}

// TokenByDigest returns the live token with the given digest: neither revoked nor expired.
func (s *Store) TokenByDigest(ctx context.Context, digest string) (*APIToken, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE digest = $1
		AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`, digest, s.now()))
	return t, notFound(err, "token")
}

// Token returns one token, live or not.
func (s *Store) Token(ctx context.Context, id string) (*APIToken, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = $1`, id))
	return t, notFound(err, "token")
}

// Tokens lists an organisation's tokens (orgID "": every organisation's), newest first.
func (s *Store) Tokens(ctx context.Context, orgID string) ([]*APIToken, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE $1 = '' OR org_id = $1
		ORDER BY created_at DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return collect(rows, scanToken)
}

// TouchToken notes that a token was used at.
func (s *Store) TouchToken(ctx context.Context, id string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, at.UTC(), id)
	return wrap(err, "touch token")
}

// RevokeToken stops a token from working.
func (tx *Tx) RevokeToken(id string) error {
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, tx.s.now(), id)
	return wrap(err, "revoke token")
}

func collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func wrap(err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
