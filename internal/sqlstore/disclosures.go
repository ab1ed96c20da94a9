package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
)

// AddAgreement records an information-sharing agreement.
func (tx *Tx) AddAgreement(a *waymark.Agreement) error {
	a.ID = NewID()
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO sharing_agreements (id, name, org_ids, purpose, lawful_basis, starts_on, ends_on, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, a.ID, a.Name, strings.Join(a.OrgIDs, ","), a.Purpose, a.LawfulBasis, a.StartsOn, a.EndsOn, tx.s.now())
	if isUniqueViolation(err) {
		return &waymark.Error{Code: waymark.ECONFLICT, Message: "That agreement already exists.",
			Fields: []waymark.FieldError{{Field: "name", Message: fmt.Sprintf("%q is already taken", a.Name)}}}
	}
	return wrap(err, "insert agreement")
}

// Agreements lists the information-sharing agreements, by name.
func (s *Store) Agreements(ctx context.Context) ([]*waymark.Agreement, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, org_ids, purpose, lawful_basis, starts_on, ends_on FROM sharing_agreements ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list agreements: %w", err)
	}
	defer rows.Close()
	var out []*waymark.Agreement
	for rows.Next() {
		var a waymark.Agreement
		var orgs string
		if err := rows.Scan(&a.ID, &a.Name, &orgs, &a.Purpose, &a.LawfulBasis, &a.StartsOn, &a.EndsOn); err != nil {
			return nil, fmt.Errorf("list agreements: %w", err)
		}
		a.OrgIDs = strings.Split(orgs, ",")
		out = append(out, &a)
	}
	return out, wrap(rows.Err(), "list agreements")
}

// AgreementBetween returns the agreement in force on day between two organisations; nil when none.
func (s *Store) AgreementBetween(ctx context.Context, x, y string, day time.Time) (*waymark.Agreement, error) {
	all, err := s.Agreements(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		if a.Between(x, y) && a.InForce(day.Format(waymark.DateLayout)) {
			return a, nil
		}
	}
	return nil, nil
}

// Disclose adds an entry to the disclosure log.
func (tx *Tx) Disclose(d *waymark.Disclosure) error {
	d.ID, d.At = NewID(), tx.s.now()
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO disclosures (id, at, org_id, child_id, kind, recipient, purpose, lawful_basis, agreement_id, actor)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, d.ID, d.At, d.OrgID, d.ChildID, d.Kind, d.Recipient, d.Purpose, d.LawfulBasis, d.AgreementID, d.Actor)
	return wrap(err, "log disclosure")
}

// Disclosures lists an organisation's disclosures since a time, newest first.
func (s *Store) Disclosures(ctx context.Context, orgID string, since time.Time) ([]*waymark.Disclosure, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, org_id, child_id, kind, recipient, purpose, lawful_basis, agreement_id, actor
		FROM disclosures WHERE org_id = $1 AND at >= $2 ORDER BY at DESC, id`, orgID, since)
	if err != nil {
		return nil, fmt.Errorf("list disclosures: %w", err)
	}
	defer rows.Close()
	var out []*waymark.Disclosure
	for rows.Next() {
		var d waymark.Disclosure
		if err := rows.Scan(&d.ID, &d.At, &d.OrgID, &d.ChildID, &d.Kind, &d.Recipient, &d.Purpose, &d.LawfulBasis, &d.AgreementID, &d.Actor); err != nil {
			return nil, fmt.Errorf("list disclosures: %w", err)
		}
		out = append(out, &d)
	}
	return out, wrap(rows.Err(), "list disclosures")
}
