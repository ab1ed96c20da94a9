-- A second factor at sign-in: a TOTP secret per user (sealed, with the last time step used, so a
-- code works once), one-use recovery codes kept by digest, the roles each organisation requires it
-- of (by default every role but analyst), and sessions that have passed the password but not yet
-- the second step ('code') or must first set one up ('enrol'), which open nothing else.
ALTER TABLE organisations ADD COLUMN mfa_roles TEXT NOT NULL DEFAULT 'border,social_worker,manager,police,guardian,admin';
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_new TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN pending TEXT NOT NULL DEFAULT '';
CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    digest  TEXT NOT NULL,
    used_at TIMESTAMPTZ,
    PRIMARY KEY (user_id, digest)
);

-- Single sign-on with OpenID Connect, per organisation: its users' e-mail domain, the provider,
-- and Waymark's client there (the secret sealed).
CREATE TABLE org_sso (
    org_id        TEXT PRIMARY KEY REFERENCES organisations(id),
    domain        TEXT NOT NULL UNIQUE,
    issuer        TEXT NOT NULL,
    client_id     TEXT NOT NULL,
    client_secret TEXT NOT NULL
);
