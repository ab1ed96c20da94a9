-- The alert sweep runs every 30 seconds: at a million children it must read ranges, not tables.
CREATE INDEX children_dob ON children(date_of_birth);
CREATE INDEX children_created ON children(created_at);
CREATE INDEX alerts_due ON alerts(due_at);
CREATE INDEX alerts_uncleared ON alerts(kind, subject) WHERE cleared_at IS NULL;
