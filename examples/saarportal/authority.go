package main

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/xmldsig"
	"github.com/egosaar/ozg/xoev"
)

// authority is the receiving side of one tenant, simulated in-process
// for the demo: the municipality's Fachverfahren fetches the submissions
// of each of its destinations (one per service, each with its own
// subscriber client and keys), verifies the XÖV message's signature against exactly its
// own tenant's pinned certificate, checks that the message is addressed
// to it (leser) and accepts exactly once (fitconnect.Client.Process).
// A message of another tenant fails the signature check and is rejected.
type authority struct {
	tenant   *Tenant
	inboxes  []inbox
	db       *sql.DB
	store    *fitconnect.Store
	verifier *xmldsig.Verifier
	parser   *xoev.Parser

	mu       sync.Mutex
	received []string // application IDs (SenderReference) accepted
}

// inbox is one destination of the authority and its subscriber client.
type inbox struct {
	dest   string
	client *fitconnect.Client
}

func newAuthority(ctx context.Context, dir string, t *Tenant, subscribers map[string]fitconnect.Config, signer *signature.TrustStore) (*authority, error) {
	var inboxes []inbox
	for dest, cfg := range subscribers {
		c, err := fitconnect.New(cfg)
		if err != nil {
			return nil, err
		}
		inboxes = append(inboxes, inbox{dest: dest, client: c})
	}
	// The authority's own database: it is another organisation's system.
	db, err := database.OpenSQLite(ctx, filepath.Join(dir, "behoerde-"+t.Slug+".db"))
	if err != nil {
		return nil, err
	}
	store, err := fitconnect.NewSQLite(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	v, err := xmldsig.NewVerifier(xmldsig.VerifierConfig{Trust: signer})
	if err != nil {
		db.Close()
		return nil, err
	}
	parser, err := xoev.New(xoev.Config{MaxBytes: 1 << 20})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &authority{tenant: t, inboxes: inboxes, db: db, store: store, verifier: v, parser: parser}, nil
}

// poll processes every submission waiting at the authority's
// destinations.
func (a *authority) poll(ctx context.Context) (int, error) {
	n := 0
	for _, in := range a.inboxes {
		page, err := in.client.ListSubmissions(ctx, in.dest, 0, 100)
		if err != nil {
			return n, err
		}
		for _, ref := range page.Submissions {
			out, err := in.client.Process(ctx, a.store, ref, a.handle)
			if err != nil {
				return n, err
			}
			if out == fitconnect.Accepted {
				n++
			}
		}
	}
	return n, nil
}

var errNotForUs = errors.New("authority: message not addressed to this authority")

// handle checks one submission. Every content failure is a
// fitconnect.SubmissionError, so Process rejects the submission with its
// problem; a plain error would leave it at the destination, offered again
// on every poll.
func (a *authority) handle(ctx context.Context, s *fitconnect.ReceivedSubmission) error {
	res, err := a.verifier.Verify(ctx, s.Data)
	if err != nil {
		return fitconnect.NewProblem(fitconnect.ProblemInvalidSignature, "data", "XML-Signatur ungültig", err)
	}
	doc := etree.NewDocument()
	doc.SetRoot(res.Element)
	content, err := doc.WriteToBytes()
	if err != nil {
		return err
	}
	msg, err := a.parser.Parse(ctx, content)
	if err != nil {
		return fitconnect.NewProblem(fitconnect.ProblemSchemaViolation, "data", "Nachrichtenkopf verletzt die XÖV-Regeln", err)
	}
	if msg.Kopf.Leser.Kennung != a.tenant.Authority.Kennung {
		return fitconnect.NewProblem(fitconnect.ProblemServiceMismatch, "data", "Nachricht ist an eine andere Behörde adressiert", errNotForUs)
	}
	ref := ""
	if md := s.Metadata; md != nil && md.AdditionalReferenceInfo != nil {
		ref = md.AdditionalReferenceInfo.SenderReference
	}
	a.mu.Lock()
	a.received = append(a.received, ref)
	a.mu.Unlock()
	return nil
}

// Received returns the application IDs this authority accepted.
func (a *authority) Received() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.received...)
}

func (a *authority) close() { _ = a.db.Close() }
