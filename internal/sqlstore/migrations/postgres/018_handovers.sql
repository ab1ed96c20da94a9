-- Responsibility moves with the child: a handover (from whoever recorded the child to the council
-- responsible) or a transfer (between councils) is asked for, then accepted or declined. At most
-- one waits per child. children.org_id stays the responsible organisation; recorded_by_org_id
-- keeps who recorded the child once it has changed hands ('' until then: the same).
ALTER TABLE children ADD COLUMN recorded_by_org_id TEXT NOT NULL DEFAULT '';
CREATE TABLE handovers (
    id             TEXT PRIMARY KEY,
    child_id       TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    from_org_id    TEXT NOT NULL REFERENCES organisations(id),
    to_org_id      TEXT NOT NULL REFERENCES organisations(id),
    kind           TEXT NOT NULL,
    reason         TEXT NOT NULL,
    note           TEXT NOT NULL,
    status         TEXT NOT NULL,
    requested_by   TEXT NOT NULL,
    requested_at   TIMESTAMPTZ NOT NULL,
    decided_by     TEXT NOT NULL DEFAULT '',
    decided_at     TIMESTAMPTZ,
    decline_reason TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX handovers_one_open ON handovers(child_id) WHERE status = 'open';
CREATE INDEX handovers_to ON handovers(to_org_id, status);
CREATE INDEX handovers_from ON handovers(from_org_id, status);
CREATE INDEX handovers_child ON handovers(child_id);
