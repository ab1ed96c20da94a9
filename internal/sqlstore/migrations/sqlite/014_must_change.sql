-- A password set by an admin's reset works once: its user must choose their own at sign-in.
ALTER TABLE users ADD COLUMN must_change BOOLEAN NOT NULL DEFAULT FALSE;
