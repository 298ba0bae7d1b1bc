package fitconnect

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/signature/jose"
)

// Event type URIs of the event log.
const (
	eventPrefix             = "https://schema.fitko.de/fit-connect/events/"
	EventCreateSubmission   = eventPrefix + "create-submission"
	EventSubmitSubmission   = eventPrefix + "submit-submission"
	EventNotifySubmission   = eventPrefix + "notify-submission"
	EventForwardSubmission  = eventPrefix + "forward-submission"
	EventRejectSubmission   = eventPrefix + "reject-submission"
	EventAcceptSubmission   = eventPrefix + "accept-submission"
	EventDeleteSubmission   = eventPrefix + "delete-submission"
	setPayloadSchema        = "https://schema.fitko.de/fit-connect/set-payload/1.2.2/set-payload.schema.json"
	zustelldienstKeysMaxAge = 10 * time.Minute
)

// Event is one verified entry of a case's event log.
type Event struct {
	// Type is the event URI, e.g. [EventAcceptSubmission].
	Type string
	// Issuer is the Zustelldienst or the destination ID.
	Issuer string
	// IssuedAt is iat.
	IssuedAt time.Time
	// AuthenticationTags of an accept or reject event.
	AuthenticationTags *AuthenticationTags
	// Problems of a reject event.
	Problems []Problem
}

// Status is the state of a sent submission as read from the event log.
type Status struct {
	// State is the furthest state the log reaches (never moved back by a
	// later entry): "submitted", "forwarded", "accepted",
	// "rejected", "deleted" or "incomplete".
	State string
	// Events are every verified event of the submission, oldest first.
	Events []Event
}

type eventPayload struct {
	AuthenticationTags *AuthenticationTags `json:"authenticationTags"`
	Problems           []Problem           `json:"problems"`
}

// Status reads the case's event log and verifies every SET (PS512, typ
// secevent+jwt, exactly one event, sub = submission:<id>, txn =
// case:<id>): Zustelldienst SETs against its JWKS, destination SETs
// against the destination's signature key (validated like the encryption
// key). An accept event must name exactly the authentication tags sent.
// Any entry that does not verify fails the call with [ErrEventLog].
func (c *Client) Status(ctx context.Context, s *SentSubmission) (_ *Status, err error) {
	ctx, op := c.startOp(ctx, opStatus, trace.SpanKindClient, "")
	defer op.End(&err)
	if s == nil || !isUUID(s.CaseID) || !isUUID(s.SubmissionID) || !isUUID(s.DestinationID) {
		return nil, fmt.Errorf("%w: status: incomplete SentSubmission", ErrInvalidArgument)
	}
	events, err := c.caseEvents(ctx, s.CaseID, s.SubmissionID, s.DestinationID)
	if err != nil {
		return nil, err
	}
	state, err := stateOf(events, s.AuthenticationTags)
	if err != nil {
		return nil, err
	}
	return &Status{State: state, Events: events}, nil
}

// states names the state each event leads to and orders the states of a
// submission (FIT-Connect Submission API, event log): a later entry never
// moves a submission back, so an accept that a Zustelldienst logs before
// its own submit event still reads "accepted". Deletion follows any state.
var states = map[string]struct {
	name string
	rank int
}{
	EventSubmitSubmission:  {"submitted", 1},
	EventForwardSubmission: {"forwarded", 2},
	EventAcceptSubmission:  {"accepted", 3},
	EventRejectSubmission:  {"rejected", 3},
	EventDeleteSubmission:  {"deleted", 4},
}

// stateOf is the state the verified events say, in log order. An accept
// must name exactly the authentication tags sent; a log with both an
// accept and a reject contradicts itself and is [ErrEventLog].
func stateOf(events []Event, sent AuthenticationTags) (string, error) {
	state, rank := "incomplete", 0
	var accepted, rejected bool
	for _, e := range events {
		switch e.Type {
		case EventAcceptSubmission:
			if e.AuthenticationTags == nil || !sameTags(*e.AuthenticationTags, sent) {
				return "", fmt.Errorf("%w: accept event names other authentication tags than were sent", ErrEventLog)
			}
			accepted = true
		case EventRejectSubmission:
			rejected = true
		}
		if accepted && rejected {
			return "", fmt.Errorf("%w: the event log both accepts and rejects the submission", ErrEventLog)
		}
		if st, ok := states[e.Type]; ok && st.rank >= rank {
			state, rank = st.name, st.rank
		}
	}
	return state, nil
}

func sameTags(a, b AuthenticationTags) bool {
	if a.Metadata != b.Metadata || a.Data != b.Data || len(a.Attachments) != len(b.Attachments) {
		return false
	}
	for k, v := range a.Attachments {
		if b.Attachments[k] != v {
			return false
		}
	}
	return true
}

func (c *Client) caseEvents(ctx context.Context, caseID, submissionID, destinationID string) ([]Event, error) {
	var log struct {
		EventLog []string `json:"eventLog"`
	}
	if err := c.getJSON(ctx, c.prefix+"/cases/"+caseID+"/events", true, &log); err != nil {
		return nil, err
	}
	var out []Event
	for _, tok := range log.EventLog {
		set, err := c.verifySET(ctx, tok, "submission:"+submissionID, "case:"+caseID, destinationID)
		if err != nil {
			return nil, err
		}
		for uri, raw := range set.Events {
			e := Event{Type: uri, Issuer: set.Issuer, IssuedAt: set.IssuedAt}
			var p eventPayload
			if json.Unmarshal(raw, &p) == nil {
				e.AuthenticationTags, e.Problems = p.AuthenticationTags, p.Problems
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// verifySET verifies one event log entry: by the Zustelldienst when its
// kid is in the Zustelldienst's key set, else by the destination.
func (c *Client) verifySET(ctx context.Context, tok, sub, txn, destinationID string) (*jose.SET, error) {
	kid, err := jose.UnverifiedKeyID(tok)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrEventLog, err)
	}
	zd, err := c.zustelldienstKeys(ctx)
	if err != nil {
		return nil, err
	}
	cfg := jose.SETVerifierConfig{
		Algorithms: []string{jose.PS512}, SingleEvent: true, Subject: sub, TransactionID: txn,
		MinRSABits: 4096, Now: c.cfg.Now, MaxTokenBytes: 1 << 20,
	}
	if k, ok := zd.LookupKeyID(kid); ok && kid != "" {
		cfg.Key, cfg.KeyID, cfg.Issuer = k, kid, c.issuer
	} else {
		key, err := c.destinationKey(ctx, destinationID, kid, jose.FITConnectSignatureKeyPolicy)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrEventLog, err)
		}
		cfg.Key, cfg.KeyID, cfg.Issuer = key, kid, destinationID
	}
	v, err := jose.NewSETVerifier(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrEventLog, err)
	}
	set, err := v.Verify(tok)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrEventLog, err)
	}
	return set, nil
}

// zustelldienstKeys returns the Zustelldienst's SET keys
// ({SubmissionAPI}/.well-known/jwks.json), cached for ten minutes. Each
// key must be RSA ≥ 4096 bit.
func (c *Client) zustelldienstKeys(ctx context.Context) (jwk.Set, error) {
	c.mu.Lock()
	if c.zdSet != nil && c.cfg.Now().Sub(c.zdLoaded) < zustelldienstKeysMaxAge {
		s := c.zdSet
		c.mu.Unlock()
		return s, nil
	}
	c.mu.Unlock()
	set, err := c.fetchJWKS(ctx, "Zustelldienst", "/.well-known/jwks.json", false)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.zdSet, c.zdLoaded = set, c.cfg.Now()
	c.mu.Unlock()
	return set, nil
}
