package main

import (
	"context"
	"errors"
	"time"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/saml"
)

// Login refusals are portal-wide (a citizen logs in before choosing a
// municipality): the login handler counts every refused BundID response
// by reason in the shared database, so the operator page shows the sum
// over all portal instances, and in the Prometheus counter
// saarportal_login_refusals_total{reason}. A reason is a fixed label,
// never the error text, a request ID or anything of the citizen.

// refusalsSchema is the portal's refusal counter table.
const refusalsSchema = `CREATE TABLE IF NOT EXISTS saarportal_login_refusals (
	reason  TEXT PRIMARY KEY,
	n       BIGINT NOT NULL,
	last_at TEXT NOT NULL
)`

// Refusal reasons, in the order the operator page shows them.
var refusalReasons = []struct {
	reason string
	err    error
}{
	{"level", saml.ErrLevel},                  // level of assurance below the requested one
	{"status", saml.ErrStatus},                // the BundID answered with a non-success SAML status
	{"replay", saml.ErrReplay},                // an assertion ID already accepted
	{"unknown_request", saml.ErrInResponseTo}, // a response to no pending (or an already used) request
	{"expired", saml.ErrExpired},
	{"not_yet_valid", saml.ErrNotYetValid},
	{"signature", saml.ErrSignature},
	{"decryption", saml.ErrDecryption},
	{"issuer", saml.ErrIssuer},
	{"audience", saml.ErrAudience},
	{"destination", saml.ErrDestination},
	{"recipient", saml.ErrRecipient},
	{"subject", saml.ErrSubject},
	{"attribute", saml.ErrAttribute},
	{"binding", saml.ErrBinding},
	{"malformed", saml.ErrMalformed},
	{"too_large", saml.ErrLimit},
}

// refusalReason maps a refused login to its reason label; a failure to
// start the session after an accepted response is "session", anything
// else "other".
func refusalReason(err error) string {
	for _, r := range refusalReasons {
		if errors.Is(err, r.err) {
			return r.reason
		}
	}
	if errors.Is(err, account.ErrInvalidIdentity) || errors.Is(err, account.ErrSessionStoreFull) {
		return "session"
	}
	return "other"
}

// refused counts a refused login.
func (p *Portal) refused(ctx context.Context, err error) {
	reason := refusalReason(err)
	p.metrics.loginRefused(ctx, reason)
	if _, derr := p.db.ExecContext(context.WithoutCancel(ctx), `INSERT INTO saarportal_login_refusals (reason, n, last_at) VALUES (?, 1, ?)
		ON CONFLICT (reason) DO UPDATE SET n = saarportal_login_refusals.n + 1, last_at = excluded.last_at`,
		reason, time.Now().UTC().Format(time.RFC3339)); derr != nil {
		p.log.Warn("count login refusal", "reason", reason, "err", derr)
	}
}

// Refusal is the count of one refusal reason.
type Refusal struct {
	Reason string
	N      int64
	LastAt string
}

// LoginRefusals returns the portal-wide refusal counts, largest first.
func (p *Portal) LoginRefusals(ctx context.Context) ([]Refusal, error) {
	rows, err := p.db.QueryContext(ctx, `SELECT reason, n, last_at FROM saarportal_login_refusals ORDER BY n DESC, reason`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Refusal
	for rows.Next() {
		var r Refusal
		if err := rows.Scan(&r.Reason, &r.N, &r.LastAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
