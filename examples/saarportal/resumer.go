package main

import (
	"context"
	"errors"
	"time"
)

// The portal's own table, in the shared database beside the package
// stores. Every row carries its tenant (ars). lease_until and next_at are
// Unix milliseconds of the instances' clocks (one host or NTP-synchronised
// hosts; the lease is seconds, far above their skew).
const appColumns = `
	id            TEXT PRIMARY KEY,
	ars           TEXT NOT NULL,
	leika         TEXT NOT NULL,
	subject       TEXT NOT NULL,
	status        TEXT NOT NULL,
	email         TEXT NOT NULL,
	destination   TEXT NOT NULL,
	schema_uri    TEXT NOT NULL,
	message_uuid  TEXT NOT NULL,
	payment_key   TEXT NOT NULL,
	kassenzeichen TEXT NOT NULL,
	submission_id TEXT NOT NULL DEFAULT '',
	case_id       TEXT NOT NULL DEFAULT '',
	tags          TEXT NOT NULL DEFAULT '',
	receipt_at    TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	lease_owner   TEXT NOT NULL DEFAULT '',
	lease_until   BIGINT NOT NULL DEFAULT 0,
	next_at       BIGINT NOT NULL DEFAULT 0,
	attempts      INTEGER NOT NULL DEFAULT 0,`

const (
	schemaSQLite = `CREATE TABLE IF NOT EXISTS saarportal_applications (` + appColumns + `
	message BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS saarportal_applications_due ON saarportal_applications (status, next_at);`
	schemaPostgres = `CREATE TABLE IF NOT EXISTS saarportal_applications (` + appColumns + `
	message BYTEA NOT NULL);
CREATE INDEX IF NOT EXISTS saarportal_applications_due ON saarportal_applications (status, next_at);`
)

// resumeBatch is how many applications one resumer pass claims.
const resumeBatch = 16

// claimDue takes the leases of up to resumeBatch active applications whose
// next look is due and whose lease is free or expired. On PostgreSQL the
// rows are locked with SKIP LOCKED, so concurrent instances take
// different rows; the outer condition on lease_until re-checks each row,
// so no row is ever claimed twice.
func (p *Portal) claimDue(ctx context.Context, owner string) ([]string, error) {
	lock := ""
	if p.db.pool != nil {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	now := nowMS()
	args := append([]any{owner, now + p.cfg.Ha.Lease.Milliseconds()}, active...)
	args = append(args, now, now, resumeBatch, now)
	rows, err := p.db.QueryContext(ctx, `UPDATE saarportal_applications SET lease_owner = ?, lease_until = ?
		WHERE id IN (SELECT id FROM saarportal_applications WHERE status IN (?,?,?,?) AND next_at <= ? AND lease_until < ?
			ORDER BY next_at LIMIT ?`+lock+`) AND lease_until < ?
		RETURNING id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// resume runs until ctx ends: every ResumeEvery it claims the due
// applications of any instance — one that crashed mid-step, a citizen who
// paid and never came back, a submission waiting for its receipt — and
// moves each on as far as it can. Every instance runs one.
func (p *Portal) resume(ctx context.Context) {
	t := time.NewTicker(p.cfg.Ha.ResumeEvery)
	defer t.Stop()
	for {
		if _, err := p.ResumeOnce(ctx); err != nil && ctx.Err() == nil {
			p.log.Warn("resume", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ResumeOnce does one resumer pass and returns how many applications it
// worked on.
func (p *Portal) ResumeOnce(ctx context.Context) (int, error) {
	owner := p.newOwner()
	ids, err := p.claimDue(ctx, owner)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		a, rt, err := p.loadApp(ctx, id)
		if err != nil {
			p.log.Warn("resume: load", "application", id, "err", err)
			continue
		}
		next, err := p.advance(ctx, rt, a, owner)
		p.release(ctx, a, owner, next)
		if err != nil && !errors.Is(err, ErrNotPaid) && !errors.Is(err, errLeaseLost) && ctx.Err() == nil {
			p.log.Warn("resume: step failed", "application", id, "status", a.Status, "err", err)
		}
	}
	return len(ids), nil
}
