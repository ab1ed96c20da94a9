-- The team around the child: who does what for one child (social worker, ICTG, key worker, carer,
-- police officer in the case, independent reviewing officer), from any organisation, kept when a
-- part ends. It takes over from child_assignments: a guardian assigned becomes the child's ICTG, a
-- police officer the officer in the case, anyone else the social worker. The guardian role splits
-- into ictg and key_worker; users keep their contact phone.
CREATE TABLE team_members (
    id          TEXT PRIMARY KEY,
    child_id    TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    from_date   TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    added_at    TIMESTAMP NOT NULL,
    ended_at    TIMESTAMP,
    ended_by    TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX team_members_current ON team_members(child_id, user_id) WHERE ended_at IS NULL;
CREATE INDEX team_members_user ON team_members(user_id, child_id) WHERE ended_at IS NULL;
INSERT INTO team_members (id, child_id, user_id, role, from_date, added_by, added_at)
    SELECT a.child_id || '.' || a.user_id, a.child_id, a.user_id,
        CASE u.role WHEN 'guardian' THEN 'ictg' WHEN 'police' THEN 'police_officer' ELSE 'social_worker' END,
        substr(c.created_at, 1, 10), 'assigned before teams', c.created_at
    FROM child_assignments a JOIN users u ON u.id = a.user_id JOIN children c ON c.id = a.child_id;
DROP TABLE child_assignments;
UPDATE users SET role = 'ictg' WHERE role = 'guardian';
UPDATE organisations SET mfa_roles = replace(mfa_roles, 'guardian', 'ictg,key_worker,carer');
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
