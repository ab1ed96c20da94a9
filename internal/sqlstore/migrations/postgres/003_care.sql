-- The care journey: placements, screenings, missing episodes, and the alerts their deadlines raise.
CREATE TABLE placements (
    id            TEXT PRIMARY KEY,
    child_id      TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    org_id        TEXT NOT NULL REFERENCES organisations(id),
    type          TEXT NOT NULL,
    provider      TEXT NOT NULL,
    address       TEXT NOT NULL,
    police_org_id TEXT NOT NULL,
    start_at      TIMESTAMPTZ NOT NULL,
    end_at        TIMESTAMPTZ,
    end_reason    TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX placements_child ON placements(child_id, start_at);
CREATE INDEX placements_open ON placements(type, end_at);

CREATE TABLE screenings (
    id           TEXT PRIMARY KEY,
    child_id     TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    org_id       TEXT NOT NULL REFERENCES organisations(id),
    date         TIMESTAMPTZ NOT NULL,
    outcome      TEXT NOT NULL,
    exploitation TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX screenings_child ON screenings(child_id, date);

CREATE TABLE missing_episodes (
    id              TEXT PRIMARY KEY,
    child_id        TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    org_id          TEXT NOT NULL REFERENCES organisations(id),
    kind            TEXT NOT NULL,
    last_seen_at    TIMESTAMPTZ NOT NULL,
    last_seen_place TEXT NOT NULL,
    last_seen_with  TEXT NOT NULL,
    clothing        TEXT NOT NULL,
    circumstances   TEXT NOT NULL,
    reported_at     TIMESTAMPTZ NOT NULL,
    police_ref      TEXT NOT NULL,
    police_org_id   TEXT NOT NULL,
    risk            TEXT NOT NULL,
    risk_factors    TEXT NOT NULL,
    placement_type  TEXT NOT NULL,
    found_at        TIMESTAMPTZ,
    found_place     TEXT NOT NULL,
    found_by        TEXT NOT NULL,
    found_where     TEXT NOT NULL,
    found_detail    TEXT NOT NULL,
    returned_at     TIMESTAMPTZ,
    interview_at    TIMESTAMPTZ,
    interview_by    TEXT NOT NULL,
    declined        BOOLEAN NOT NULL,
    history         TEXT NOT NULL,
    recorded_by     TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX missing_child ON missing_episodes(child_id, last_seen_at);
CREATE INDEX missing_open ON missing_episodes(found_at, returned_at);

CREATE TABLE alerts (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    child_id      TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    org_id        TEXT NOT NULL,
    police_org_id TEXT NOT NULL,
    due_at        TIMESTAMPTZ NOT NULL,
    raised_at     TIMESTAMPTZ NOT NULL,
    cleared_at    TIMESTAMPTZ,
    cleared_by    TEXT NOT NULL,
    UNIQUE (kind, subject)
);
CREATE INDEX alerts_open ON alerts(org_id, cleared_at);
CREATE INDEX alerts_child ON alerts(child_id);

-- Where an organisation wants its alerts sent besides the app: e-mail or a signed webhook.
CREATE TABLE channels (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organisations(id),
    kind       TEXT NOT NULL,
    target     TEXT NOT NULL,
    secret     BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE deliveries (
    id           TEXT PRIMARY KEY,
    alert_id     TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    channel_id   TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    attempts     INTEGER NOT NULL,
    next_at      TIMESTAMPTZ NOT NULL,
    delivered_at TIMESTAMPTZ,
    last_error   TEXT NOT NULL,
    UNIQUE (alert_id, channel_id)
);
CREATE INDEX deliveries_due ON deliveries(delivered_at, next_at);
