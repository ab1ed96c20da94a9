-- A value sealed with each data key the database has used: at every start the store opens them
-- all, so a missing or wrong key file is refused at once, not found out record by record.
CREATE TABLE key_checks (
    key_id INTEGER PRIMARY KEY,
    sealed BLOB NOT NULL
);
