-- A missing child's alert stays until the child is found; whoever it is addressed to acknowledges
-- it (who, when, what they have done: sealed), and it stays on the board. The latest
-- acknowledgement of each organisation is kept.
CREATE TABLE alert_acks (
    alert_id TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    org_id   TEXT NOT NULL,
    by_name  TEXT NOT NULL,
    note     TEXT NOT NULL,
    at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (alert_id, org_id)
);
