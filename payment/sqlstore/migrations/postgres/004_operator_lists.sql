CREATE INDEX payment_anomalies_at ON payment_anomalies (at, request_id, seq);
CREATE INDEX payment_transactions_created ON payment_transactions (created_at, request_id);
