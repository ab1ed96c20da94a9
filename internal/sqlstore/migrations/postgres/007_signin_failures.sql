-- Failed sign-ins are counted per account and client address, and per account across all
-- addresses, by the digest of the e-mail address typed: an unknown address is counted, locked and
-- answered exactly like a known one, and the guesses are not kept readable. addr '' is the
-- account's count from everywhere. Each failure is one atomic upsert, so parallel guesses all count.
CREATE TABLE signin_failures (
    account      TEXT NOT NULL,
    addr         TEXT NOT NULL,
    failed       INTEGER NOT NULL,
    locked_until TIMESTAMPTZ,
    last_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account, addr)
);
CREATE INDEX signin_failures_last ON signin_failures(last_at);

ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
