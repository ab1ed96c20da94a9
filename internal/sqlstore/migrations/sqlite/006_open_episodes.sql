-- The alert sweep reads only the open episodes whose escalations may still be due: those whose
-- child was last seen recently. A registry with many children long missing then costs it nothing.
CREATE INDEX missing_open_seen ON missing_episodes(last_seen_at) WHERE found_at IS NULL AND returned_at IS NULL;
