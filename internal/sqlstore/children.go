package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/fold"
)

// querier is what reads need: the pool or a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// facts are the child's multi-valued facts kept as plain JSON: what the caseload and the
// identification index read without opening anything. (Description and Marks were kept here
// before they were sealed; a database of then is resealed when the store opens.)
type facts struct {
	Aliases            []waymark.Name `json:"aliases,omitempty"`
	AgeBasis           string         `json:"age_basis,omitempty"`
	AgeAssessedOn      string         `json:"age_assessed_on,omitempty"`
	MinimisedOn        string         `json:"minimised_on,omitempty"`
	OtherNationalities []string       `json:"other_nationalities,omitempty"`
	Languages          []string       `json:"languages,omitempty"`
	Phones             []string       `json:"phones,omitempty"`
	Description        string         `json:"description,omitempty"`
	Marks              string         `json:"marks,omitempty"`
	UASC               bool           `json:"uasc,omitempty"`
	UASCCeased         string         `json:"uasc_ceased,omitempty"`
	OtherRefs          []string       `json:"other_refs,omitempty"`
	LegalStatus        string         `json:"legal_status,omitempty"`
	CategoryOfNeed     string         `json:"category_of_need,omitempty"`
	ClaimDate          string         `json:"asylum_claim_date,omitempty"`
	ImmigrationStatus  string         `json:"immigration_status,omitempty"`
	LeaveExpiry        string         `json:"leave_expiry,omitempty"`
}

// sealedFacts are encrypted at rest: documents, biometric references, health, concerns, and the
// description and marks (a tattoo, a scar: as identifying as a document number).
type sealedFacts struct {
	Documents   []waymark.Document  `json:"documents,omitempty"`
	Biometrics  []waymark.Biometric `json:"biometrics,omitempty"`
	HealthNeeds string              `json:"health_needs,omitempty"`
	Concerns    string              `json:"concerns,omitempty"`
	Description string              `json:"description,omitempty"`
	Marks       string              `json:"marks,omitempty"`
	Ethnicity   string              `json:"ethnicity,omitempty"`
	HomeOffice  string              `json:"home_office_ref,omitempty"`
}

func childAAD(id string) []byte { return []byte("child:" + id) }

// openFacts opens the sealed facts of child id.
func (s *Store) openFacts(id string, sealed []byte) (*sealedFacts, error) {
	opened, err := s.keys.Open(sealed, childAAD(id))
	if err != nil {
		return nil, fmt.Errorf("child %s sealed facts: %w", id, err)
	}
	var sf sealedFacts
	if err := json.Unmarshal(opened, &sf); err != nil {
		return nil, fmt.Errorf("child %s sealed facts: %w", id, err)
	}
	return &sf, nil
}

// searchText is what the caseload search matches: every name, folded, and the references.
func searchText(c *waymark.Child) string {
	var b strings.Builder
	for _, ref := range append([]string{c.Ref}, c.OtherRefs...) {
		b.WriteString(" " + strings.ToLower(ref) + " ")
	}
	for _, n := range c.AllNames() {
		b.WriteString(fold.String(n.GivenNames+" "+n.FamilyName) + " ")
	}
	return b.String()
}

func (tx *Tx) childColumns(c *waymark.Child) (factsJSON string, sealed []byte, err error) {
	f, err := json.Marshal(facts{Aliases: c.Aliases, AgeBasis: c.AgeBasis, AgeAssessedOn: c.AgeAssessedOn, MinimisedOn: c.MinimisedOn, OtherNationalities: c.OtherNationalities,
		Languages: c.Languages, Phones: c.Phones, UASC: c.UASC, UASCCeased: c.UASCCeased, OtherRefs: c.OtherRefs,
		LegalStatus: c.LegalStatus, CategoryOfNeed: c.CategoryOfNeed, ClaimDate: c.ClaimDate, ImmigrationStatus: c.ImmigrationStatus,
		LeaveExpiry: c.LeaveExpiry})
	if err != nil {
		return "", nil, err
	}
	plain, err := json.Marshal(sealedFacts{c.Documents, c.Biometrics, c.HealthNeeds, c.Concerns, c.Description, c.Marks,
		c.Ethnicity, c.HomeOfficeRef})
	if err != nil {
		return "", nil, err
	}
	return string(f), tx.s.keys.Seal(plain, childAAD(c.ID)), nil
}

// sealOldFacts seals, once, the descriptions and marks that a database made before they were
// sealed holds in plain text: each such child's facts are written again.
func (s *Store) sealOldFacts(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM children WHERE facts LIKE '%"description":%' OR facts LIKE '%"marks":%'`)
	if err != nil {
		return fmt.Errorf("find plain descriptions: %w", err)
	}
	ids, err := collect(rows, func(r scanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	if err != nil || len(ids) == 0 {
		return err
	}
	return s.InTx(ctx, func(tx *Tx) error {
		for _, id := range ids {
			c, err := s.child(tx.ctx, tx.tx, id)
			if err != nil {
				return err
			}
			f, sealed, err := tx.childColumns(c)
			if err != nil {
				return err
			}
			if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE children SET facts = $1, sealed = $2 WHERE id = $3`, f, sealed, id); err != nil {
				return fmt.Errorf("seal description and marks: %w", err)
			}
		}
		return nil
	})
}

// CreateChild inserts a normalised child owned by c.OrgID. A child without a reference gets one.
func (tx *Tx) CreateChild(c *waymark.Child) error {
	c.ID = NewID()
	if c.Ref == "" {
		c.Ref = "WM-" + strings.ToUpper(c.ID[:8])
	}
	c.CreatedAt, c.UpdatedAt = tx.s.now(), tx.s.now()
	f, sealed, err := tx.childColumns(c)
	if err != nil {
		return err
	}
	lacks, err := tx.lacking(c)
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(tx.ctx, `INSERT INTO children (id, org_id, ref, given_names, family_name, sex, date_of_birth,
		dob_estimated, nationality, facts, sealed, search, missing, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		c.ID, c.OrgID, c.Ref, c.GivenNames, c.FamilyName, c.Sex, c.DateOfBirth, c.DOBEstimated, c.Nationality,
		f, sealed, searchText(c), lacks, c.CreatedAt, c.UpdatedAt)
	if isUniqueViolation(err) {
		return &waymark.Error{Code: waymark.ECONFLICT, Message: "Another child already has that reference.",
			Fields: []waymark.FieldError{{Field: "ref", Message: fmt.Sprintf("%q is already used in this organisation", c.Ref)}}}
	}
	return wrap(err, "insert child")
}

// UpdateChild replaces the child's facts (not its owner or photos; c.Photos is read afresh, so
// what the record lacks is computed from the photos it really has).
func (tx *Tx) UpdateChild(c *waymark.Child) error {
	c.UpdatedAt = tx.s.now()
	ps, err := tx.s.photos(tx.ctx, tx.tx, c.ID)
	if err != nil {
		return err
	}
	c.Photos = ps[c.ID]
	f, sealed, err := tx.childColumns(c)
	if err != nil {
		return err
	}
	if c.OrgID == "" {
		if err := tx.tx.QueryRowContext(tx.ctx, `SELECT org_id FROM children WHERE id = $1`, c.ID).Scan(&c.OrgID); err != nil {
			return notFound(err, "child")
		}
	}
	lacks, err := tx.lacking(c)
	if err != nil {
		return err
	}
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE children SET ref = $1, given_names = $2, family_name = $3, sex = $4,
		date_of_birth = $5, dob_estimated = $6, nationality = $7, facts = $8, sealed = $9, search = $10, missing = $11,
		updated_at = $12 WHERE id = $13`,
		c.Ref, c.GivenNames, c.FamilyName, c.Sex, c.DateOfBirth, c.DOBEstimated, c.Nationality, f, sealed,
		searchText(c), lacks, c.UpdatedAt, c.ID)
	if isUniqueViolation(err) {
		return &waymark.Error{Code: waymark.ECONFLICT, Message: "Another child already has that reference.",
			Fields: []waymark.FieldError{{Field: "ref", Message: fmt.Sprintf("%q is already used in this organisation", c.Ref)}}}
	}
	if err != nil {
		return fmt.Errorf("update child: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return waymark.Errorf(waymark.ENOTFOUND, "No child was found.")
	}
	return nil
}

const childSelect = `SELECT id, org_id, ref, given_names, family_name, sex, date_of_birth, dob_estimated, nationality,
	facts, sealed, created_at, updated_at, EXISTS (SELECT 1 FROM missing_episodes m WHERE m.child_id = children.id
		AND m.found_at IS NULL AND m.returned_at IS NULL), recorded_by_org_id, merged_into, missing FROM children`

// scanChild reads a child row; q, when not nil, is used to read the photos' descriptions too.
func (s *Store) scanChild(ctx context.Context, q querier, row interface{ Scan(...any) error }) (*waymark.Child, error) {
	var c waymark.Child
	var f, lacks string
	var sealed []byte
	if err := row.Scan(&c.ID, &c.OrgID, &c.Ref, &c.GivenNames, &c.FamilyName, &c.Sex, &c.DateOfBirth, &c.DOBEstimated,
		&c.Nationality, &f, &sealed, &c.CreatedAt, &c.UpdatedAt, &c.MissingNow, &c.RecordedByOrgID, &c.MergedInto, &lacks); err != nil {
		return nil, err
	}
	if lacks != "" {
		c.Lacks = strings.Split(lacks, ",")
	}
	c.RecordedByOrgID = cmp.Or(c.RecordedByOrgID, c.OrgID) // '' until the child changes hands
	var plain facts
	if err := json.Unmarshal([]byte(f), &plain); err != nil {
		return nil, fmt.Errorf("child %s facts: %w", c.ID, err)
	}
	c.Aliases, c.AgeBasis, c.OtherNationalities = plain.Aliases, plain.AgeBasis, plain.OtherNationalities
	c.UASC, c.UASCCeased, c.OtherRefs = plain.UASC, plain.UASCCeased, plain.OtherRefs
	c.Languages, c.Phones, c.Description, c.Marks = plain.Languages, plain.Phones, plain.Description, plain.Marks
	c.LegalStatus, c.CategoryOfNeed, c.ClaimDate = plain.LegalStatus, plain.CategoryOfNeed, plain.ClaimDate
	c.ImmigrationStatus, c.LeaveExpiry = plain.ImmigrationStatus, plain.LeaveExpiry
	c.AgeAssessedOn, c.MinimisedOn = plain.AgeAssessedOn, plain.MinimisedOn
	sf, err := s.openFacts(c.ID, sealed)
	if err != nil {
		return nil, err
	}
	c.Documents, c.Biometrics, c.HealthNeeds, c.Concerns = sf.Documents, sf.Biometrics, sf.HealthNeeds, sf.Concerns
	c.Description, c.Marks = cmp.Or(sf.Description, c.Description), cmp.Or(sf.Marks, c.Marks)
	c.Ethnicity, c.HomeOfficeRef = sf.Ethnicity, sf.HomeOffice
	if q != nil {
		var ps map[string][]waymark.Photo
		ps, err = s.photos(ctx, q, c.ID)
		c.Photos = ps[c.ID]
	}
	return &c, err
}

// Child returns the child with the given id, with its photos' descriptions.
func (s *Store) Child(ctx context.Context, id string) (*waymark.Child, error) {
	return s.child(ctx, s.db, id)
}

// ChildrenByID returns the children with the given ids, with their photos' descriptions, in two
// statements whatever their number: a page of candidates costs what one child does. Unknown ids
// are left out.
func (s *Store) ChildrenByID(ctx context.Context, ids []string) (map[string]*waymark.Child, error) {
	out := make(map[string]*waymark.Child, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := s.in(ids, 1)
	rows, err := s.db.QueryContext(ctx, childSelect+` WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read children: %w", err)
	}
	children, err := collect(rows, func(r interface{ Scan(...any) error }) (*waymark.Child, error) { return s.scanChild(ctx, nil, r) })
	if err != nil {
		return nil, fmt.Errorf("read children: %w", err)
	}
	for _, c := range children {
		out[c.ID] = c
	}
	ps, err := s.photos(ctx, s.db, ids...)
	if err != nil {
		return nil, err
	}
	for id, c := range out {
		c.Photos = ps[id]
	}
	return out, nil
}

// Child reads a child within the transaction.
func (tx *Tx) Child(id string) (*waymark.Child, error) { return tx.s.child(tx.ctx, tx.tx, id) }

func (s *Store) child(ctx context.Context, q querier, id string) (*waymark.Child, error) {
	c, err := s.scanChild(ctx, q, q.QueryRowContext(ctx, childSelect+` WHERE id = $1`, id))
	return c, notFound(err, "child")
}

// ChildByRef returns the child an organisation knows by ref.
func (tx *Tx) ChildByRef(orgID, ref string) (*waymark.Child, error) {
	c, err := tx.s.scanChild(tx.ctx, tx.tx, tx.tx.QueryRowContext(tx.ctx, childSelect+` WHERE org_id = $1 AND ref = $2`, orgID, ref))
	return c, notFound(err, "child")
}

// ChildScope returns what access decisions need about a child: its owner and who is assigned.
func (s *Store) ChildScope(ctx context.Context, id string) (waymark.Scope, error) {
	scopes, err := s.ChildScopes(ctx, []string{id})
	if err != nil {
		return waymark.Scope{}, err
	}
	sc, ok := scopes[id]
	if !ok {
		return sc, notFound(sql.ErrNoRows, "child")
	}
	return sc, nil
}

// ChildScopes returns the scopes of many children in one statement, whatever their number: a
// page of search results costs the database the same as one child. Unknown ids are left out.
func (s *Store) ChildScopes(ctx context.Context, ids []string) (map[string]waymark.Scope, error) {
	out := make(map[string]waymark.Scope, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := s.in(ids, 2)
	// Each part is a step, in order: the children (their owners) first, then what the others add
	// to a known child; past handovers oldest first.
	parts := []string{
		`SELECT 0 AS step, id, org_id AS v, CAST(NULL AS TIMESTAMPTZ) AS at FROM children WHERE id IN (` + in + `)`,
		`SELECT 1, child_id, role || ' ' || user_id, NULL FROM team_members WHERE child_id IN (` + in + `) AND ended_at IS NULL`,
		`SELECT 2, child_id, user_id, NULL FROM access_grants WHERE child_id IN (` + in + `) AND expires_at > $1`,
		`SELECT 3, child_id, id, NULL FROM missing_episodes WHERE child_id IN (` + in + `) AND found_at IS NULL AND returned_at IS NULL`,
		`SELECT 4, child_id, to_org_id, NULL FROM handovers WHERE child_id IN (` + in + `) AND status = 'open'`,
		`SELECT 5, child_id, from_org_id, requested_at FROM handovers WHERE child_id IN (` + in + `) AND status = 'accepted'`,
	}
	rows, err := s.db.QueryContext(ctx, strings.Join(parts, " UNION ALL ")+` ORDER BY step, at`, append([]any{s.now()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("read child scopes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var step int
		var id, v string
		var at any
		if err := rows.Scan(&step, &id, &v, &at); err != nil {
			return nil, fmt.Errorf("read child scopes: %w", err)
		}
		sc, known := out[id]
		if step > 0 && !known {
			continue
		}
		switch step {
		case 0:
			sc.OrgID = v
		case 1:
			role, user, _ := strings.Cut(v, " ")
			sc.Team = append(sc.Team, waymark.Member{UserID: user, Role: waymark.TeamRole(role)})
		case 2:
			sc.GrantedTo = append(sc.GrantedTo, v)
		case 3:
			sc.Missing = true
		case 4:
			sc.HandoverTo = v
		case 5:
			if !slices.Contains(sc.Former, v) {
				sc.Former = append(sc.Former, v)
			}
		}
		out[id] = sc
	}
	return out, wrap(rows.Err(), "read child scopes")
}

// ChildRefs returns the references of the children named, by id.
func (s *Store) ChildRefs(ctx context.Context, ids []string) (map[string]string, error) {
	return s.childColumn(ctx, ids, "ref", "child references")
}

// ChildNames returns the names of the children named, by id, given names first.
func (s *Store) ChildNames(ctx context.Context, ids []string) (map[string]string, error) {
	return s.childColumn(ctx, ids, "given_names || ' ' || family_name", "child names")
}

// childColumn returns expr of the children named, by id.
func (s *Store) childColumn(ctx context.Context, ids []string, expr, what string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := s.in(ids, 1)
	err := s.eachPair(ctx, `SELECT id, `+expr+` FROM children WHERE id IN (`+in+`)`, args, func(id, v string) { out[id] = strings.TrimSpace(v) })
	return out, wrap(err, what)
}

// eachPair runs a query of two text columns and hands each row to f.
func (s *Store) eachPair(ctx context.Context, query string, args []any, f func(a, b string)) error {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			return err
		}
		f(a, b)
	}
	return rows.Err()
}

// inList is "$from, $from+1, …" for the values, and the values as arguments.
// in is an IN list of values for a statement whose other parameters come first (from is the first
// list value's number).
func (s *Store) in(values []string, from int) (string, []any) {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	if s.dialect == SQLite { // SQLite looks each $N up in a list, which makes a long list cost n²; ?N it numbers at once
		marks := make([]string, len(values))
		for i := range marks {
			marks[i] = "?" + strconv.Itoa(from+i)
		}
		return strings.Join(marks, ", "), args
	}
	return placeholders(from, len(values)), args
}

// Grant lets a user view a child's record until expires, for the reason given.
func (tx *Tx) Grant(userID, childID, reason string, expires time.Time) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO access_grants (user_id, child_id, reason, granted_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		userID, childID, reason, tx.s.now(), expires.UTC())
	return wrap(err, "grant access")
}

// GrantsSince counts the records of orgID that userID has opened with a reason since.
func (tx *Tx) GrantsSince(userID, orgID string, since time.Time) (int, error) {
	var n int
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM access_grants g JOIN children c ON c.id = g.child_id
		WHERE g.user_id = $1 AND c.org_id = $2 AND g.granted_at >= $3`, userID, orgID, since.UTC()).Scan(&n)
	return n, wrap(err, "count grants")
}

// ChildSummary is a caseload row: enough to recognise a child, nothing sealed.
type ChildSummary struct {
	ID, OrgID, Ref, GivenNames, FamilyName, Sex, DateOfBirth, Nationality string
	DOBEstimated                                                          bool
	Lacks                                                                 []string // what the organisation's rule finds lacking
	UpdatedAt                                                             time.Time
}

// Name is the summary's display name.
func (c ChildSummary) Name() string {
	return (&waymark.Child{GivenNames: c.GivenNames, FamilyName: c.FamilyName, Nationality: c.Nationality}).Name()
}

// ChildFilter selects a caseload.
type ChildFilter struct {
	OrgID    string // the organisation's children…
	InTeamOf string // …or, when set, only those whose team this user is in, whoever owns them
	Query    string // words matched against every name and the reference
	Lacking  string // only children still lacking this identification fact (e.g. "photo")
	Limit    int
	Offset   int
}

// CountChildren counts an organisation's children, or (orgID "") every child.
func (s *Store) CountChildren(ctx context.Context, orgID string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM children WHERE $1 = '' OR org_id = $1`, orgID).Scan(&n)
	return n, wrap(err, "count children")
}

// Children lists the children matching f, most recently updated first, and the total that match.
func (s *Store) Children(ctx context.Context, f ChildFilter) ([]ChildSummary, int, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	where = append(where, "merged_into = ''")
	if f.InTeamOf != "" {
		where = append(where, "id IN (SELECT child_id FROM team_members WHERE user_id = "+arg(f.InTeamOf)+" AND ended_at IS NULL)")
	} else {
		where = append(where, "org_id = "+arg(f.OrgID))
	}
	listed := len(where)
	for _, tok := range fold.Tokens(f.Query) {
		where = append(where, "search LIKE "+arg("%"+escapeLike(tok)+"%")+` ESCAPE '\'`)
	}
	if f.Lacking != "" {
		where = append(where, "(',' || missing || ',') LIKE "+arg("%,"+escapeLike(f.Lacking)+",%")+` ESCAPE '\'`)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM children WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count children: %w", err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	const order = ` ORDER BY updated_at DESC, id DESC`
	window := ` LIMIT ` + arg(limit) + ` OFFSET ` + arg(max(f.Offset, 0))
	page := ` WHERE ` + cond + order + window
	if len(where) > listed {
		// A search picks the page's ids from the narrow index of what is searched, then reads
		// those rows: walking every row in order, to test each, costs a row read per child. On
		// SQLite the + keeps the planner from taking the ordered index for that walk.
		inner := order
		if s.dialect == SQLite {
			inner = ` ORDER BY +updated_at DESC, +id DESC`
		}
		page = ` WHERE id IN (SELECT id FROM children WHERE ` + cond + inner + window + `)` + order
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, org_id, ref, given_names, family_name, sex, date_of_birth, dob_estimated,
		nationality, missing, updated_at FROM children`+page, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list children: %w", err)
	}
	list, err := collect(rows, func(r interface{ Scan(...any) error }) (ChildSummary, error) {
		var c ChildSummary
		var missing string
		err := r.Scan(&c.ID, &c.OrgID, &c.Ref, &c.GivenNames, &c.FamilyName, &c.Sex, &c.DateOfBirth, &c.DOBEstimated, &c.Nationality, &missing, &c.UpdatedAt)
		if missing != "" {
			c.Lacks = strings.Split(missing, ",")
		}
		return c, err
	})
	return list, total, err
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// AllChildren calls fn for every child (for export and index building), in id order, without
// photos: one query however many children there are.
func (s *Store) AllChildren(ctx context.Context, orgID string, fn func(*waymark.Child) error) error {
	q, args := childSelect+` ORDER BY id`, []any{}
	if orgID != "" {
		q, args = childSelect+` WHERE org_id = $1 ORDER BY id`, []any{orgID}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read children: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := s.scanChild(ctx, nil, rows)
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// inList is an IN list in PostgreSQL's $N form, which both databases read, for a few values.
func inList(values []string, from int) (string, []any) {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return placeholders(from, len(values)), args
}
