CREATE TABLE payment_transactions (
	request_id TEXT PRIMARY KEY,
	fingerprint TEXT NOT NULL,
	request_json TEXT NOT NULL,
	request_ts BIGINT NOT NULL,
	transaction_id TEXT UNIQUE,
	transaction_url TEXT NOT NULL DEFAULT '',
	pay_url TEXT NOT NULL DEFAULT '',
	reference TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT '',
	status_detail TEXT NOT NULL DEFAULT '',
	payment_method TEXT NOT NULL DEFAULT '',
	paid_at BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	next_check_at BIGINT NOT NULL DEFAULT 0,
	check_attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX payment_transactions_due ON payment_transactions (status, next_check_at);
CREATE TABLE payment_anomalies (
	request_id TEXT NOT NULL,
	seq BIGINT NOT NULL,
	kind TEXT NOT NULL,
	detail TEXT NOT NULL,
	at BIGINT NOT NULL,
	PRIMARY KEY (request_id, seq)
);
CREATE TABLE payment_push_seen (
	event_id TEXT PRIMARY KEY,
	seen_at BIGINT NOT NULL
);
