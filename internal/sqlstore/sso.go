package sqlstore

import (
	"context"

	"github.com/waymark-org/waymark"
)

// SSO is an organisation's single sign-on: the e-mail domain of its users, its OpenID Connect
// provider, and Waymark's client there.
type SSO struct {
	OrgID, Domain, Issuer, ClientID, ClientSecret string
}

// SetSSO sets (or replaces) an organisation's single sign-on; the client secret is sealed.
func (tx *Tx) SetSSO(c *SSO) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO org_sso (org_id, domain, issuer, client_id, client_secret) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (org_id) DO UPDATE SET domain = excluded.domain, issuer = excluded.issuer,
			client_id = excluded.client_id, client_secret = excluded.client_secret`,
		c.OrgID, c.Domain, c.Issuer, c.ClientID, tx.s.seal(c.ClientSecret, "org_sso", c.OrgID, "client_secret"))
	if isUniqueViolation(err) {
		return &waymark.Error{Code: waymark.ECONFLICT, Message: "Another organisation signs in with that domain.",
			Fields: []waymark.FieldError{{Field: "domain", Message: "already belongs to another organisation's single sign-on"}}}
	}
	return wrap(err, "set single sign-on")
}

// SSOByDomain returns the single sign-on of the organisation whose users' e-mail domain is domain.
func (s *Store) SSOByDomain(ctx context.Context, domain string) (*SSO, error) {
	return s.sso(ctx, `domain`, domain)
}

// SSO returns an organisation's single sign-on.
func (s *Store) SSO(ctx context.Context, orgID string) (*SSO, error) {
	return s.sso(ctx, `org_id`, orgID)
}

func (s *Store) sso(ctx context.Context, col, v string) (*SSO, error) {
	var c SSO
	err := s.db.QueryRowContext(ctx, `SELECT org_id, domain, issuer, client_id, client_secret FROM org_sso WHERE `+col+` = $1`, v).
		Scan(&c.OrgID, &c.Domain, &c.Issuer, &c.ClientID, &c.ClientSecret)
	if err != nil {
		return nil, notFound(err, "single sign-on")
	}
	return &c, s.open("org_sso", c.OrgID, map[string]*string{"client_secret": &c.ClientSecret})
}

// DeleteSSO turns an organisation's single sign-on off.
func (tx *Tx) DeleteSSO(orgID string) error {
	_, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM org_sso WHERE org_id = $1`, orgID)
	return wrap(err, "delete single sign-on")
}

// Seal seals a value that leaves the server and comes back (a browser's state in a sign-in),
// bound to purpose.
func (s *Store) Seal(v []byte, purpose string) []byte { return s.keys.Seal(v, []byte(purpose)) }

// Unseal opens what Seal sealed for purpose.
func (s *Store) Unseal(sealed []byte, purpose string) ([]byte, error) {
	return s.keys.Open(sealed, []byte(purpose))
}
