CREATE TABLE ozg_account_saml_requests (
	relay_key  TEXT PRIMARY KEY,
	data       TEXT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX ozg_account_saml_requests_expires ON ozg_account_saml_requests (expires_at);
CREATE TABLE ozg_account_saml_assertions (
	issuer       TEXT NOT NULL,
	assertion_id TEXT NOT NULL,
	expires_at   BIGINT NOT NULL,
	PRIMARY KEY (issuer, assertion_id)
);
CREATE INDEX ozg_account_saml_assertions_expires ON ozg_account_saml_assertions (expires_at);
