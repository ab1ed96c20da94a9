-- One child, one record: a record merged into another keeps its row, with merged_into naming the
-- survivor, so that its reference leads there and the merge can be undone. A merge across
-- organisations waits for the other's agreement. sealed holds what the merge changed: the
-- survivor's identity facts before it, and the rows it moved or closed.
ALTER TABLE children ADD COLUMN merged_into TEXT NOT NULL DEFAULT '';
-- The caseload shows records not merged away: its indexes hold the column, so that it still reads
-- them alone.
DROP INDEX children_org_updated;
CREATE INDEX children_org_updated ON children(org_id, merged_into, updated_at, id);
DROP INDEX children_org_dob;
CREATE INDEX children_org_dob ON children(org_id, merged_into, date_of_birth, id, ref);
-- A merge names the other record by its reference, whoever holds it.
CREATE INDEX children_ref ON children(ref);
CREATE TABLE merges (
    id             TEXT PRIMARY KEY,
    survivor_id    TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    merged_id      TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    reason         TEXT NOT NULL,
    status         TEXT NOT NULL,
    requested_by   TEXT NOT NULL,
    requested_org  TEXT NOT NULL REFERENCES organisations(id),
    other_org      TEXT NOT NULL REFERENCES organisations(id),
    requested_at   TIMESTAMPTZ NOT NULL,
    decided_by     TEXT NOT NULL DEFAULT '',
    decided_at     TIMESTAMPTZ,
    decline_reason TEXT NOT NULL DEFAULT '',
    merged_at      TIMESTAMPTZ,
    undone_by      TEXT NOT NULL DEFAULT '',
    undone_at      TIMESTAMPTZ,
    sealed         BYTEA
);
CREATE UNIQUE INDEX merges_one_waiting ON merges(merged_id) WHERE status = 'requested';
CREATE INDEX merges_requested_org ON merges(requested_org, status);
CREATE INDEX merges_other_org ON merges(other_org, status);
