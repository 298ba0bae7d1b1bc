package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/egosaar/ozg/signature/jose"
)

// AuditRecord is what the audit Security Event Token (RFC 8417) of a
// status change states: jti = EventID, sub = "application:" +
// ApplicationID, txn = "case:" + ApplicationID, events = {EventURI:
// Payload}.
//
// The subject is the application (Antrag) the status belongs to. This
// deviates from the FIT-Connect SET profile (docs.fitko.de, "Aufbau eines
// Security-Event-Tokens"), whose sub is "submission:<submissionId>": a
// status change is about an application, which need not have come in
// through FIT-Connect at all, so its ID is used under the prefix
// "application:". txn follows FIT-Connect ("case:<caseId>"), with the
// application ID as the case.
type AuditRecord struct {
	EventID       EventID
	ApplicationID string
	IssuedAt      time.Time
	// EventURI keys the SET events claim:
	// "https://schema.egosaar.de/ozg/notify/events/" + Event.Type.
	EventURI string
	// Payload is the event claim body: type, transition, status or
	// payment status, occurred_at. It never holds message texts or
	// recipients.
	Payload map[string]any
}

// AuditSigner signs an audit record as a compact JWS SET (typ
// secevent+jwt). NewSETAuditSigner adapts signature/jose's SETSigner.
type AuditSigner interface {
	SignAudit(ctx context.Context, rec AuditRecord) (string, error)
}

// AuditSubjectPrefix prefixes the application ID in the sub claim of
// audit SETs (see AuditRecord for the deviation from FIT-Connect).
const AuditSubjectPrefix = "application:"

// AuditEventURIPrefix prefixes the event URI in audit SETs.
const AuditEventURIPrefix = "https://schema.egosaar.de/ozg/notify/events/"

func auditRecord(ev Event, now time.Time) AuditRecord {
	p := map[string]any{
		"type":        ev.Type,
		"transition":  ev.Transition,
		"occurred_at": ev.OccurredAt.Format(time.RFC3339Nano),
	}
	if ev.Status != "" {
		p["status"] = string(ev.Status)
	}
	if ev.Payment != nil {
		p["payment_status"] = string(ev.Payment.Status)
	}
	return AuditRecord{EventID: ev.ID, ApplicationID: ev.ApplicationID, IssuedAt: now.UTC(),
		EventURI: AuditEventURIPrefix + ev.Type, Payload: p}
}

func (c *Client[TTx]) auditTx(ctx context.Context, tx TTx, ev Event) error {
	rec := auditRecord(ev, c.cfg.Now())
	tok, err := c.cfg.Audit.SignAudit(ctx, rec)
	if err != nil {
		return fmt.Errorf("notify: sign audit record: %w", err)
	}
	q := c.store.d.Rebind(`INSERT INTO notify_audit (event_id, tenant, application_id, created_at, token) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (event_id) DO NOTHING`)
	if err := c.tx.exec(ctx, tx, q, string(ev.ID), ev.Tenant, ev.ApplicationID, micros(rec.IssuedAt), tok); err != nil {
		return fmt.Errorf("notify: store audit record: %w", err)
	}
	return nil
}

// AuditToken returns the stored audit SET of an event in scope s (compact
// JWS); an event of another tenant is ErrNotFound.
func (c *Client[TTx]) AuditToken(ctx context.Context, s Scope, id EventID) (string, error) {
	if err := s.check("audit token", false); err != nil {
		return "", err
	}
	tc, args := s.cond()
	var tok string
	err := c.store.db.QueryRowContext(ctx, c.store.d.Rebind(`SELECT token FROM notify_audit WHERE `+tc+` AND event_id = ?`),
		append(args, string(id))...).Scan(&tok)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("%w: no audit record for the event", ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("notify: audit token: %w", err)
	}
	return tok, nil
}

// SETAuditSigner adapts a signature/jose SETSigner (PS512 by default,
// typ secevent+jwt) to AuditSigner.
type SETAuditSigner struct {
	signer *jose.SETSigner
}

// NewSETAuditSigner returns an AuditSigner on s.
func NewSETAuditSigner(s *jose.SETSigner) *SETAuditSigner { return &SETAuditSigner{signer: s} }

// SignAudit implements AuditSigner: jti = EventID, iat = IssuedAt,
// sub = "application:" + ApplicationID, txn = "case:" + ApplicationID,
// events = {EventURI: Payload}; iss comes from the SETSigner's configured
// Issuer.
func (a *SETAuditSigner) SignAudit(_ context.Context, rec AuditRecord) (string, error) {
	set := jose.SET{
		IssuedAt:      rec.IssuedAt,
		ID:            string(rec.EventID),
		Subject:       AuditSubjectPrefix + rec.ApplicationID,
		TransactionID: "case:" + rec.ApplicationID,
	}
	if err := set.SetEvent(rec.EventURI, rec.Payload); err != nil {
		return "", err
	}
	return a.signer.Sign(set)
}
