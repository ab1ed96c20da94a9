-- The information-sharing agreements in force between organisations, and the disclosure log: every
-- sharing outside the discloser (a pack to a force, an export, an alert sent out, a handover, a
-- record opened by another organisation, a subject access copy) with recipient, purpose and
-- lawful basis.
CREATE TABLE sharing_agreements (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    org_ids      TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    lawful_basis TEXT NOT NULL,
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE TABLE disclosures (
    id           TEXT PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    org_id       TEXT NOT NULL,
    child_id     TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    lawful_basis TEXT NOT NULL,
    agreement_id TEXT NOT NULL DEFAULT '',
    actor        TEXT NOT NULL
);
CREATE INDEX disclosures_org ON disclosures(org_id, at);
