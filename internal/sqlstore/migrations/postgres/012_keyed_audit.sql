-- The audit chain is keyed (HMAC) from here on. A log made before is rechained once, under the
-- key, when the store opens, if its unkeyed chain is intact; keyed says that was done.
ALTER TABLE audit_head ADD COLUMN keyed BOOLEAN NOT NULL DEFAULT FALSE;
