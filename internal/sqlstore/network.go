package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/waymark-org/waymark"
)

// The network's values are sealed; entities are found by blind keys (Keyring.Blind) of what
// Entity.SearchKeys gives.

const entityColumns = `e.id, e.kind, e.value, e.details, e.org_id, e.recorded_by, e.created_at`

func (s *Store) scanEntity(r scanner, extra ...any) (*waymark.Entity, error) {
	var e waymark.Entity
	if err := r.Scan(append([]any{&e.ID, &e.Kind, &e.Value, &e.Details, &e.OrgID, &e.RecordedBy, &e.CreatedAt}, extra...)...); err != nil {
		return nil, err
	}
	e.CreatedAt = e.CreatedAt.UTC()
	return &e, s.open("entity", e.ID, map[string]*string{"value": &e.Value, "details": &e.Details})
}

// EntityNamed returns the entity a search key names (a phone, a registration, a handle, an
// address), or nil when none is recorded.
func (tx *Tx) EntityNamed(key string) (*waymark.Entity, error) {
	e, err := tx.s.scanEntity(tx.tx.QueryRowContext(tx.ctx, `SELECT `+entityColumns+` FROM entities e WHERE e.name_key = $1`, tx.s.keys.Blind(key)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return e, wrap(err, "read entity")
}

// Entity returns one entity.
func (tx *Tx) Entity(id string) (*waymark.Entity, error) {
	e, err := tx.s.scanEntity(tx.tx.QueryRowContext(tx.ctx, `SELECT `+entityColumns+` FROM entities e WHERE e.id = $1`, id))
	return e, notFound(err, "entity")
}

// CreateEntity records a new entity with its search keys.
func (tx *Tx) CreateEntity(e *waymark.Entity) error {
	e.ID, e.CreatedAt = NewID(), tx.s.now()
	name, others := e.SearchKeys()
	var nameKey any
	if name != "" {
		nameKey = tx.s.keys.Blind(name)
	}
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO entities (id, kind, value, details, name_key, org_id, recorded_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.ID, e.Kind, tx.s.seal(e.Value, "entity", e.ID, "value"),
		tx.s.seal(e.Details, "entity", e.ID, "details"), nameKey, e.OrgID, e.RecordedBy, e.CreatedAt)
	if err != nil {
		return fmt.Errorf("record entity: %w", err)
	}
	for _, k := range others {
		if _, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO entity_keys (key, entity_id) VALUES ($1, $2)`, tx.s.keys.Blind(k), e.ID); err != nil {
			return fmt.Errorf("record entity key: %w", err)
		}
	}
	return nil
}

// AddLink records a link between a child and an entity; the same link again is a conflict.
func (tx *Tx) AddLink(l *waymark.Link) error {
	added, err := tx.addLink(l, "")
	if err == nil && !added {
		err = waymark.Errorf(waymark.ECONFLICT, "This child is linked to it so already, from that day.")
	}
	return err
}

// AddLinkOnce records a link unless the child is linked to the entity in that role from that day
// already; it reports whether it did.
func (tx *Tx) AddLinkOnce(l *waymark.Link) (bool, error) {
	return tx.addLink(l, ` ON CONFLICT (child_id, entity_id, role, from_on) DO NOTHING`)
}

func (tx *Tx) addLink(l *waymark.Link, onConflict string) (bool, error) {
	l.ID = NewID()
	res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO links (id, child_id, entity_id, org_id, role, from_on, to_on, source, confidence, note, recorded_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`+onConflict, l.ID, l.ChildID, l.EntityID, l.OrgID, l.Role, l.From, l.To,
		l.Source, l.Confidence, tx.s.seal(l.Note, "link", l.ID, "note"), l.RecordedBy, tx.s.now())
	if isUniqueViolation(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("record link: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap(err, "record link")
}

const linkColumns = `l.id, l.child_id, l.entity_id, l.org_id, l.role, l.from_on, l.to_on, l.source, l.confidence, l.note, l.recorded_by`

func (s *Store) scanLink(r scanner, withEntity bool) (*waymark.Link, error) {
	var l waymark.Link
	dest := []any{&l.ID, &l.ChildID, &l.EntityID, &l.OrgID, &l.Role, &l.From, &l.To, &l.Source, &l.Confidence, &l.Note, &l.RecordedBy}
	if !withEntity {
		if err := r.Scan(dest...); err != nil {
			return nil, err
		}
	} else {
		e, err := s.scanEntity(r, dest...)
		if err != nil {
			return nil, err
		}
		l.Entity = e
	}
	return &l, s.open("link", l.ID, map[string]*string{"note": &l.Note})
}

// linkWithEntity reads a link after its entity's columns.
func (s *Store) linkWithEntity(r scanner) (*waymark.Link, error) { return s.scanLink(r, true) }

// ChildLinks lists a child's links with their entities, earliest first.
func (s *Store) ChildLinks(ctx context.Context, childID string) ([]*waymark.Link, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+entityColumns+`, `+linkColumns+` FROM links l JOIN entities e ON e.id = l.entity_id
		WHERE l.child_id = $1 ORDER BY l.from_on, l.id`, childID)
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	return collect(rows, s.linkWithEntity)
}

// EntitiesFound returns the entities any of the search keys finds.
func (s *Store) EntitiesFound(ctx context.Context, keys []string) ([]*waymark.Entity, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	blind := make([]string, len(keys))
	for i, k := range keys {
		blind[i] = s.keys.Blind(k)
	}
	in, args := s.in(blind, 1)
	rows, err := s.db.QueryContext(ctx, `SELECT `+entityColumns+` FROM entities e WHERE e.name_key IN (`+in+`)
		OR e.id IN (SELECT entity_id FROM entity_keys WHERE key IN (`+in+`)) ORDER BY e.created_at, e.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("search entities: %w", err)
	}
	return collect(rows, func(r scanner) (*waymark.Entity, error) { return s.scanEntity(r) })
}

// EntitiesByID returns the entities named, by id.
func (s *Store) EntitiesByID(ctx context.Context, ids []string) (map[string]*waymark.Entity, error) {
	out := map[string]*waymark.Entity{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := s.in(ids, 1)
	rows, err := s.db.QueryContext(ctx, `SELECT `+entityColumns+` FROM entities e WHERE e.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read entities: %w", err)
	}
	es, err := collect(rows, func(r scanner) (*waymark.Entity, error) { return s.scanEntity(r) })
	for _, e := range es {
		out[e.ID] = e
	}
	return out, err
}

// EntityLinks lists the links of the entities named, at most perEntity of each (the latest
// first), without their notes: the links of children the reader may not see.
func (s *Store) EntityLinks(ctx context.Context, entityIDs []string, perEntity int) ([]*waymark.Link, error) {
	var out []*waymark.Link
	for len(entityIDs) > 0 {
		part := entityIDs[:min(len(entityIDs), 200)] // SQLite joins at most 500 selects in one
		entityIDs = entityIDs[len(part):]
		// One statement, each entity's part read from its index and cut at perEntity: a hub of
		// thousands of links costs no more than any other.
		selects, args := make([]string, len(part)), []any{perEntity}
		for i, id := range part {
			args = append(args, id)
			selects[i] = fmt.Sprintf(`SELECT * FROM (SELECT `+linkColumns+` FROM links l WHERE l.entity_id = $%d ORDER BY l.from_on DESC, l.id LIMIT $1) p%d`, i+2, i)
		}
		rows, err := s.db.QueryContext(ctx, strings.Join(selects, " UNION ALL "), args...)
		if err != nil {
			return nil, fmt.Errorf("list entity links: %w", err)
		}
		ls, err := collect(rows, func(r scanner) (*waymark.Link, error) { return s.scanLink(r, false) })
		if err != nil {
			return nil, fmt.Errorf("list entity links: %w", err)
		}
		for _, l := range ls {
			l.Note = ""
		}
		out = append(out, ls...)
	}
	return out, nil
}

// LinkedSince returns the children linked to an entity from since on, each once, with the
// organisation responsible for them.
func (tx *Tx) LinkedSince(entityID, since string) (map[string]string, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT DISTINCT l.child_id, c.org_id FROM links l JOIN children c ON c.id = l.child_id
		WHERE l.entity_id = $1 AND l.from_on >= $2 AND c.merged_into = ''`, entityID, since)
	if err != nil {
		return nil, fmt.Errorf("list linked children: %w", err)
	}
	pairs, err := collect(rows, func(r scanner) ([2]string, error) {
		var p [2]string
		return p, r.Scan(&p[0], &p[1])
	})
	out := make(map[string]string, len(pairs))
	for _, p := range pairs {
		out[p[0]] = p[1]
	}
	return out, err
}

// LinkingPolice returns the police force that most lately linked a child to the entity, if any.
func (tx *Tx) LinkingPolice(entityID string) (string, error) {
	var org string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT l.org_id FROM links l JOIN organisations o ON o.id = l.org_id AND o.kind = 'police'
		WHERE l.entity_id = $1 ORDER BY l.created_at DESC LIMIT 1`, entityID).Scan(&org)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return org, wrap(err, "read linking police")
}

// ChildIDsByRefs returns, of the organisation's children (not merged away), the id of each ref
// given that names one.
func (s *Store) ChildIDsByRefs(ctx context.Context, orgID string, refs []string) (map[string]string, error) {
	out := map[string]string{}
	for len(refs) > 0 {
		part := refs[:min(len(refs), 500)]
		refs = refs[len(part):]
		q, args := byRefs(part, ` WHERE c.merged_into = ''`)
		rows, err := s.db.QueryContext(ctx, q, append([]any{orgID}, args...)...)
		if err != nil {
			return nil, fmt.Errorf("find children by ref: %w", err)
		}
		pairs, err := collect(rows, func(r scanner) ([2]string, error) {
			var p [2]string
			return p, r.Scan(&p[0], &p[1])
		})
		if err != nil {
			return nil, fmt.Errorf("find children by ref: %w", err)
		}
		for _, p := range pairs {
			out[p[0]] = p[1]
		}
	}
	return out, nil
}

// OrgLinks lists the links of the organisation's children (orgID "": every child's) with their
// entities, and each child's ref.
func (s *Store) OrgLinks(ctx context.Context, orgID string) ([]*waymark.Link, map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+entityColumns+`, `+linkColumns+`, c.ref FROM links l JOIN entities e ON e.id = l.entity_id
		JOIN children c ON c.id = l.child_id WHERE $1 = '' OR c.org_id = $1 ORDER BY e.id, l.from_on, l.id`, orgID)
	if err != nil {
		return nil, nil, fmt.Errorf("list links: %w", err)
	}
	refs := map[string]string{}
	links, err := collect(rows, func(r scanner) (*waymark.Link, error) {
		var ref string
		l, err := s.scanLink(extraScanner{r, []any{&ref}}, true)
		if err == nil {
			refs[l.ChildID] = ref
		}
		return l, err
	})
	return links, refs, err
}

// EntityByRef returns the entity an organisation imported under ref (or, when ref is an entity's
// Waymark id, that entity), or nil.
func (tx *Tx) EntityByRef(orgID, ref string) (*waymark.Entity, error) {
	e, err := tx.s.scanEntity(tx.tx.QueryRowContext(tx.ctx, `SELECT `+entityColumns+` FROM entities e
		WHERE e.id = (SELECT entity_id FROM entity_refs WHERE org_id = $1 AND ref = $2) OR e.id = $2
		ORDER BY CASE WHEN e.id = $2 THEN 1 ELSE 0 END LIMIT 1`, orgID, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return e, wrap(err, "read entity by ref")
}

// KeepEntityRef records that the organisation imported the entity under ref.
func (tx *Tx) KeepEntityRef(orgID, ref, entityID string) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO entity_refs (org_id, ref, entity_id) VALUES ($1, $2, $3) ON CONFLICT (org_id, ref) DO NOTHING`,
		orgID, ref, entityID)
	return wrap(err, "keep entity ref")
}

// ChildrenListed returns the children named with what a list shows of each — reference, names and
// nationality (for the order the names are written in) — without opening their sealed facts.
func (s *Store) ChildrenListed(ctx context.Context, ids []string) (map[string]*waymark.Child, error) {
	out := make(map[string]*waymark.Child, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := s.in(ids, 1)
	rows, err := s.db.QueryContext(ctx, `SELECT id, org_id, ref, given_names, family_name, nationality FROM children WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read children's names: %w", err)
	}
	cs, err := collect(rows, func(r scanner) (*waymark.Child, error) {
		var c waymark.Child
		return &c, r.Scan(&c.ID, &c.OrgID, &c.Ref, &c.GivenNames, &c.FamilyName, &c.Nationality)
	})
	for _, c := range cs {
		out[c.ID] = c
	}
	return out, err
}

// Link returns one link, with its entity.
func (s *Store) Link(ctx context.Context, id string) (*waymark.Link, error) {
	l, err := s.scanLink(s.db.QueryRowContext(ctx, `SELECT `+entityColumns+`, `+linkColumns+` FROM links l JOIN entities e ON e.id = l.entity_id
		WHERE l.id = $1`, id), true)
	return l, notFound(err, "link")
}

// EndLink records the last day of a link still going on; it reports whether there was one.
func (tx *Tx) EndLink(id, to string) (bool, error) {
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE links SET to_on = $1 WHERE id = $2 AND to_on = ''`, to, id)
	if err != nil {
		return false, fmt.Errorf("end link: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap(err, "end link")
}
