-- A placement's provider (as the looked-after children return codes it), postcode and Ofsted
-- registration: the return asks for them, and supported accommodation must be registered.
ALTER TABLE placements ADD COLUMN provider_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE placements ADD COLUMN postcode TEXT NOT NULL DEFAULT '';
ALTER TABLE placements ADD COLUMN ofsted_urn TEXT NOT NULL DEFAULT '';
-- What an alert is about in words that name no one: for an unsuitable placement, the rules it breaks.
ALTER TABLE alerts ADD COLUMN detail TEXT NOT NULL DEFAULT '';
