package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/waymark-org/waymark"
)

// CreateEncounter records a contact with a child.
func (tx *Tx) CreateEncounter(e *waymark.Encounter) error {
	e.ID = NewID()
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO encounters (id, child_id, org_id, kind, at, place, agency, circumstances,
		accompanying_adults, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		tx.s.encounterValues(e, tx.s.now())...)
	return wrap(err, "insert encounter")
}

// Encounters lists a child's encounters, earliest first.
func (s *Store) Encounters(ctx context.Context, childID string) ([]*waymark.Encounter, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, child_id, org_id, kind, at, place, agency, circumstances, accompanying_adults,
		recorded_by FROM encounters WHERE child_id = $1 ORDER BY at, created_at`, childID)
	if err != nil {
		return nil, fmt.Errorf("list encounters: %w", err)
	}
	return collect(rows, s.scanEncounter)
}

// encounterValues are an encounter's columns as written, its free text sealed.
func (s *Store) encounterValues(e *waymark.Encounter, created time.Time) []any {
	return []any{e.ID, e.ChildID, e.OrgID, e.Kind, e.At.UTC(), s.seal(e.Place, "encounter", e.ID, "place"), e.Agency,
		s.seal(e.Circumstances, "encounter", e.ID, "circumstances"), s.seal(e.AccompanyingAdults, "encounter", e.ID, "accompanying_adults"),
		e.RecordedBy, created}
}

func (s *Store) scanEncounter(r scanner) (*waymark.Encounter, error) {
	var e waymark.Encounter
	if err := r.Scan(&e.ID, &e.ChildID, &e.OrgID, &e.Kind, &e.At, &e.Place, &e.Agency, &e.Circumstances, &e.AccompanyingAdults, &e.RecordedBy); err != nil {
		return nil, err
	}
	e.At = e.At.UTC()
	return &e, s.open("encounter", e.ID, map[string]*string{"place": &e.Place, "circumstances": &e.Circumstances,
		"accompanying_adults": &e.AccompanyingAdults})
}

// Encounter returns one encounter.
func (s *Store) Encounter(ctx context.Context, id string) (*waymark.Encounter, error) {
	e, err := s.scanEncounter(s.db.QueryRowContext(ctx, `SELECT id, child_id, org_id, kind, at, place, agency, circumstances,
		accompanying_adults, recorded_by FROM encounters WHERE id = $1`, id))
	return e, notFound(err, "encounter")
}

// UpdateEncounter replaces what an encounter records (not its child or organisation).
func (tx *Tx) UpdateEncounter(e *waymark.Encounter) error {
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE encounters SET kind = $1, at = $2, place = $3, agency = $4, circumstances = $5,
		accompanying_adults = $6 WHERE id = $7`, e.Kind, e.At.UTC(), tx.s.seal(e.Place, "encounter", e.ID, "place"), e.Agency,
		tx.s.seal(e.Circumstances, "encounter", e.ID, "circumstances"), tx.s.seal(e.AccompanyingAdults, "encounter", e.ID, "accompanying_adults"), e.ID)
	return wrap(err, "update encounter")
}

// HasEncounter reports whether a child already has an encounter of that kind at that time (so that
// importing the same history twice adds nothing).
func (tx *Tx) HasEncounter(childID, kind string, at time.Time) (bool, error) {
	var n int
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM encounters WHERE child_id = $1 AND kind = $2 AND at = $3`,
		childID, kind, at.UTC()).Scan(&n)
	return n > 0, wrap(err, "find encounter")
}
