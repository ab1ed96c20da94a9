package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
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

// EntitiesNamed returns the entities recorded under each of the search keys that names one.
func (tx *Tx) EntitiesNamed(keys []string) (map[string]*waymark.Entity, error) {
	out, keyOf := map[string]*waymark.Entity{}, make(map[string]string, len(keys))
	blind := make([]string, len(keys))
	for i, k := range keys {
		blind[i] = tx.s.keys.Blind(k)
		keyOf[blind[i]] = k
	}
	for part := range slices.Chunk(blind, 400) {
		in, args := tx.s.in(part, 1)
		_, err := tx.eachRow(`SELECT `+entityColumns+`, e.name_key FROM entities e WHERE e.name_key IN (`+in+`)`, args, func(r scanner) error {
			var b string
			e, err := tx.s.scanEntity(r, &b)
			out[keyOf[b]] = e
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("read entities: %w", err)
		}
	}
	return out, nil
}

// Entity returns one entity.
func (tx *Tx) Entity(id string) (*waymark.Entity, error) {
	e, err := tx.s.scanEntity(tx.tx.QueryRowContext(tx.ctx, `SELECT `+entityColumns+` FROM entities e WHERE e.id = $1`, id))
	return e, notFound(err, "entity")
}

// CreateEntity records a new entity with its search keys.
func (tx *Tx) CreateEntity(e *waymark.Entity) error { return tx.CreateEntities([]*waymark.Entity{e}) }

// CreateEntities records new entities with their search keys, a few hundred to a statement.
func (tx *Tx) CreateEntities(es []*waymark.Entity) error {
	now := tx.s.now()
	rows, keys := make([][]any, len(es)), [][]any{}
	for i, e := range es {
		e.ID, e.CreatedAt = NewID(), now
		name, others := e.SearchKeys()
		var nameKey any
		if name != "" {
			nameKey = tx.s.keys.Blind(name)
		}
		rows[i] = []any{e.ID, e.Kind, tx.s.seal(e.Value, "entity", e.ID, "value"), tx.s.seal(e.Details, "entity", e.ID, "details"),
			nameKey, e.OrgID, e.RecordedBy, e.CreatedAt}
		for _, k := range others {
			keys = append(keys, []any{tx.s.keys.Blind(k), e.ID})
		}
	}
	if err := tx.insertRows("entities", `id, kind, value, details, name_key, org_id, recorded_by, created_at`, rows); err != nil {
		return err
	}
	return tx.insertRows("entity_keys", `key, entity_id`, keys)
}

// AddLink records a link between a child and an entity; the same link again is a conflict.
func (tx *Tx) AddLink(l *waymark.Link) error {
	added, err := tx.AddLinksOnce([]*waymark.Link{l})
	if err == nil && len(added) == 0 {
		err = waymark.Errorf(waymark.ECONFLICT, "This child is linked to it so already, from that day.")
	}
	return err
}

// AddLinksOnce records each link unless its child is linked to its entity in that role from that
// day already, a few hundred to a statement; it returns those it recorded.
func (tx *Tx) AddLinksOnce(ls []*waymark.Link) ([]*waymark.Link, error) {
	now := tx.s.now()
	rows := make([][]any, len(ls))
	for i, l := range ls {
		l.ID = NewID()
		rows[i] = []any{l.ID, l.ChildID, l.EntityID, l.OrgID, l.Role, l.From, l.To, l.Source, l.Confidence,
			tx.s.seal(l.Note, "link", l.ID, "note"), l.RecordedBy, now}
	}
	added := map[string]bool{}
	_, err := tx.insertEach("links", `id, child_id, entity_id, org_id, role, from_on, to_on, source, confidence, note, recorded_by, created_at`, rows,
		` ON CONFLICT (child_id, entity_id, role, from_on) DO NOTHING RETURNING id`, func(r scanner) error {
			var id string
			err := r.Scan(&id)
			added[id] = true
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("record links: %w", err)
	}
	return slices.DeleteFunc(slices.Clone(ls), func(l *waymark.Link) bool { return !added[l.ID] }), nil
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
	// A union, not an OR: PostgreSQL reads every entity to test an OR that has a subquery.
	rows, err := s.db.QueryContext(ctx, `SELECT * FROM (SELECT `+entityColumns+` FROM entities e WHERE e.name_key IN (`+in+`)
		UNION SELECT `+entityColumns+` FROM entity_keys k JOIN entities e ON e.id = k.entity_id WHERE k.key IN (`+in+`)) u
		ORDER BY created_at, id`, args...)
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

// LinkedSince returns, for each entity, the children linked to it from since on, each once, with
// the organisation responsible for them.
func (tx *Tx) LinkedSince(entityIDs []string, since string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for part := range slices.Chunk(entityIDs, 400) {
		in, args := tx.s.in(part, 2)
		_, err := tx.eachRow(`SELECT DISTINCT l.entity_id, l.child_id, c.org_id FROM links l JOIN children c ON c.id = l.child_id
			WHERE l.from_on >= $1 AND l.entity_id IN (`+in+`) AND c.merged_into = ''`, append([]any{since}, args...), func(r scanner) error {
			var entity, child, org string
			err := r.Scan(&entity, &child, &org)
			if out[entity] == nil {
				out[entity] = map[string]string{}
			}
			out[entity][child] = org
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("list linked children: %w", err)
		}
	}
	return out, nil
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

// EntitiesByRefs returns, of the refs given, the entity the organisation imported under each (or,
// where it imported none under a ref that is an entity's Waymark id, that entity).
func (tx *Tx) EntitiesByRefs(orgID string, refs []string) (map[string]*waymark.Entity, error) {
	out := map[string]*waymark.Entity{}
	for part := range slices.Chunk(refs, 400) {
		in, args := tx.s.in(part, 2)
		_, err := tx.eachRow(`SELECT `+entityColumns+`, r.ref, 1 FROM entity_refs r JOIN entities e ON e.id = r.entity_id
			WHERE r.org_id = $1 AND r.ref IN (`+in+`) UNION ALL SELECT `+entityColumns+`, e.id, 0 FROM entities e WHERE e.id IN (`+in+`)`,
			append([]any{orgID}, args...), func(r scanner) error {
				var ref string
				var imported bool
				e, err := tx.s.scanEntity(r, &ref, &imported)
				if imported || out[ref] == nil {
					out[ref] = e
				}
				return err
			})
		if err != nil {
			return nil, fmt.Errorf("read entities by ref: %w", err)
		}
	}
	return out, nil
}

// KeepEntityRefs records that the organisation imported each entity under its ref (ref → id).
func (tx *Tx) KeepEntityRefs(orgID string, ids map[string]string) error {
	rows := make([][]any, 0, len(ids))
	for ref, id := range ids {
		rows = append(rows, []any{orgID, ref, id})
	}
	_, err := tx.insertEach("entity_refs", `org_id, ref, entity_id`, rows, ` ON CONFLICT (org_id, ref) DO NOTHING`, nil)
	return err
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
