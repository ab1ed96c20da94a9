-- The network: entities (adults, phones, addresses, vehicles, handles, premises) and the links that
-- join children to them. An entity's value and details are sealed; it is found by blind keys
-- (keyed hashes of its normalised value: a phone in E.164, a registration, an address's folded
-- text and its postcode), so the same phone recorded by two organisations is one entity.
CREATE TABLE entities (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    details     TEXT NOT NULL,
    name_key    TEXT UNIQUE,
    org_id      TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE TABLE entity_keys (
    key       TEXT NOT NULL,
    entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    PRIMARY KEY (key, entity_id)
);
CREATE TABLE links (
    id          TEXT PRIMARY KEY,
    child_id    TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    entity_id   TEXT NOT NULL REFERENCES entities(id),
    org_id      TEXT NOT NULL,
    role        TEXT NOT NULL,
    from_on     TEXT NOT NULL,
    to_on       TEXT NOT NULL,
    source      TEXT NOT NULL,
    confidence  TEXT NOT NULL,
    note        TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX links_child ON links(child_id, from_on);
CREATE INDEX links_entity ON links(entity_id, from_on);
-- A child is linked to an entity in a role from a day once: a file imported twice adds nothing.
CREATE UNIQUE INDEX links_once ON links(child_id, entity_id, role, from_on);
-- The references another system gave its entities, per organisation that imported them: importing
-- the same file again names the same entities.
CREATE TABLE entity_refs (
    org_id    TEXT NOT NULL,
    ref       TEXT NOT NULL,
    entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, ref)
);
