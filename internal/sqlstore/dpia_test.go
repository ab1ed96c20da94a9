package sqlstore_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// docs/dpia.md says what every column holds and how it is kept, and what a child's plain and
// sealed facts hold: a column or a fact added without saying so fails here.
func TestDPIAListsEveryColumn(t *testing.T) {
	doc, err := os.ReadFile("../../docs/dpia.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\|(.*)$").FindAllStringSubmatch(string(doc), -1) {
		rows[m[1]] = m[2]
	}
	s := storetest.Open(t, sqlstore.SQLite)
	tables, err := s.DB().Query(`SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid`)
	if err != nil {
		t.Fatal(err)
	}
	defer tables.Close()
	seen := map[string]bool{}
	for tables.Next() {
		var table, column string
		if err := tables.Scan(&table, &column); err != nil {
			t.Fatal(err)
		}
		seen[table] = true
		row, ok := rows[table]
		if !ok {
			t.Errorf("docs/dpia.md has no row for the table %s", table)
			continue
		}
		if !strings.Contains(row, "`"+column+"`") {
			t.Errorf("docs/dpia.md does not say what %s.%s holds", table, column)
		}
	}
	for table := range rows {
		if !seen[table] {
			t.Errorf("docs/dpia.md names a table %s the schema does not have", table)
		}
	}
	plain, sealed := sqlstore.FactFields()
	for part, fields := range map[string][]string{"plain facts": plain, "sealed facts": sealed} {
		para := string(doc)[strings.Index(string(doc), "**"+part+"**"):]
		para = para[:strings.Index(para, "\n\n")]
		for _, f := range fields {
			if !strings.Contains(para, "`"+f+"`") {
				t.Errorf("docs/dpia.md's %s do not name %s", part, f)
			}
		}
	}
}
