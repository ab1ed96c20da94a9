-- The NRM referral grows its decisions: the reference and competent authority, reasonable and
-- conclusive grounds (outcome and date), a reconsideration, that the child was told, the ICTG
-- referral made alongside it, and the first responder's organisation.
ALTER TABLE nrm_referrals ADD COLUMN reference TEXT NOT NULL DEFAULT '';
ALTER TABLE nrm_referrals ADD COLUMN authority TEXT NOT NULL DEFAULT '';
ALTER TABLE nrm_referrals ADD COLUMN child_told BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE nrm_referrals ADD COLUMN rg_outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE nrm_referrals ADD COLUMN rg_date TEXT NOT NULL DEFAULT '';
ALTER TABLE nrm_referrals ADD COLUMN cg_outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE nrm_referrals ADD COLUMN cg_date TEXT NOT NULL DEFAULT '';
ALTER TABLE nrm_referrals ADD COLUMN reconsideration_asked TEXT NOT NULL DEFAULT '';
ALTER TABLE nrm_referrals ADD COLUMN reconsideration_outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE nrm_referrals ADD COLUMN ictg_referred_on TEXT NOT NULL DEFAULT '';
ALTER TABLE nrm_referrals ADD COLUMN ictg_service TEXT NOT NULL DEFAULT '';
ALTER TABLE nrm_referrals ADD COLUMN responder_org TEXT NOT NULL DEFAULT '';
