-- fitconnect receive log: one row per received submission, written
-- "processing" before the handler runs and updated with the outcome.
-- Portable between SQLite and PostgreSQL; times are Unix microseconds.
CREATE TABLE fitconnect_receipts (
    submission_id  TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL,
    destination_id TEXT NOT NULL,
    state          TEXT NOT NULL,
    outcome        TEXT NOT NULL,
    updated_at     BIGINT NOT NULL
);
