-- A record sent again with the same Idempotency-Key (an offline device resending, a client retrying
-- after a lost answer) is the record already made: the key, per organisation and user, names it,
-- with a hash of what was sent, so that the key reused for something else is refused.
CREATE TABLE idempotency_keys (
    org_id     TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    key        TEXT NOT NULL,
    hash       TEXT NOT NULL,
    child_id   TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, user_id, key)
);
