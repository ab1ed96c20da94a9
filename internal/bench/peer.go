package bench

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/waymark-org/waymark"
)

// Peer loads the data into PostgreSQL as a council might — one row per child, every name and
// alias in one text column folded with unaccent, a trigram index on it — and answers probes with a
// trigram query on the folded name OR an exact phone or document, ranked by name similarity, date
// of birth, the identifiers and whether the child is missing now (as the engine is told too).
type Peer struct {
	db    *sql.DB
	table string
	Build time.Duration
}

// NewPeer loads d into a fresh table in the database at dsn.
func NewPeer(ctx context.Context, dsn string, d *Data) (*Peer, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	p := &Peer{db: db, table: fmt.Sprintf("wm_peer_%d", time.Now().UnixNano()%1e9)}
	for _, ext := range []string{"pg_trgm", "fuzzystrmatch", "unaccent"} {
		if _, err := db.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS "+ext); err != nil {
			return nil, fmt.Errorf("peer needs the %s extension: %w", ext, err)
		}
	}
	start := time.Now()
	if _, err := db.ExecContext(ctx, `CREATE UNLOGGED TABLE `+p.table+`_raw (id text, name text, dob date, phones text[], docs text[], missing boolean)`); err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		_, err := pc.CopyFrom(ctx, pgx.Identifier{p.table + "_raw"}, []string{"id", "name", "dob", "phones", "docs", "missing"},
			pgx.CopyFromSlice(len(d.Children), func(i int) ([]any, error) { return peerRow(d.Children[i]), nil }))
		return err
	})
	conn.Close()
	if err != nil {
		return nil, fmt.Errorf("load peer: %w", err)
	}
	for _, q := range []string{
		`CREATE UNLOGGED TABLE ` + p.table + ` AS SELECT id, unaccent(lower(name)) AS name, dob, phones, docs, missing FROM ` + p.table + `_raw`,
		`DROP TABLE ` + p.table + `_raw`,
		`CREATE INDEX ON ` + p.table + ` USING gin (name gin_trgm_ops)`,
		`CREATE INDEX ON ` + p.table + ` USING gin (phones)`,
		`CREATE INDEX ON ` + p.table + ` USING gin (docs)`,
		`ANALYZE ` + p.table,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("build peer: %w", err)
		}
	}
	p.Build = time.Since(start)
	return p, nil
}

func peerRow(c *waymark.Child) []any {
	names := []string{}
	for _, n := range c.AllNames() {
		names = append(names, strings.TrimSpace(n.GivenNames+" "+n.FamilyName))
	}
	var dob any
	if c.DateOfBirth != "" {
		dob = c.DateOfBirth
	}
	docs := []string{}
	for _, d := range c.Documents {
		docs = append(docs, d.Number)
	}
	return []any{c.ID, strings.Join(names, " "), dob, append([]string{}, c.Phones...), docs, c.MissingNow}
}

const peerQuery = `SELECT id FROM %s
WHERE name %% unaccent(lower($1)) OR phones && $2 OR docs && $3
ORDER BY similarity(name, unaccent(lower($1)))
  + CASE WHEN dob = $4::date THEN 0.5 WHEN extract(year FROM dob) = extract(year FROM $4::date) THEN 0.2 ELSE 0 END
  + CASE WHEN dmetaphone(split_part(name, ' ', 1)) = dmetaphone(split_part(unaccent(lower($1)), ' ', 1)) THEN 0.1 ELSE 0 END
  + CASE WHEN phones && $2 OR docs && $3 THEN 1 ELSE 0 END
  + CASE WHEN missing THEN 0.3 ELSE 0 END DESC
LIMIT 10`

// Answer runs the peer's query for each of the first n probes.
func (p *Peer) Answer(ctx context.Context, d *Data, n int) (Quality, error) {
	q := fmt.Sprintf(peerQuery, p.table)
	sub := &Data{Children: d.Children, Probes: d.Probes[:min(n, len(d.Probes))]}
	// Keep the never-recorded share: take recorded and never-recorded probes in proportion.
	if n < len(d.Probes) {
		sub.Probes = append(append([]Probe(nil), d.Probes[:n*4/5]...), d.Probes[len(d.Probes)-n/5:]...)
	}
	answers := make([]ranked, len(sub.Probes))
	for i, pr := range sub.Probes {
		c := pr.Query
		name := strings.TrimSpace(c.GivenNames + " " + c.FamilyName)
		docs := []string{}
		for _, doc := range c.Documents {
			docs = append(docs, doc.Number)
		}
		var dob any
		if c.DateOfBirth != "" {
			dob = c.DateOfBirth
		}
		start := time.Now()
		rows, err := p.db.QueryContext(ctx, q, name, append([]string{}, c.Phones...), docs, dob)
		if err != nil {
			return Quality{}, fmt.Errorf("peer query: %w", err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return Quality{}, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		a := ranked{ids: ids, latency: time.Since(start)}
		for _, id := range ids {
			if id == pr.Truth {
				a.blocked = true
			}
		}
		answers[i] = a
	}
	qual := evaluate("postgresql trigram peer", sub, answers)
	qual.Build = p.Build
	return qual, nil
}

// Close drops the peer's table.
func (p *Peer) Close(ctx context.Context) {
	p.db.ExecContext(ctx, `DROP TABLE IF EXISTS `+p.table)
	p.db.Close()
}
