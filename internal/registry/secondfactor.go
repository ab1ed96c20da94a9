package registry

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/pquerna/otp"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// RecoveryCodes is how many one-use recovery codes a user is given with their second factor.
const RecoveryCodes = 10

var (
	errNoPending = waymark.Errorf(waymark.EUNAUTHORIZED, "Your sign-in has timed out. Please sign in again.")
	errCode      = &waymark.Error{Code: waymark.EUNAUTHORIZED, Message: "That code is not right.",
		Fields: []waymark.FieldError{{Field: "code", Message: "Enter the 6-digit code your authenticator app shows now, or one of your recovery codes"}}}
	errWrongCode = errors.New("wrong code")
)

// secondStep says what a user who gave the right password must still do: enter a code when they
// have a second factor, set one up when their organisation requires one of their role.
func (r *Registry) secondStep(ctx context.Context, u *waymark.User) (string, error) {
	if u.TOTP {
		return "code", nil
	}
	o, err := r.store.Org(ctx, u.OrgID)
	if err != nil {
		return "", err
	}
	if o.NeedsSecondFactor(u.Role) {
		return "enrol", nil
	}
	return "", nil
}

// pending returns the session with secret and its user when it has passed the password and waits
// at step.
func (r *Registry) pending(ctx context.Context, secret, step string) (*sqlstore.Session, *waymark.User, error) {
	se, u, err := r.store.SessionUser(ctx, auth.Digest(secret))
	if waymark.ErrorCode(err) == waymark.ENOTFOUND || (err == nil && (se.Pending != step || u.Disabled)) {
		return nil, nil, errNoPending
	}
	return se, u, err
}

// Pending returns, as an actor for that step only, the user of a session that has passed the
// password and waits at step ("code" or "enrol").
func (r *Registry) Pending(ctx context.Context, secret, step, addr string) (waymark.Actor, error) {
	_, u, err := r.pending(ctx, secret, step)
	if err != nil {
		return waymark.Actor{}, err
	}
	return waymark.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, Name: u.Name, Addr: addr}, nil
}

// SecondFactor finishes a sign-in waiting for its code: a code from the user's authenticator
// (each works once) or one of their recovery codes. The pending session is replaced by a full
// one lasting idle. Wrong codes count towards the same locks as wrong passwords.
func (r *Registry) SecondFactor(ctx context.Context, secret, code, addr string, idle time.Duration) (*SignedIn, error) {
	se, u, err := r.pending(ctx, secret, "code")
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(code) == "" {
		return nil, errCode // nothing typed: nothing guessed, nothing counted
	}
	account := auth.Digest(u.Email)
	if err := r.signInAllowed(ctx, u.Email, account, addr); err != nil {
		return nil, err
	}
	t, err := r.store.UserTOTP(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), bookkeeping)
	defer cancel()
	step, ok := auth.CheckTOTP(t.Secret, code, r.store.Now(), t.Step)
	how := "password and authenticator code"
	if !ok {
		how = "password and recovery code"
	}
	done, err := r.openSession(ctx, u, addr, idle, "", how, func(tx *sqlstore.Tx) error {
		var used bool
		var err error
		if ok {
			used, err = tx.UseTOTPStep(u.ID, step)
		} else {
			used, err = tx.UseRecoveryCode(u.ID, auth.RecoveryDigest(code))
		}
		if err == nil && !used {
			err = errWrongCode
		}
		if err != nil {
			return err
		}
		return finishPending(tx, se.Digest, account, addr, r.store.Now())
	})
	if errors.Is(err, errWrongCode) {
		if err := r.countFailure(ctx, u, account, addr, "wrong second-factor code"); err != nil {
			return nil, err
		}
		return nil, errCode
	}
	return done, err
}

// finishPending ends the pending session a full one replaces and forgets the account's failures.
func finishPending(tx *sqlstore.Tx, digest, account, addr string, now time.Time) error {
	if err := tx.DeleteSession(digest); err != nil {
		return err
	}
	return tx.ClearSignInFailures(account, addr, now.Add(-failuresFade))
}

// OfferTOTP returns the secret offered to the actor for their authenticator app, as a key for its
// link and QR code: the same one until they confirm it.
func (r *Registry) OfferTOTP(ctx context.Context, a waymark.Actor) (*otp.Key, error) {
	u, t, err := r.self(ctx, a)
	if err != nil {
		return nil, err
	}
	if t.New == "" {
		if t.New, err = auth.NewTOTPSecret(u.Email); err != nil {
			return nil, err
		}
		if err := r.store.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.OfferTOTP(u.ID, t.New) }); err != nil {
			return nil, err
		}
	}
	return auth.TOTPKey(t.New, u.Email)
}

// EnableTOTP confirms the secret offered with a code from the authenticator app, makes it the
// actor's second factor, and returns new recovery codes, to be shown to them once.
func (r *Registry) EnableTOTP(ctx context.Context, a waymark.Actor, code string) ([]string, error) {
	u, t, err := r.self(ctx, a)
	if err != nil {
		return nil, err
	}
	if t.New == "" {
		return nil, waymark.Errorf(waymark.EINVALID, "No authenticator is being set up: start again.")
	}
	step, ok := auth.CheckTOTP(t.New, code, r.store.Now(), 0)
	if !ok {
		return nil, &waymark.Error{Code: waymark.EINVALID, Message: "That code is not right.",
			Fields: []waymark.FieldError{{Field: "code", Message: "Enter the 6-digit code your authenticator app shows now for Waymark"}}}
	}
	codes := auth.NewRecoveryCodes(RecoveryCodes)
	digests := make([]string, len(codes))
	for i, c := range codes {
		digests[i] = auth.RecoveryDigest(c)
	}
	return codes, r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.EnableTOTP(u.ID, t.New, step, digests); err != nil {
			return err
		}
		return tx.Audit(entry(a, "second_factor.enable", "user", u.ID, u.OrgID))
	})
}

// self returns the signed-in (or signing-in) actor's own user and second factor.
func (r *Registry) self(ctx context.Context, a waymark.Actor) (*waymark.User, *sqlstore.TOTP, error) {
	if a.UserID == "" {
		return nil, nil, waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in.")
	}
	u, err := r.store.User(ctx, a.UserID)
	if err != nil {
		return nil, nil, err
	}
	t, err := r.store.UserTOTP(ctx, u.ID)
	return u, t, err
}

// FinishEnrolment opens a full session, lasting idle, for a sign-in that had to set up a second
// factor and now has.
func (r *Registry) FinishEnrolment(ctx context.Context, secret, addr string, idle time.Duration) (*SignedIn, error) {
	se, u, err := r.pending(ctx, secret, "enrol")
	if err != nil {
		return nil, err
	}
	if !u.TOTP {
		return nil, waymark.Errorf(waymark.EFORBIDDEN, "Set up your authenticator app first.")
	}
	return r.openSession(ctx, u, addr, idle, "", "password; second factor set up", func(tx *sqlstore.Tx) error {
		return finishPending(tx, se.Digest, auth.Digest(u.Email), addr, r.store.Now())
	})
}

// SecondFactorStatus says whether the actor has a second factor, and how many recovery codes remain.
func (r *Registry) SecondFactorStatus(ctx context.Context, a waymark.Actor) (bool, int, error) {
	u, _, err := r.self(ctx, a)
	if err != nil {
		return false, 0, err
	}
	n, err := r.store.RecoveryCodesLeft(ctx, u.ID)
	return u.TOTP, n, err
}

// ResetSecondFactor removes the second factor of a user of the actor's organisation who has lost
// theirs; their sessions end, and they set one up again at their next sign-in.
func (r *Registry) ResetSecondFactor(ctx context.Context, a waymark.Actor, userID string) error {
	return r.changeUser(ctx, a, userID, "second_factor.reset", func(tx *sqlstore.Tx, u *waymark.User) error { return tx.ResetTOTP(u.ID) })
}

// SetMFARoles sets the roles whose users an organisation requires a second factor of.
func (r *Registry) SetMFARoles(ctx context.Context, a waymark.Actor, orgID string, roles []waymark.Role) error {
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: orgID}, "organisation", orgID); err != nil {
		return err
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.SetMFARoles(orgID, roles); err != nil {
			return err
		}
		e := entry(a, "second_factor.roles", "organisation", orgID, orgID)
		e.Reason = "required of: " + waymark.JoinRoles(roles)
		return tx.Audit(e)
	})
}

// SetCompleteness sets what the organisation's children's identification records must hold (nil:
// waymark.DefaultCompleteness), and works out again what each lacks; audited.
func (r *Registry) SetCompleteness(ctx context.Context, a waymark.Actor, orgID string, rule []string) error {
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: orgID}, "organisation", orgID); err != nil {
		return err
	}
	if err := (&waymark.Organisation{Name: "-", Kind: waymark.OrgKinds[0], Completeness: rule}).Normalize(); err != nil {
		return err
	}
	err := r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.SetCompleteness(orgID, rule); err != nil {
			return err
		}
		e := entry(a, "organisation.completeness", "organisation", orgID, orgID)
		e.Reason = "required: " + waymark.Rule(rule)
		return tx.Audit(e)
	})
	r.changed()
	return err
}
