package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrWrongKeys means the database holds data sealed with a key the keyring lacks.
var ErrWrongKeys = errors.New("the database holds data sealed with a data key that the keys given do not hold")

var keyCheckPlain, keyCheckAAD = []byte("waymark data key check"), []byte("key_check")

// checkKeys opens a value sealed with each key the database has used, refusing the keyring with
// ErrWrongKeys when one does not open, and then records the keyring's current key. A database
// made before the checks were kept is checked on a child's sealed facts and a channel's secret.
func (s *Store) checkKeys(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT key_id, sealed FROM key_checks`)
	if err != nil {
		return fmt.Errorf("read key checks: %w", err)
	}
	type check struct {
		id     int64
		sealed []byte
	}
	checks, err := collect(rows, func(r scanner) (check, error) {
		var c check
		return c, r.Scan(&c.id, &c.sealed)
	})
	if err != nil {
		return err
	}
	for _, c := range checks {
		if _, err := s.keys.Open(c.sealed, keyCheckAAD); err != nil {
			return fmt.Errorf("%w (key %d)", ErrWrongKeys, c.id)
		}
	}
	if len(checks) == 0 {
		if err := s.checkSealedRows(ctx); err != nil {
			return err
		}
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO key_checks (key_id, sealed) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING`,
		int64(s.keys.Current()), s.keys.Seal(keyCheckPlain, keyCheckAAD))
	return wrap(err, "record key check")
}

// checkSealedRows opens one child's sealed facts and one channel's secret, if there are any.
func (s *Store) checkSealedRows(ctx context.Context) error {
	for _, q := range []struct {
		query string
		aad   func(id string) []byte
	}{
		{`SELECT id, sealed FROM children LIMIT 1`, childAAD},
		{`SELECT id, secret FROM channels LIMIT 1`, channelAAD},
	} {
		var id string
		var sealed []byte
		err := s.db.QueryRowContext(ctx, q.query).Scan(&id, &sealed)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return fmt.Errorf("read sealed data: %w", err)
		}
		if _, err := s.keys.Open(sealed, q.aad(id)); err != nil {
			return ErrWrongKeys
		}
	}
	return nil
}
