package sqlstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"strings"

	"github.com/waymark-org/waymark/internal/crypto"
)

// sealedPlace is a column holding sealed values, and the additional data each was sealed with.
type sealedPlace struct {
	table, id, col string // id: the expression naming the row
	text           bool   // "sealed:" and base64 in text, not bytes
	aad            func(id string) []byte
}

// sealedPlaces are every column Waymark seals into (key_checks apart: each of its rows is sealed
// with its own key on purpose). TestResealLeavesNothing holds the list whole: after a re-seal of a
// demo world, no column of any table holds a value sealed with an older key.
func sealedPlaces() []sealedPlace {
	version := func(table string) func(string) []byte { return func(id string) []byte { return versionAAD(table, id) } }
	places := []sealedPlace{
		{"children", "id", "sealed", false, childAAD},
		{"photos", "id", "image", false, func(id string) []byte { return photoAAD(id, false) }},
		{"photos", "id", "thumbnail", false, func(id string) []byte { return photoAAD(id, true) }},
		{"photos", "id", "face", false, faceAAD},
		{"channels", "id", "secret", false, channelAAD},
		{"held", "id", "sealed", false, heldAAD},
		{"child_profiles", "id", "sealed", false, version("child_profiles")},
		{"safety_plans", "id", "sealed", false, version("safety_plans")},
		{"strategy_discussions", "id", "sealed", false, version("strategy_discussions")},
		{"merges", "id", "sealed", false, version("merges")},
	}
	text := func(table, id, kind string, cols ...string) {
		for _, c := range cols {
			places = append(places, sealedPlace{table, id, c, true, func(id string) []byte { return textAAD(kind, id, c) }})
		}
	}
	text("placements", "id", "placement", "address")
	text("missing_episodes", "id", "episode", "last_seen_place", "last_seen_with", "clothing", "circumstances", "found_place",
		"found_by", "found_detail", "interview_learnt", "prevention_by", "prevention_note")
	text("encounters", "id", "encounter", "place", "circumstances", "accompanying_adults")
	text("strategy_actions", "id", "action", "what")
	text("screenings", "id", "screening", "account", "judgement")
	text("missing_reviews", "id", "review", "note")
	text("exploitation_seen", "id", "exploitation", "note")
	text("bureau_searches", "id", "bureau_search", "note")
	text("entities", "id", "entity", "value", "details")
	text("links", "id", "link", "note")
	text("users", "id", "user", "totp_secret", "totp_new")
	text("org_sso", "org_id", "org_sso", "client_secret")
	text("alert_acks", "alert_id || '/' || org_id", "alert_ack", "note")
	return places
}

// resealBatch is how many values one transaction re-seals.
const resealBatch = 200

// Reseal seals again, with the current key, every sealed value an older key sealed, a batch at a
// time, each batch its own transaction: killed, it is run again and goes on. A value changed
// since it was read is left for the next run. progress is told each batch done.
func (s *Store) Reseal(ctx context.Context, progress func(table, col string, n int)) (int, error) {
	total := 0
	for _, p := range sealedPlaces() {
		after := ""
		for {
			n, last, err := s.resealBatch(ctx, p, after)
			total += n
			if err != nil {
				return total, fmt.Errorf("re-seal %s.%s: %w", p.table, p.col, err)
			}
			if n > 0 && progress != nil {
				progress(p.table, p.col, n)
			}
			if last == "" {
				break
			}
			after = last
		}
	}
	return total, nil
}

// resealBatch re-seals the values of one batch of rows after the row named after; last is the
// last row read ("" when there are no more).
func (s *Store) resealBatch(ctx context.Context, p sealedPlace, after string) (n int, last string, err error) {
	current := s.keys.Current()
	err = s.InTx(ctx, func(tx *Tx) error {
		rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+p.id+`, `+p.col+` FROM `+p.table+` WHERE `+p.id+` > $1 AND `+p.col+` IS NOT NULL
			ORDER BY `+p.id+` LIMIT $2`, after, resealBatch)
		if err != nil {
			return err
		}
		type value struct {
			id  string
			raw []byte
		}
		var todo []value
		read := 0
		for rows.Next() {
			var id string
			var raw []byte
			if err := rows.Scan(&id, &raw); err != nil {
				rows.Close()
				return err
			}
			read, last = read+1, id
			if sealed, ok := p.sealed(raw); ok && crypto.KeyID(sealed) != current {
				todo = append(todo, value{id, raw})
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if read < resealBatch {
			last = ""
		}
		for _, v := range todo {
			sealed, _ := p.sealed(v.raw)
			plain, err := s.keys.Open(sealed, p.aad(v.id))
			if err != nil {
				return fmt.Errorf("row %s: %w", v.id, err)
			}
			var again, old any = s.keys.Seal(plain, p.aad(v.id)), v.raw
			if p.text { // compared and written as text, as the column holds it
				again, old = sealedPrefix+base64.RawStdEncoding.EncodeToString(again.([]byte)), string(v.raw)
			}
			res, err := tx.tx.ExecContext(tx.ctx, `UPDATE `+p.table+` SET `+p.col+` = $1 WHERE `+p.id+` = $2 AND `+p.col+` = $3`, again, v.id, old)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 1 {
				n++
			}
		}
		return nil
	})
	return n, last, err
}

// sealed returns the sealed bytes a column's value holds; false when it holds none (empty text, or
// text written before sealing).
func (p sealedPlace) sealed(raw []byte) ([]byte, bool) {
	if !p.text {
		return raw, len(raw) > 0
	}
	b64, ok := strings.CutPrefix(string(raw), sealedPrefix)
	if !ok {
		return nil, false
	}
	b, err := base64.RawStdEncoding.DecodeString(b64)
	return b, err == nil
}

// SealedBy counts, by key id, the sealed values in every column of every table (key_checks apart):
// found by their form, not from sealedPlaces, so that a column the re-seal missed is counted too.
func (s *Store) SealedBy(ctx context.Context) (map[uint32]int, error) {
	q := `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
		AND (p.type = 'BLOB' OR p.type = 'TEXT')`
	if s.Dialect() == Postgres {
		q = `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND data_type IN ('bytea', 'text')`
	}
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list columns: %w", err)
	}
	type column struct{ table, col string }
	cols, err := collect(rows, func(r scanner) (column, error) {
		var c column
		return c, r.Scan(&c.table, &c.col)
	})
	if err != nil {
		return nil, err
	}
	out := map[uint32]int{}
	for _, c := range cols {
		if c.table == "key_checks" || c.table == "schema_migrations" {
			continue
		}
		if err := s.countSealed(ctx, c.table, c.col, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) countSealed(ctx context.Context, table, col string, out map[uint32]int) error {
	rows, err := s.db.QueryContext(ctx, `SELECT `+col+` FROM `+table+` WHERE `+col+` IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("read %s.%s: %w", table, col, err)
	}
	defer rows.Close()
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return fmt.Errorf("read %s.%s: %w", table, col, err)
		}
		sealed := raw
		if b64, ok := strings.CutPrefix(string(raw), sealedPrefix); ok {
			if sealed, err = base64.RawStdEncoding.DecodeString(b64); err != nil {
				continue
			}
		}
		if id := crypto.KeyID(sealed); id != 0 && len(sealed) > 5+12+16-1 {
			out[id]++
		}
	}
	return rows.Err()
}

// ForgetOtherKeys drops the key checks of every key but keep: retired, their checks no longer open.
func (s *Store) ForgetOtherKeys(ctx context.Context, keep uint32) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM key_checks WHERE key_id <> $1`, int64(keep))
	return wrap(err, "forget retired keys")
}

// ReloadKeys adds to the store's keys those a key file given a new key holds (a rotation begun
// while the service runs), and records the new key's check.
func (s *Store) ReloadKeys(ctx context.Context, path string) error {
	text, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read key file: %w", err)
	}
	k, err := crypto.ParseKeys(string(text))
	if err != nil {
		return fmt.Errorf("key file %s: %w", path, err)
	}
	if k.Current() == s.keys.Current() {
		return nil
	}
	s.keys.Merge(k)
	_, err = s.db.ExecContext(ctx, `INSERT INTO key_checks (key_id, sealed) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING`,
		int64(s.keys.Current()), s.keys.Seal(keyCheckPlain, keyCheckAAD))
	return wrap(err, "record key check")
}

// Keys are the store's data keys.
func (s *Store) Keys() *crypto.Keyring { return s.keys }
