package sqlstore

import (
	"fmt"
	"reflect"
	"strings"
)

// AuditCommits counts the transactions SQLite's audit writer has committed.
func AuditCommits(s *Store) int64 { return s.writer.commits.Load() }

// Busy is busy, for its test.
var Busy = busy

// Exec runs statements as they are, to set a database back to an older schema.
func Exec(s *Store, statements ...string) error {
	for _, q := range statements {
		if _, err := s.db.Exec(q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// ByRefs is byRefs, for its test.
var ByRefs = byRefs

// FactFields are the JSON names of a child's plain and sealed facts.
func FactFields() (plain, sealed []string) { return jsonNames(facts{}), jsonNames(sealedFacts{}) }

func jsonNames(v any) []string {
	var names []string
	t := reflect.TypeOf(v)
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names = append(names, name)
	}
	return names
}
