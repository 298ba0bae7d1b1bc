-- Status order: the per-application sequence EnqueueTx assigns, and per
-- (endpoint, application, stream) the newest sequence an attempt has
-- started with, held by that attempt's job until lease_until.
CREATE TABLE notify_sequences (
    application_id TEXT PRIMARY KEY,
    seq            BIGINT NOT NULL
);
CREATE TABLE notify_order (
    order_key   TEXT PRIMARY KEY,
    seq         BIGINT NOT NULL,
    job_id      BIGINT NOT NULL,
    lease_until BIGINT NOT NULL
);
-- Throttling: no attempt to the endpoint before this time (Retry-After of
-- a 429 or 503), shared by every instance.
ALTER TABLE notify_endpoints ADD COLUMN not_before BIGINT;
