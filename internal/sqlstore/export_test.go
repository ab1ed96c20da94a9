package sqlstore

// AuditCommits counts the transactions SQLite's audit writer has committed.
func AuditCommits(s *Store) int64 { return s.writer.commits.Load() }

// Busy is busy, for its test.
var Busy = busy
