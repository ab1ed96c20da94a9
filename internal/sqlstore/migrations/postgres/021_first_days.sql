-- The first 72 hours. Safety plans are kept as sealed versions (sqlstore/versions.go). A strategy
-- discussion is opened by what calls for one (due within a working day) and filled in when held;
-- at most one waits per child. Its attendees, what was shared and decided are sealed; its actions
-- each have an owner and a date. The NRM referral is, for now, when it was made and by whom.
CREATE TABLE safety_plans (
    id            TEXT PRIMARY KEY,
    child_id      TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    sealed        BYTEA NOT NULL,
    reviewed_by   TEXT NOT NULL,
    reviewed_at   TIMESTAMPTZ NOT NULL,
    superseded_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX safety_plans_current ON safety_plans(child_id) WHERE superseded_at IS NULL;
CREATE TABLE strategy_discussions (
    id          TEXT PRIMARY KEY,
    child_id    TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    reason      TEXT NOT NULL,
    opened_at   TIMESTAMPTZ NOT NULL,
    due_at      TIMESTAMPTZ NOT NULL,
    held_at     TIMESTAMPTZ,
    sealed      BYTEA,
    recorded_by TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX strategy_one_waiting ON strategy_discussions(child_id) WHERE held_at IS NULL;
CREATE INDEX strategy_child ON strategy_discussions(child_id);
CREATE TABLE strategy_actions (
    id            TEXT PRIMARY KEY,
    discussion_id TEXT NOT NULL REFERENCES strategy_discussions(id) ON DELETE CASCADE,
    child_id      TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    what          TEXT NOT NULL,
    owner_id      TEXT NOT NULL REFERENCES users(id),
    due_on        TEXT NOT NULL,
    done_at       TIMESTAMPTZ,
    done_by       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX strategy_actions_open ON strategy_actions(due_on) WHERE done_at IS NULL;
CREATE INDEX strategy_actions_discussion ON strategy_actions(discussion_id);
CREATE TABLE nrm_referrals (
    child_id    TEXT PRIMARY KEY REFERENCES children(id) ON DELETE CASCADE,
    referred_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
