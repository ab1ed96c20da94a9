-- The Philomena profile: part one of the protocol, kept current by the carer and social worker.
-- Each save is a review and a new version; the one before is kept, superseded. The text is sealed
-- as one JSON value bound to its row (sqlstore/versions.go).
CREATE TABLE child_profiles (
    id            TEXT PRIMARY KEY,
    child_id      TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    sealed        BYTEA NOT NULL,
    reviewed_by   TEXT NOT NULL,
    reviewed_at   TIMESTAMPTZ NOT NULL,
    superseded_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX child_profiles_current ON child_profiles(child_id) WHERE superseded_at IS NULL;
CREATE INDEX child_profiles_due ON child_profiles(reviewed_at) WHERE superseded_at IS NULL;
