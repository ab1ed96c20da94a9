-- The rules "one open missing episode per child" and "one open placement per child", backed by
-- the database: reports made at the same moment cannot both open one. (A database already holding
-- two open episodes or placements for a child must have one closed before this migration runs.)
CREATE UNIQUE INDEX missing_one_open ON missing_episodes(child_id) WHERE found_at IS NULL AND returned_at IS NULL;
CREATE UNIQUE INDEX placements_one_open ON placements(child_id) WHERE end_at IS NULL;
