-- What people decided of the engine's candidates, kept as the comparison levels alone ("name:exact",
-- "date_of_birth:estimate_compatible" …): nothing here says who was searched for or found. The
-- confirmed ones let the engine re-learn m from the deployment's own matches.
CREATE TABLE judgements (
    judged_at   TIMESTAMPTZ NOT NULL,
    confirmed   BOOLEAN NOT NULL,
    probability DOUBLE PRECISION NOT NULL,
    levels      TEXT NOT NULL
);
