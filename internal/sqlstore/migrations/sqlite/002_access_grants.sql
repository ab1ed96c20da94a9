-- A practitioner of another organisation may open a child's record for a stated reason, for a
-- limited time; the grant and every view under it are audited.
CREATE TABLE access_grants (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    child_id   TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    reason     TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX access_grants_child ON access_grants(child_id, expires_at);
