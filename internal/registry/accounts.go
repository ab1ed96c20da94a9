package registry

import (
	"context"
	"errors"
	"strings"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// ChangePassword sets the signed-in user's password to a new one of their own, once the current
// one is given; every session of theirs ends, this one too.
func (r *Registry) ChangePassword(ctx context.Context, a waymark.Actor, current, next string) error {
	if a.UserID == "" {
		return waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in.")
	}
	u, err := r.store.User(ctx, a.UserID)
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
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.SetPassword(u.ID, hash, false); err != nil {
			return err
		}
		return tx.Audit(entry(a, "password.change", "user", u.ID, u.OrgID))
	})
}

// ResetPassword gives a user of the actor's organisation a new password, returned to be passed on
// once; it works for one sign-in, at which they must choose their own. Their sessions end.
func (r *Registry) ResetPassword(ctx context.Context, a waymark.Actor, userID string) (string, error) {
	temporary := auth.NewSecret("")[:20]
	return temporary, r.changeUser(ctx, a, userID, "password.reset", func(tx *sqlstore.Tx, u *waymark.User) error {
		return tx.SetPassword(u.ID, auth.HashPassword(temporary), true)
	})
}

// changeUser makes one change to a user of an organisation whose users the actor manages, in a
// transaction with its audit entry.
func (r *Registry) changeUser(ctx context.Context, a waymark.Actor, userID, action string, change func(*sqlstore.Tx, *waymark.User) error) error {
	u, err := r.store.User(ctx, userID)
	if err != nil {
		return err
	}
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: u.OrgID}, "user", u.ID); err != nil {
		return err
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := change(tx, u); err != nil {
			return err
		}
		return tx.Audit(entry(a, action, "user", u.ID, u.OrgID))
	})
}

// Users lists the users of an organisation, for its admin; the view is audited.
func (r *Registry) Users(ctx context.Context, a waymark.Actor, orgID string) ([]*waymark.User, error) {
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: orgID}, "users", orgID); err != nil {
		return nil, err
	}
	us, err := r.store.Users(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return us, r.store.Audit(ctx, entry(a, "users.view", "users", orgID, orgID))
}

// Org returns an organisation's name, kind and settings, to anyone signed in.
func (r *Registry) Org(ctx context.Context, a waymark.Actor, id string) (*waymark.Organisation, error) {
	if a.Role == "" {
		return nil, waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in.")
	}
	return r.store.Org(ctx, id)
}

// Orgs lists every organisation by name, to anyone signed in (to choose a police force, say).
func (r *Registry) Orgs(ctx context.Context, a waymark.Actor) ([]*waymark.Organisation, error) {
	if a.Role == "" {
		return nil, waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in.")
	}
	return r.store.Orgs(ctx)
}

// CreateOrg adds an organisation. Only the operator, on the server, may.
func (r *Registry) CreateOrg(ctx context.Context, a waymark.Actor, o *waymark.Organisation) error {
	if err := r.operatorOnly(ctx, a, "organisation.create"); err != nil {
		return err
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.CreateOrg(o); err != nil {
			return err
		}
		return tx.Audit(entry(a, "organisation.create", "organisation", o.ID, o.ID))
	})
}

// operatorOnly refuses, and audits the refusal, what only the operator may do.
func (r *Registry) operatorOnly(ctx context.Context, a waymark.Actor, action string) error {
	if a.Role == waymark.RoleOperator {
		return nil
	}
	e := entry(a, action, "", "", "")
	e.Outcome = audit.Denied
	if err := r.store.Audit(ctx, e); err != nil {
		return err
	}
	return waymark.Errorf(waymark.EFORBIDDEN, "Only the server's operator may do that.")
}

// CreateUser adds a user to an organisation with the password given (already checked).
func (r *Registry) CreateUser(ctx context.Context, a waymark.Actor, u *waymark.User, password string) error {
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: u.OrgID}, "user", ""); err != nil {
		return err
	}
	u.PasswordHash = auth.HashPassword(password)
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.CreateUser(u); err != nil {
			return err
		}
		return tx.Audit(entry(a, "user.create", "user", u.ID, u.OrgID))
	})
}

// AddUser adds a user to the actor's organisation with a temporary password, returned to be given
// to them by another channel: it works for one sign-in, at which they choose their own.
func (r *Registry) AddUser(ctx context.Context, a waymark.Actor, u *waymark.User) (string, error) {
	u.OrgID = a.OrgID
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: u.OrgID}, "user", ""); err != nil {
		return "", err
	}
	temporary := auth.NewSecret("")[:20]
	u.PasswordHash = auth.HashPassword(temporary)
	return temporary, r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.CreateUser(u); err != nil {
			return err
		}
		if err := tx.SetPassword(u.ID, u.PasswordHash, true); err != nil {
			return err
		}
		return tx.Audit(entry(a, "user.create", "user", u.ID, u.OrgID))
	})
}

// DisableUser stops a user signing in and ends their sessions at once.
func (r *Registry) DisableUser(ctx context.Context, a waymark.Actor, userID string) error {
	return r.changeUser(ctx, a, userID, "user.disable", func(tx *sqlstore.Tx, u *waymark.User) error { return tx.DisableUser(u.ID) })
}

// UserByEmail finds a user for whoever manages their organisation's users.
func (r *Registry) UserByEmail(ctx context.Context, a waymark.Actor, email string) (*waymark.User, error) {
	u, err := r.store.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return nil, err
	}
	return u, r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: u.OrgID}, "user", u.ID)
}

// OrgByName finds an organisation by its name, for anyone signed in.
func (r *Registry) OrgByName(ctx context.Context, a waymark.Actor, name string) (*waymark.Organisation, error) {
	if a.Role == "" {
		return nil, waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in.")
	}
	return r.store.OrgByName(ctx, name)
}
