-- An organisation's own indicators, beside the shipped catalogue's, each with its guidance.
CREATE TABLE local_indicators (
    org_id     TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    code       TEXT NOT NULL,
    text       TEXT NOT NULL,
    why        TEXT NOT NULL,
    ask        TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, code)
);
