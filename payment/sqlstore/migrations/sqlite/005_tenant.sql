-- Tenancy: every row belongs to a tenant ('' = the single-tenant
-- deployment, which existing rows keep). Request IDs, transaction IDs,
-- anomalies, push event IDs and claims are unique per tenant. SQLite
-- cannot change a primary key in place: the tables are rebuilt.
CREATE TABLE payment_transactions_t (
	tenant TEXT NOT NULL DEFAULT '',
	request_id TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	request_json TEXT NOT NULL,
	request_ts INTEGER NOT NULL,
	transaction_id TEXT,
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
	check_attempts INTEGER NOT NULL DEFAULT 0,
	lease_owner TEXT NOT NULL DEFAULT '',
	lease_until BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant, request_id),
	UNIQUE (tenant, transaction_id)
);
INSERT INTO payment_transactions_t (tenant, request_id, fingerprint, request_json, request_ts, transaction_id, transaction_url, pay_url,
	reference, status, status_detail, payment_method, paid_at, created_at, updated_at, expires_at, next_check_at, check_attempts,
	lease_owner, lease_until)
SELECT '', request_id, fingerprint, request_json, request_ts, transaction_id, transaction_url, pay_url,
	reference, status, status_detail, payment_method, paid_at, created_at, updated_at, expires_at, next_check_at, check_attempts,
	lease_owner, lease_until FROM payment_transactions;
DROP TABLE payment_transactions;
ALTER TABLE payment_transactions_t RENAME TO payment_transactions;
CREATE INDEX payment_transactions_due ON payment_transactions (tenant, status, next_check_at);
CREATE INDEX payment_transactions_created ON payment_transactions (tenant, created_at, request_id);
CREATE INDEX payment_transactions_created_all ON payment_transactions (created_at, tenant, request_id);

CREATE TABLE payment_anomalies_t (
	tenant TEXT NOT NULL DEFAULT '',
	request_id TEXT NOT NULL,
	seq INTEGER NOT NULL,
	kind TEXT NOT NULL,
	detail TEXT NOT NULL,
	at INTEGER NOT NULL,
	PRIMARY KEY (tenant, request_id, seq)
);
INSERT INTO payment_anomalies_t (tenant, request_id, seq, kind, detail, at)
SELECT '', request_id, seq, kind, detail, at FROM payment_anomalies;
DROP TABLE payment_anomalies;
ALTER TABLE payment_anomalies_t RENAME TO payment_anomalies;
CREATE INDEX payment_anomalies_at ON payment_anomalies (tenant, at, request_id, seq);
CREATE INDEX payment_anomalies_at_all ON payment_anomalies (at, tenant, request_id, seq);

CREATE TABLE payment_push_seen_t (
	tenant TEXT NOT NULL DEFAULT '',
	event_id TEXT NOT NULL,
	seen_at INTEGER NOT NULL,
	PRIMARY KEY (tenant, event_id)
);
INSERT INTO payment_push_seen_t (tenant, event_id, seen_at) SELECT '', event_id, seen_at FROM payment_push_seen;
DROP TABLE payment_push_seen;
ALTER TABLE payment_push_seen_t RENAME TO payment_push_seen;

CREATE TABLE payment_push_claims_t (
	tenant TEXT NOT NULL DEFAULT '',
	request_id TEXT NOT NULL,
	event_id TEXT NOT NULL,
	status TEXT NOT NULL,
	amount INTEGER NOT NULL,
	currency TEXT NOT NULL,
	at INTEGER NOT NULL,
	PRIMARY KEY (tenant, request_id)
);
INSERT INTO payment_push_claims_t (tenant, request_id, event_id, status, amount, currency, at)
SELECT '', request_id, event_id, status, amount, currency, at FROM payment_push_claims;
DROP TABLE payment_push_claims;
ALTER TABLE payment_push_claims_t RENAME TO payment_push_claims;
