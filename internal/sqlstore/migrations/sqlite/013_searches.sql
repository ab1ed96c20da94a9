-- A search made on the identify page, kept for a day so that a verdict on one of its candidates
-- ("this is the child", "not this child") can only be given on a candidate the same person was
-- shown: the comparison levels judged are the server's, never the form's. No names are kept.
CREATE TABLE searches (
    id         TEXT PRIMARY KEY,
    actor      TEXT NOT NULL,
    org_id     TEXT NOT NULL,
    at         TIMESTAMP NOT NULL,
    candidates TEXT NOT NULL
);
CREATE INDEX searches_at ON searches(at);

-- Who judged, so that re-learning can cap what one person or one organisation contributes; one
-- judgement per candidate of a search.
ALTER TABLE judgements ADD COLUMN actor TEXT NOT NULL DEFAULT '';
ALTER TABLE judgements ADD COLUMN org_id TEXT NOT NULL DEFAULT '';
ALTER TABLE judgements ADD COLUMN search_id TEXT NOT NULL DEFAULT '';
ALTER TABLE judgements ADD COLUMN child_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX judgements_once ON judgements(search_id, child_id) WHERE search_id <> '';
