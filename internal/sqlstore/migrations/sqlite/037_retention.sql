-- How long an organisation keeps each kind of record, where it departs from the defaults
-- (waymark.RetentionRules): the years, counted from the kind's own starting point.
CREATE TABLE retention_rules (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    kind   TEXT NOT NULL,
    years  INTEGER NOT NULL,
    PRIMARY KEY (org_id, kind)
);
