-- notify delivery log, endpoint health, dead letters and audit records.
-- Portable between SQLite and PostgreSQL; times are Unix microseconds.
CREATE TABLE notify_attempts (
    id             TEXT PRIMARY KEY,
    event_id       TEXT NOT NULL,
    application_id TEXT NOT NULL,
    channel        TEXT NOT NULL,
    target_ref     TEXT NOT NULL,
    attempt        INTEGER NOT NULL,
    started_at     BIGINT NOT NULL,
    latency_us     BIGINT NOT NULL,
    status_code    INTEGER NOT NULL,
    status_class   TEXT NOT NULL,
    outcome        TEXT NOT NULL,
    error_class    TEXT NOT NULL
);
CREATE INDEX notify_attempts_application ON notify_attempts (application_id, started_at);
CREATE INDEX notify_attempts_event ON notify_attempts (event_id);

CREATE TABLE notify_endpoints (
    endpoint_key    TEXT PRIMARY KEY,
    channel         TEXT NOT NULL,
    target_ref      TEXT NOT NULL,
    failing_since   BIGINT,
    last_success_at BIGINT,
    disabled_at     BIGINT,
    disabled_reason TEXT NOT NULL DEFAULT ''
);

CREATE TABLE notify_dead_letters (
    id             TEXT PRIMARY KEY,
    event_id       TEXT NOT NULL,
    application_id TEXT NOT NULL,
    channel        TEXT NOT NULL,
    target_ref     TEXT NOT NULL,
    reason         TEXT NOT NULL,
    error_class    TEXT NOT NULL,
    attempts       INTEGER NOT NULL,
    dead_at        BIGINT NOT NULL,
    replayed_at    BIGINT,
    args           TEXT NOT NULL
);
CREATE INDEX notify_dead_letters_application ON notify_dead_letters (application_id, dead_at);

CREATE TABLE notify_audit (
    event_id       TEXT PRIMARY KEY,
    application_id TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    token          TEXT NOT NULL
);
CREATE INDEX notify_audit_application ON notify_audit (application_id, created_at);
