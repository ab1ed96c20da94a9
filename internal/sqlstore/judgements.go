package sqlstore

import (
	"context"
	"fmt"
	"strings"
)

// Judgement is what a person decided of one candidate the engine offered: its comparison levels
// ("field:level", one per name token and field) and the probability shown, nothing that
// identifies the child.
type Judgement struct {
	Confirmed   bool
	Probability float64
	Levels      []string
}

// Judge records a judgement.
func (tx *Tx) Judge(j Judgement) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO judgements (judged_at, confirmed, probability, levels) VALUES ($1, $2, $3, $4)`,
		tx.s.now(), j.Confirmed, j.Probability, strings.Join(j.Levels, " "))
	return wrap(err, "record judgement")
}

// Judgements returns every judgement, oldest first.
func (s *Store) Judgements(ctx context.Context) ([]Judgement, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT confirmed, probability, levels FROM judgements ORDER BY judged_at`)
	if err != nil {
		return nil, fmt.Errorf("list judgements: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (Judgement, error) {
		var j Judgement
		var levels string
		err := r.Scan(&j.Confirmed, &j.Probability, &levels)
		j.Levels = strings.Fields(levels)
		return j, err
	})
}
