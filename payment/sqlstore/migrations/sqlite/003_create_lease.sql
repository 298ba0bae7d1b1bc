ALTER TABLE payment_transactions ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_transactions ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
