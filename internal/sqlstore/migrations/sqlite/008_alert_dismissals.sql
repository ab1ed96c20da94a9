-- Marking an alert done hides it from the marker's organisation only: a police force done with a
-- missing-child alert must not clear it for the council looking after the child. An alert clears
-- for everyone only when its cause is resolved (alerts.cleared_at).
CREATE TABLE alert_dismissals (
    alert_id TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    org_id   TEXT NOT NULL,
    by_name  TEXT NOT NULL,
    at       TIMESTAMP NOT NULL,
    PRIMARY KEY (alert_id, org_id)
);
