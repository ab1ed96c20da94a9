package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Judgement is what a person decided of one candidate the engine offered: its comparison levels
// ("field:level", one per name token and field) and the probability shown, nothing that
// identifies the child; who judged (a user or token id, and their organisation) and in which search.
type Judgement struct {
	Confirmed   bool
	Probability float64
	Levels      []string
	Actor       string
	OrgID       string
	SearchID    string
	ChildID     string
}

// Judge records a judgement; a second one on the same candidate of the same search is not kept.
func (tx *Tx) Judge(j Judgement) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO judgements (judged_at, confirmed, probability, levels, actor, org_id, search_id, child_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
		tx.s.now(), j.Confirmed, j.Probability, strings.Join(j.Levels, " "), j.Actor, j.OrgID, j.SearchID, j.ChildID)
	return wrap(err, "record judgement")
}

// Judgements returns every judgement, newest first.
func (s *Store) Judgements(ctx context.Context) ([]Judgement, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT confirmed, probability, levels, actor, org_id, search_id, child_id FROM judgements
		ORDER BY judged_at DESC`)
	if err != nil {
		return nil, fmt.Errorf("list judgements: %w", err)
	}
	return collect(rows, func(r scanner) (Judgement, error) {
		var j Judgement
		var levels string
		err := r.Scan(&j.Confirmed, &j.Probability, &levels, &j.Actor, &j.OrgID, &j.SearchID, &j.ChildID)
		j.Levels = strings.Fields(levels)
		return j, err
	})
}

// Search is an identification search as the server answered it: who asked, when, and each
// candidate with how it compared.
type Search struct {
	ID         string
	Actor      string
	OrgID      string
	At         time.Time
	Candidates []SearchCandidate
}

// SearchCandidate is one candidate of a search: the child, the probability shown, the levels.
type SearchCandidate struct {
	ChildID     string   `json:"child_id"`
	Probability float64  `json:"p"`
	Levels      []string `json:"levels"`
}

// SearchesKept is how long a search is kept for verdicts on its candidates.
const SearchesKept = 24 * time.Hour

// RecordSearch keeps a search, and lets go of those older than SearchesKept.
func (tx *Tx) RecordSearch(se *Search) error {
	cands, err := json.Marshal(se.Candidates)
	if err != nil {
		return err
	}
	se.ID, se.At = NewID(), tx.s.now()
	if _, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM searches WHERE at < $1`, se.At.Add(-SearchesKept)); err != nil {
		return fmt.Errorf("forget old searches: %w", err)
	}
	_, err = tx.tx.ExecContext(tx.ctx, `INSERT INTO searches (id, actor, org_id, at, candidates) VALUES ($1, $2, $3, $4, $5)`,
		se.ID, se.Actor, se.OrgID, se.At, string(cands))
	return wrap(err, "record search")
}

// Search returns a search kept within the last SearchesKept.
func (s *Store) Search(ctx context.Context, id string) (*Search, error) {
	var se Search
	var cands string
	err := s.db.QueryRowContext(ctx, `SELECT id, actor, org_id, at, candidates FROM searches WHERE id = $1 AND at >= $2`,
		id, s.now().Add(-SearchesKept)).Scan(&se.ID, &se.Actor, &se.OrgID, &se.At, &cands)
	if err != nil {
		return nil, notFound(err, "search")
	}
	return &se, json.Unmarshal([]byte(cands), &se.Candidates)
}
