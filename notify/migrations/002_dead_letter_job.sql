-- Dead letters remember the river job they came from, so each job is
-- dead-lettered at most once (also by the reconciliation of jobs river
-- discarded, see reconcile.go), and when OnExhausted was called for them.
ALTER TABLE notify_dead_letters ADD COLUMN job_id BIGINT;
ALTER TABLE notify_dead_letters ADD COLUMN notified_at BIGINT;
UPDATE notify_dead_letters SET notified_at = dead_at;
CREATE UNIQUE INDEX notify_dead_letters_job ON notify_dead_letters (job_id);
CREATE INDEX notify_dead_letters_unnotified ON notify_dead_letters (dead_at) WHERE notified_at IS NULL;
