-- A screening ticks indicators from a versioned catalogue (internal/screening), records the child's
-- own account and the screener's judgement (both sealed), and whether an interpreter took part.
ALTER TABLE screenings ADD COLUMN indicators TEXT NOT NULL DEFAULT '';
ALTER TABLE screenings ADD COLUMN catalogue TEXT NOT NULL DEFAULT '';
ALTER TABLE screenings ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE screenings ADD COLUMN judgement TEXT NOT NULL DEFAULT '';
ALTER TABLE screenings ADD COLUMN interpreter_language TEXT NOT NULL DEFAULT '';
ALTER TABLE screenings ADD COLUMN interpreter_mode TEXT NOT NULL DEFAULT '';
