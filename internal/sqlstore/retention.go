package sqlstore

import (
	"context"
	"fmt"
)

// RetentionYears returns the years an organisation keeps each kind of record, where it has set
// them (the rest keep waymark.RetentionRules' defaults).
func (s *Store) RetentionYears(ctx context.Context, orgID string) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, years FROM retention_rules WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("read retention rules: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var kind string
		var years int
		if err := rows.Scan(&kind, &years); err != nil {
			return nil, fmt.Errorf("read retention rules: %w", err)
		}
		out[kind] = years
	}
	return out, wrap(rows.Err(), "read retention rules")
}

// SetRetention sets how many years the organisation keeps a kind of record.
func (tx *Tx) SetRetention(orgID, kind string, years int) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO retention_rules (org_id, kind, years) VALUES ($1, $2, $3)
		ON CONFLICT (org_id, kind) DO UPDATE SET years = excluded.years`, orgID, kind, years)
	return wrap(err, "set retention rule")
}

// EraseChild deletes a child's record and everything held of them — photos, contacts, care,
// screenings, links, verdicts on searches, the keys that made them — and the records merged into
// it. The audit log is kept: its entries hold ids and actions, never the facts.
func (tx *Tx) EraseChild(id string) error {
	for _, q := range []string{
		`DELETE FROM judgements WHERE child_id IN (SELECT id FROM children WHERE id = $1 OR merged_into = $1)`,
		`DELETE FROM idempotency_keys WHERE child_id IN (SELECT id FROM children WHERE id = $1 OR merged_into = $1)`,
		`DELETE FROM children WHERE merged_into = $1`,
		`DELETE FROM children WHERE id = $1`, // the rest goes with it (ON DELETE CASCADE)
	} {
		if _, err := tx.tx.ExecContext(tx.ctx, q, id); err != nil {
			return fmt.Errorf("erase child: %w", err)
		}
	}
	return nil
}
