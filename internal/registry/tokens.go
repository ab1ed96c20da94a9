package registry

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Token lifetimes: 90 days unless said otherwise, and never more than a year, so a token that is
// forgotten, or copied where it should not be, stops working by itself.
const (
	TokenLifetime    = 90 * 24 * time.Hour
	MaxTokenLifetime = 366 * 24 * time.Hour
)

// Tokens lists the API tokens of an organisation, live and not, for its admin (or the operator).
func (r *Registry) Tokens(ctx context.Context, a waymark.Actor, orgID string) ([]*sqlstore.APIToken, error) {
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: orgID}, "tokens", orgID); err != nil {
		return nil, err
	}
	ts, err := r.store.Tokens(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return ts, r.store.Audit(ctx, entry(a, "tokens.view", "tokens", orgID, orgID))
}

// CreateToken makes an API token acting for orgID with role, working for lifetime (0: the
// default), and returns it with its secret, which is shown this once and kept only as a digest.
func (r *Registry) CreateToken(ctx context.Context, a waymark.Actor, orgID string, role waymark.Role, name string, lifetime time.Duration) (*sqlstore.APIToken, string, error) {
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: orgID}, "tokens", orgID); err != nil {
		return nil, "", err
	}
	if err := role.TokenAllowed(); err != nil {
		return nil, "", fieldError("role", err)
	}
	name = strings.Join(strings.Fields(name), " ")
	if utf8.RuneCountInString(name) > 100 || strings.ContainsFunc(name, unicode.IsControl) {
		return nil, "", fieldError("name", waymark.Errorf(waymark.EINVALID, "Name the token in at most 100 characters of plain text."))
	}
	if lifetime == 0 {
		lifetime = TokenLifetime
	}
	if lifetime < time.Hour || lifetime > MaxTokenLifetime {
		return nil, "", fieldError("expires", waymark.Errorf(waymark.EINVALID, "A token works for an hour at least and a year at most."))
	}
	secret := auth.NewSecret("wmt_")
	t := &sqlstore.APIToken{Digest: auth.Digest(secret), OrgID: orgID, Role: role, Name: name, ExpiresAt: r.store.Now().Add(lifetime)}
	err := r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.CreateToken(t); err != nil {
			return err
		}
		return tx.Audit(entry(a, "token.create", "token", t.ID, orgID))
	})
	return t, secret, err
}

// RevokeToken stops one of an organisation's tokens working at once.
func (r *Registry) RevokeToken(ctx context.Context, a waymark.Actor, id string) error {
	t, err := r.store.Token(ctx, id)
	if err != nil {
		return err
	}
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: t.OrgID}, "token", id); err != nil {
		return err
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.RevokeToken(id); err != nil {
			return err
		}
		return tx.Audit(entry(a, "token.revoke", "token", id, t.OrgID))
	})
}

// fieldError names the field that err, a user's error, is about.
func fieldError(field string, err error) error {
	return &waymark.Error{Code: waymark.EINVALID, Message: waymark.ErrorMessage(err),
		Fields: []waymark.FieldError{{Field: field, Message: waymark.ErrorMessage(err)}}}
}
