-- Tenancy: every stored row carries the tenant key of its event ('' is the
-- default tenant of a single-tenant deployment and of rows written before
-- this migration). Queries filter by it (notify.Scope).
ALTER TABLE notify_attempts ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
ALTER TABLE notify_dead_letters ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
CREATE INDEX notify_dead_letters_tenant ON notify_dead_letters (tenant, dead_at);
-- Endpoint state (health, disabling, Retry-After hold) is per tenant and
-- endpoint: endpoint_key is "tenant/channel:ref" for a tenant and stays
-- "channel:ref" for the default tenant.
ALTER TABLE notify_endpoints ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
ALTER TABLE notify_audit ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
-- Sequences per (tenant, application): two municipalities may use the
-- same application ID.
CREATE TABLE notify_tenant_sequences (
    tenant         TEXT NOT NULL,
    application_id TEXT NOT NULL,
    seq            BIGINT NOT NULL,
    PRIMARY KEY (tenant, application_id)
);
INSERT INTO notify_tenant_sequences (tenant, application_id, seq)
    SELECT '', application_id, seq FROM notify_sequences;
DROP TABLE notify_sequences;
