-- Missing episodes as practitioners work them (DfE statutory guidance on children who run away or
-- go missing from home or care; the College of Policing's APP on missing persons).
--
-- Each review of the risk (graded again, by whom, when, why) is a row; the report is the first.
-- The next review falls due from the latest, and a review due alert names the review it follows,
-- so a newer review clears it. Long-term missing episodes are reviewed monthly.
CREATE TABLE missing_reviews (
    id         TEXT PRIMARY KEY,
    episode_id TEXT NOT NULL REFERENCES missing_episodes(id) ON DELETE CASCADE,
    child_id   TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    at         TIMESTAMP NOT NULL,
    by_name    TEXT NOT NULL,
    risk       TEXT NOT NULL,
    note       TEXT NOT NULL
);
CREATE INDEX missing_reviews_episode ON missing_reviews(episode_id, at);
INSERT INTO missing_reviews (id, episode_id, child_id, at, by_name, risk, note)
    SELECT id || '-report', id, child_id, reported_at, recorded_by, risk, '' FROM missing_episodes;
-- The return interview: offered when, accepted or declined, held when and by whom (their role, and
-- whether independent of the placement), and what was learnt (sealed). The police prevention
-- interview (safe and well check) apart. followed_by names the episode that continued this one when
-- the child went from missing to absent or back: the return counts each as its own episode.
ALTER TABLE missing_episodes ADD COLUMN interview_offered_at TIMESTAMP;
ALTER TABLE missing_episodes ADD COLUMN interview_role TEXT NOT NULL DEFAULT '';
ALTER TABLE missing_episodes ADD COLUMN interview_independent BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE missing_episodes ADD COLUMN interview_learnt TEXT NOT NULL DEFAULT '';
ALTER TABLE missing_episodes ADD COLUMN prevention_at TIMESTAMP;
ALTER TABLE missing_episodes ADD COLUMN prevention_by TEXT NOT NULL DEFAULT '';
ALTER TABLE missing_episodes ADD COLUMN prevention_note TEXT NOT NULL DEFAULT '';
ALTER TABLE missing_episodes ADD COLUMN followed_by TEXT NOT NULL DEFAULT '';
