CREATE TABLE payment_push_claims (
	request_id TEXT PRIMARY KEY,
	event_id TEXT NOT NULL,
	status TEXT NOT NULL,
	amount BIGINT NOT NULL,
	currency TEXT NOT NULL,
	at BIGINT NOT NULL
);
