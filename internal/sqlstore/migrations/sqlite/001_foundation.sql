CREATE TABLE organisations (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations(id),
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TIMESTAMP,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    digest       TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    addr         TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    digest       TEXT NOT NULL UNIQUE,
    org_id       TEXT NOT NULL REFERENCES organisations(id),
    role         TEXT NOT NULL,
    name         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP
);

CREATE TABLE children (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations(id),
    ref           TEXT NOT NULL,
    given_names   TEXT NOT NULL,
    family_name   TEXT NOT NULL,
    sex           TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    dob_estimated BOOLEAN NOT NULL,
    nationality   TEXT NOT NULL,
    facts         TEXT NOT NULL,
    sealed        BLOB NOT NULL,
    search        TEXT NOT NULL,
    missing       TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (org_id, ref)
);
CREATE INDEX children_org_updated ON children(org_id, updated_at);

CREATE TABLE child_assignments (
    child_id TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (child_id, user_id)
);

CREATE TABLE encounters (
    id                  TEXT PRIMARY KEY,
    child_id            TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    org_id              TEXT NOT NULL REFERENCES organisations(id),
    kind                TEXT NOT NULL,
    at                  TIMESTAMP NOT NULL,
    place               TEXT NOT NULL,
    agency              TEXT NOT NULL,
    circumstances       TEXT NOT NULL,
    accompanying_adults TEXT NOT NULL,
    recorded_by         TEXT NOT NULL,
    created_at          TIMESTAMP NOT NULL
);
CREATE INDEX encounters_child ON encounters(child_id, at);

CREATE TABLE photos (
    id           TEXT PRIMARY KEY,
    child_id     TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    image        BLOB NOT NULL,
    thumbnail    BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX photos_child ON photos(child_id, created_at);

CREATE TABLE audit (
    seq         INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    user_id     TEXT NOT NULL,
    token_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    org_id      TEXT NOT NULL,
    action      TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    record_org  TEXT NOT NULL,
    addr        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_org_at ON audit(org_id, at);
CREATE INDEX audit_record ON audit(record_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
