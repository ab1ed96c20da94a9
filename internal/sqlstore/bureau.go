package sqlstore

import (
	"context"
	"fmt"

	"github.com/waymark-org/waymark"
)

// AddBureauSearch records a search of a child's fingerprints against a bureau.
func (tx *Tx) AddBureauSearch(b *waymark.BureauSearch) error {
	b.ID = NewID()
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO bureau_searches (id, child_id, org_id, bureau, prints_ref, asked_on, asked_by, outcome,
		identified_as, answered_on, note, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		b.ID, b.ChildID, b.OrgID, b.Bureau, b.PrintsRef, b.AskedOn, b.AskedBy, b.Outcome, b.IdentifiedAs, b.AnsweredOn,
		tx.s.seal(b.Note, "bureau_search", b.ID, "note"), b.RecordedBy, tx.s.now())
	return wrap(err, "record bureau search")
}

// BureauSearches lists the bureau searches of a child, earliest first.
func (s *Store) BureauSearches(ctx context.Context, childID string) ([]*waymark.BureauSearch, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, child_id, org_id, bureau, prints_ref, asked_on, asked_by, outcome, identified_as, answered_on,
		note, recorded_by FROM bureau_searches WHERE child_id = $1 ORDER BY asked_on, id`, childID)
	if err != nil {
		return nil, fmt.Errorf("list bureau searches: %w", err)
	}
	return collect(rows, func(r scanner) (*waymark.BureauSearch, error) {
		var b waymark.BureauSearch
		if err := r.Scan(&b.ID, &b.ChildID, &b.OrgID, &b.Bureau, &b.PrintsRef, &b.AskedOn, &b.AskedBy, &b.Outcome, &b.IdentifiedAs,
			&b.AnsweredOn, &b.Note, &b.RecordedBy); err != nil {
			return nil, err
		}
		return &b, s.open("bureau_search", b.ID, map[string]*string{"note": &b.Note})
	})
}
