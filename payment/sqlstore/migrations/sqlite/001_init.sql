CREATE TABLE payment_transactions (
	request_id TEXT PRIMARY KEY,
	fingerprint TEXT NOT NULL,
	request_json TEXT NOT NULL,
	request_ts INTEGER NOT NULL,
	transaction_id TEXT UNIQUE,
	transaction_url TEXT NOT NULL DEFAULT '',
	pay_url TEXT NOT NULL DEFAULT '',
	reference TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT '',
	status_detail TEXT NOT NULL DEFAULT '',
	payment_method TEXT NOT NULL DEFAULT '',
	paid_at INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	next_check_at INTEGER NOT NULL DEFAULT 0,
	check_attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX payment_transactions_due ON payment_transactions (status, next_check_at);
CREATE TABLE payment_anomalies (
	request_id TEXT NOT NULL,
	seq INTEGER NOT NULL,
	kind TEXT NOT NULL,
	detail TEXT NOT NULL,
	at INTEGER NOT NULL,
	PRIMARY KEY (request_id, seq)
);
CREATE TABLE payment_push_seen (
	event_id TEXT PRIMARY KEY,
	seen_at INTEGER NOT NULL
);
