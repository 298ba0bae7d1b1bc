-- Tenancy: every row belongs to a tenant ('' = the single-tenant
-- deployment, which existing rows keep). Request IDs, transaction IDs,
-- anomalies, push event IDs and claims are unique per tenant.
ALTER TABLE payment_transactions ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_transactions DROP CONSTRAINT payment_transactions_pkey;
ALTER TABLE payment_transactions ADD PRIMARY KEY (tenant, request_id);
ALTER TABLE payment_transactions DROP CONSTRAINT payment_transactions_transaction_id_key;
ALTER TABLE payment_transactions ADD CONSTRAINT payment_transactions_tenant_transaction_id_key UNIQUE (tenant, transaction_id);
DROP INDEX payment_transactions_due;
CREATE INDEX payment_transactions_due ON payment_transactions (tenant, status, next_check_at);
DROP INDEX payment_transactions_created;
CREATE INDEX payment_transactions_created ON payment_transactions (tenant, created_at, request_id);
CREATE INDEX payment_transactions_created_all ON payment_transactions (created_at, tenant, request_id);

ALTER TABLE payment_anomalies ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_anomalies DROP CONSTRAINT payment_anomalies_pkey;
ALTER TABLE payment_anomalies ADD PRIMARY KEY (tenant, request_id, seq);
DROP INDEX payment_anomalies_at;
CREATE INDEX payment_anomalies_at ON payment_anomalies (tenant, at, request_id, seq);
CREATE INDEX payment_anomalies_at_all ON payment_anomalies (at, tenant, request_id, seq);

ALTER TABLE payment_push_seen ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_push_seen DROP CONSTRAINT payment_push_seen_pkey;
ALTER TABLE payment_push_seen ADD PRIMARY KEY (tenant, event_id);

ALTER TABLE payment_push_claims ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_push_claims DROP CONSTRAINT payment_push_claims_pkey;
ALTER TABLE payment_push_claims ADD PRIMARY KEY (tenant, request_id);
