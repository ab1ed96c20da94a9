-- An organisation may turn off offline capture (records kept on a device until it has signal):
-- its users are then given no key to keep them with.
ALTER TABLE organisations ADD COLUMN offline_off BOOLEAN NOT NULL DEFAULT FALSE;
