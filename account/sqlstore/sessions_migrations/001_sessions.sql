CREATE TABLE ozg_account_sessions (
	session_key TEXT PRIMARY KEY,
	issuer      TEXT NOT NULL,
	subject     TEXT NOT NULL,
	provider_sid TEXT NOT NULL,
	level       INTEGER NOT NULL,
	created_at  BIGINT NOT NULL,
	last_seen   BIGINT NOT NULL,
	expires_at  BIGINT NOT NULL,
	data        TEXT NOT NULL
);
CREATE INDEX ozg_account_sessions_subject ON ozg_account_sessions (issuer, subject);
CREATE INDEX ozg_account_sessions_sid ON ozg_account_sessions (issuer, provider_sid);
CREATE INDEX ozg_account_sessions_expires ON ozg_account_sessions (expires_at);
