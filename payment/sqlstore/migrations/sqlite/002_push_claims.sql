CREATE TABLE payment_push_claims (
	request_id TEXT PRIMARY KEY,
	event_id TEXT NOT NULL,
	status TEXT NOT NULL,
	amount INTEGER NOT NULL,
	currency TEXT NOT NULL,
	at INTEGER NOT NULL
);
