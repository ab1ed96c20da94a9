package registry

import (
	"context"
	"errors"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// ChangePassword sets the signed-in user's password to a new one of their own, once the current
// one is given; every session of theirs ends, this one too.
func (r *Registry) ChangePassword(ctx context.Context, a waymark.Actor, current, next string) error {
	if a.UserID == "" {
		return waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in.")
	}
	u, err := r.Store.User(ctx, a.UserID)
	if err != nil {
		return err
	}
	release, err := r.Hashing.Acquire(ctx)
	if errors.Is(err, auth.ErrBusy) {
		return waymark.Errorf(waymark.EUNAVAILABLE, "Waymark is busy. Try again in a few seconds.")
	} else if err != nil {
		return err
	}
	ok, _ := auth.VerifyPassword(u.PasswordHash, current)
	var bad []waymark.FieldError
	switch {
	case !ok:
		bad = append(bad, waymark.FieldError{Field: "current", Message: "That is not your current password"})
	case next == current:
		bad = append(bad, waymark.FieldError{Field: "password", Message: "Choose a password other than the one you have"})
	default:
		if why := auth.CheckPassword(next); why != "" {
			bad = append(bad, waymark.FieldError{Field: "password", Message: why})
		}
	}
	if len(bad) > 0 {
		release()
		return &waymark.Error{Code: waymark.EINVALID, Message: "Your password was not changed.", Fields: bad}
	}
	hash := auth.HashPassword(next)
	release()
	return r.Store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.SetPassword(u.ID, hash, false); err != nil {
			return err
		}
		return tx.Audit(entry(a, "password.change", "user", u.ID, u.OrgID))
	})
}

// ResetPassword gives a user of the actor's organisation a new password, returned to be passed on
// once; it works for one sign-in, at which they must choose their own. Their sessions end.
func (r *Registry) ResetPassword(ctx context.Context, a waymark.Actor, userID string) (string, error) {
	u, err := r.Store.User(ctx, userID)
	if err != nil {
		return "", err
	}
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: u.OrgID}, "user", u.ID); err != nil {
		return "", err
	}
	temporary := auth.NewSecret("")[:20]
	err = r.Store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.SetPassword(u.ID, auth.HashPassword(temporary), true); err != nil {
			return err
		}
		return tx.Audit(entry(a, "password.reset", "user", u.ID, u.OrgID))
	})
	return temporary, err
}

// Users lists the users of an organisation, for its admin; the view is audited.
func (r *Registry) Users(ctx context.Context, a waymark.Actor, orgID string) ([]*waymark.User, error) {
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: orgID}, "users", orgID); err != nil {
		return nil, err
	}
	us, err := r.Store.Users(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return us, r.Store.Audit(ctx, entry(a, "users.view", "users", orgID, orgID))
}

// Org returns the actor's own organisation.
func (r *Registry) Org(ctx context.Context, a waymark.Actor) (*waymark.Organisation, error) {
	if a.OrgID == "" {
		return nil, waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in.")
	}
	return r.Store.Org(ctx, a.OrgID)
}
