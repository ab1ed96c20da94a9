-- The caseload lists an organisation's children newest first, ties (a whole import shares one
-- time) by id: with id in the index the first page is read in order, not sorted from them all.
DROP INDEX children_org_updated;
CREATE INDEX children_org_updated ON children(org_id, updated_at, id);
-- A caseload search (names, references, what is lacking) reads this narrow index, not the rows.
CREATE INDEX children_org_search ON children(org_id, search, missing, updated_at, id);
-- The coming deadlines read an organisation's birthdays in two windows from the index alone.
DROP INDEX children_org_dob;
CREATE INDEX children_org_dob ON children(org_id, date_of_birth, id, ref);
