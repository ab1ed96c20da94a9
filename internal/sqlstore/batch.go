package sqlstore

import (
	"fmt"
	"strings"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
)

// An import writes thousands of rows of a few kinds: one multi-row statement per few hundred rows
// costs a round trip (and a parse) where a statement a row costs hundreds.

// rowsPerStatement bounds a multi-row insert: 200 rows of 15 columns stay well within both
// databases' limits on parameters.
const rowsPerStatement = 200

// insertRows inserts rows (each len(cols) values) into table, a few hundred a statement.
// The transaction it is in ends on a failure (its callers return it, and nothing else is written):
// on SQLite, saying so spares a journal of each statement's pages, kept to undo that one alone.
func (tx *Tx) insertRows(table, cols string, rows [][]any) error {
	_, err := tx.insertEach(table, cols, rows, "", nil)
	return err
}

// insertEach inserts rows as insertRows does, with a clause after each statement (ON CONFLICT …
// DO NOTHING RETURNING …) whose rows each reads.
func (tx *Tx) insertEach(table, cols string, rows [][]any, after string, each func(scanner) error) (int, error) {
	insert := `INSERT INTO `
	if tx.s.dialect == SQLite {
		insert = `INSERT OR ROLLBACK INTO `
	}
	n, returned := len(strings.Split(cols, ",")), 0
	for from := 0; from < len(rows); from += rowsPerStatement {
		chunk := rows[from:min(from+rowsPerStatement, len(rows))]
		marks, args := make([]string, len(chunk)), make([]any, 0, n*len(chunk))
		row := "(" + strings.Repeat("?, ", n-1) + "?)" // SQLite looks each $N up in a list: 3,000 of them cost it n²
		for i, r := range chunk {
			if tx.s.dialect == Postgres {
				row = "(" + placeholders(len(args)+1, n) + ")"
			}
			marks[i] = row
			args = append(args, r...)
		}
		q := insert + table + ` (` + cols + `) VALUES ` + strings.Join(marks, ", ") + after
		var err error
		if each == nil {
			err = tx.batchExec(q, args...)
		} else {
			var k int
			k, err = tx.eachRow(q, args, each)
			returned += k
		}
		if isUniqueViolation(err) {
			return returned, waymark.Errorf(waymark.ECONFLICT, "A row of %s being written already exists.", strings.ReplaceAll(table, "_", " "))
		}
		if err != nil {
			return returned, fmt.Errorf("insert %s: %w", table, err)
		}
	}
	return returned, nil
}

// eachRow runs a query, handing each row to each; it says how many there were.
func (tx *Tx) eachRow(q string, args []any, each func(scanner) error) (int, error) {
	rows, err := tx.batchQuery(q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for ; rows.Next(); n++ {
		if err := each(rows); err != nil {
			return n, err
		}
	}
	return n, rows.Err()
}

// CreateChildren inserts normalised new children, as CreateChild does each.
func (tx *Tx) CreateChildren(cs []*waymark.Child) error {
	rows := make([][]any, len(cs))
	now := tx.s.now()
	for i, c := range cs {
		c.ID = NewID()
		if c.Ref == "" {
			c.Ref = "WM-" + strings.ToUpper(c.ID[:8])
		}
		c.CreatedAt, c.UpdatedAt = now, now
		f, sealed, err := tx.childColumns(c)
		if err != nil {
			return err
		}
		lacks, err := tx.lacking(c)
		if err != nil {
			return err
		}
		rows[i] = []any{c.ID, c.OrgID, c.Ref, c.GivenNames, c.FamilyName, c.Sex, c.DateOfBirth, c.DOBEstimated, c.Nationality,
			f, sealed, searchText(c), lacks, c.CreatedAt, c.UpdatedAt}
	}
	return tx.insertRows("children", `id, org_id, ref, given_names, family_name, sex, date_of_birth, dob_estimated, nationality,
		facts, sealed, search, missing, created_at, updated_at`, rows)
}

// CreateEncounters inserts encounters, as CreateEncounter does each.
func (tx *Tx) CreateEncounters(es []*waymark.Encounter) error {
	rows := make([][]any, len(es))
	now := tx.s.now()
	for i, e := range es {
		e.ID = NewID()
		rows[i] = tx.s.encounterValues(e, now)
	}
	return tx.insertRows("encounters", `id, child_id, org_id, kind, at, place, agency, circumstances, accompanying_adults,
		recorded_by, created_at`, rows)
}

// AuditAll appends entries to the chain, as Audit does each, a few hundred a statement.
func (tx *Tx) AuditAll(es []*audit.Entry) error {
	if len(es) == 0 {
		return nil
	}
	if err := tx.takeHead(); err != nil {
		return err
	}
	rows := make([][]any, len(es))
	for i, e := range es {
		tx.head.chain(e, tx.s.now(), tx.s.auditKey)
		rows[i] = auditValues(e)
	}
	for _, e := range es {
		tx.childChanged = tx.childChanged || childChange(e)
	}
	return tx.insertRows("audit", auditColumns, rows)
}

// byRefs is the statement that finds the organisation's ($1) children by the references given
// (and cond): each reference looked up in the (organisation, reference) index, which a planner
// without statistics would pass over for a covering index of every child of the organisation.
func byRefs(refs []string, cond string) (string, []any) {
	marks, args := make([]string, len(refs)), make([]any, len(refs))
	for i, r := range refs {
		marks[i], args[i] = fmt.Sprintf("($%d)", i+2), r
	}
	return `SELECT c.ref, c.id FROM (VALUES ` + strings.Join(marks, ", ") + `) AS v JOIN children c ON c.org_id = $1 AND c.ref = v.column1` + cond, args
}

// RefsOf returns the ids of the organisation's children with the references given, by reference.
func (tx *Tx) RefsOf(orgID string, refs []string) (map[string]string, error) {
	out := map[string]string{}
	for from := 0; from < len(refs); from += rowsPerStatement * 5 {
		q, args := byRefs(refs[from:min(from+rowsPerStatement*5, len(refs))], "")
		rows, err := tx.batchQuery(q, append([]any{orgID}, args...)...)
		if err != nil {
			return nil, fmt.Errorf("look up references: %w", err)
		}
		for rows.Next() {
			var ref, id string
			if err := rows.Scan(&ref, &id); err != nil {
				rows.Close()
				return nil, err
			}
			out[ref] = id
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
