-- Searches of a child's fingerprints against a national bureau (IDENT1, IABS) and their outcomes:
-- Waymark matches no prints itself. The note is sealed.
CREATE TABLE bureau_searches (
    id            TEXT PRIMARY KEY,
    child_id      TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    org_id        TEXT NOT NULL,
    bureau        TEXT NOT NULL,
    prints_ref    TEXT NOT NULL,
    asked_on      TEXT NOT NULL,
    asked_by      TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    identified_as TEXT NOT NULL,
    answered_on   TEXT NOT NULL,
    note          TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX bureau_searches_child ON bureau_searches(child_id, asked_on);
