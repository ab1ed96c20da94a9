package sqlstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
)

// The care record's free text — where a child was placed, where and with whom last seen, what they
// wore, what happened, where and by whom found, who came with them — is as identifying as a
// document, and is never searched: it is sealed in its own column, as "sealed:" and the sealed
// value in base64, bound to its row and column.

const sealedPrefix = "sealed:"

// sealedText lists the columns sealed this way, by table, with the name rows of it are bound by.
var sealedText = []struct {
	table, kind string
	cols        []string
}{
	{"placements", "placement", []string{"address"}},
	{"missing_episodes", "episode", []string{"last_seen_place", "last_seen_with", "clothing", "circumstances", "found_place", "found_by", "found_detail"}},
	{"encounters", "encounter", []string{"place", "circumstances", "accompanying_adults"}},
	{"strategy_actions", "action", []string{"what"}},
}

func textAAD(kind, id, col string) []byte { return []byte(kind + ":" + id + ":" + col) }

// seal returns v sealed for its place ("" stays "").
func (s *Store) seal(v, kind, id, col string) string {
	if v == "" {
		return ""
	}
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(s.keys.Seal([]byte(v), textAAD(kind, id, col)))
}

// open opens each sealed value in place; a value written before sealing is taken as it is.
func (s *Store) open(kind, id string, fields map[string]*string) error {
	for col, v := range fields {
		b64, ok := strings.CutPrefix(*v, sealedPrefix)
		if !ok {
			continue
		}
		sealed, err := base64.RawStdEncoding.DecodeString(b64)
		if err != nil {
			return fmt.Errorf("%s %s %s: %w", kind, id, col, err)
		}
		plain, err := s.keys.Open(sealed, textAAD(kind, id, col))
		if err != nil {
			return fmt.Errorf("%s %s %s: %w", kind, id, col, err)
		}
		*v = string(plain)
	}
	return nil
}

// sealOldText seals, once, the free text that a database from before it was sealed holds plain.
func (s *Store) sealOldText(ctx context.Context) error {
	return s.InTx(ctx, func(tx *Tx) error {
		for _, t := range sealedText {
			var plain []string
			for _, c := range t.cols {
				plain = append(plain, c+" <> '' AND "+c+" NOT LIKE 'sealed:%'")
			}
			rows, err := tx.tx.QueryContext(tx.ctx, `SELECT id, `+strings.Join(t.cols, ", ")+` FROM `+t.table+` WHERE (`+
				strings.Join(plain, ") OR (")+`)`)
			if err != nil {
				return fmt.Errorf("find plain %s: %w", t.table, err)
			}
			type row struct {
				id   string
				vals []string
			}
			var todo []row
			for rows.Next() {
				r := row{vals: make([]string, len(t.cols))}
				dest := []any{&r.id}
				for i := range r.vals {
					dest = append(dest, &r.vals[i])
				}
				if err := rows.Scan(dest...); err != nil {
					rows.Close()
					return err
				}
				todo = append(todo, r)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			for _, r := range todo {
				set, args := make([]string, len(t.cols)), []any{}
				for i, c := range t.cols {
					v := r.vals[i]
					if !strings.HasPrefix(v, sealedPrefix) {
						v = s.seal(v, t.kind, r.id, c)
					}
					args = append(args, v)
					set[i] = fmt.Sprintf("%s = $%d", c, i+1)
				}
				if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE `+t.table+` SET `+strings.Join(set, ", ")+fmt.Sprintf(` WHERE id = $%d`, len(args)+1),
					append(args, r.id)...); err != nil {
					return fmt.Errorf("seal %s: %w", t.table, err)
				}
			}
		}
		return nil
	})
}
