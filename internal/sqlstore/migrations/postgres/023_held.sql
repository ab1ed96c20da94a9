-- What a user sent that could not be saved yet, kept sealed for a short while: a form posted after
-- the session had ended (kind 'request'), waiting for the same user to sign in again, and a photo
-- taken on a form sent back for correction (kind 'photo'). id is the digest of the token the
-- browser holds, never the token itself; rows past expires_at are swept.
CREATE TABLE held (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    sealed     BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX held_user ON held(user_id, kind, created_at);
