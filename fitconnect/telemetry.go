package fitconnect

import (
	"context"
	"errors"
	"strings"

	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/internal/telemetry"
)

// Operations (the ozg.operation attribute, span "fitconnect.<op>").
const (
	opSend    = "send"    // Send: destination, encrypt, announce, upload, submit
	opRoute   = "route"   // Route: Routing API lookup and verification
	opStatus  = "status"  // Status: the case's event log (SETs)
	opList    = "list"    // ListSubmissions
	opReceive = "receive" // Receive: fetch, decrypt, check
	opAccept  = "accept"  // accept-submission event (receipt), by Accept or Process
	opReject  = "reject"  // reject-submission event (receipt), by Reject or Process
	opProcess = "process" // Process: receive, handle, receipt, exactly once
)

// fitconnect's own outcome words beyond telemetry's.
const (
	outcomeUnknown           = "unknown"            // ErrAnnounceUnknown
	outcomeInvalidSubmission = "invalid_submission" // a received submission failed a check
	outcomeProtocol          = "protocol"           // malformed answer of the Zustelldienst
)

func newTelemetry(cfg *Config) *telemetry.Telemetry {
	return telemetry.New("fitconnect", cfg.TracerProvider, cfg.MeterProvider, classifyOutcome)
}

// startOp starts an operation, with the service's LeiKa key if known.
func (c *Client) startOp(ctx context.Context, op string, kind trace.SpanKind, service string) (context.Context, *telemetry.Op) {
	if k := leikaKey(service); k != "" {
		return c.tel.Start(ctx, op, kind, telemetry.KeyService.String(k))
	}
	return c.tel.Start(ctx, op, kind)
}

// leikaKey returns the 14-digit LeiKa key of a service identifier
// ("urn:de:fim:leika:leistung:99…" or the bare key), "other" for any
// other non-empty identifier (never recorded as given: the caller's
// string is not ours to export) and "" for none.
func leikaKey(id string) string {
	if id == "" {
		return ""
	}
	k := id[strings.LastIndexByte(id, ':')+1:]
	if len(k) != 14 || strings.Trim(k, "0123456789") != "" {
		return "other"
	}
	return k
}

// receiptOp names the operation of posting event.
func receiptOp(event string) string {
	if event == EventRejectSubmission {
		return opReject
	}
	return opAccept
}

// processOutcome is the outcome word of a successful Process.
func processOutcome(op *telemetry.Op, o Outcome) {
	if o != "" {
		op.Outcome(string(o))
	}
}

// classifyOutcome maps fitconnect's errors to outcome words; "" leaves it
// to telemetry.Classify.
func classifyOutcome(err error) string {
	var pe *ProblemError
	var ce *CertificateError
	switch {
	case errors.As(err, &ce):
		return telemetry.OutcomeCert
	case errors.Is(err, ErrInvalidArgument), errors.Is(err, ErrInvalidConfig), errors.Is(err, ErrNoSubscriber):
		return telemetry.OutcomeInvalid
	case errors.Is(err, ErrAnnounceUnknown):
		return outcomeUnknown
	case errors.Is(err, ErrInvalidSubmission):
		return outcomeInvalidSubmission
	case errors.As(err, &pe):
		if pe.Status >= 500 || pe.Status == 429 || pe.Status == 408 {
			return telemetry.OutcomeTemporary
		}
		return telemetry.OutcomeRefused
	case errors.Is(err, ErrDestination), errors.Is(err, ErrUntrustedKey), errors.Is(err, ErrEventLog),
		errors.Is(err, ErrMetadata), errors.Is(err, ErrRouting):
		return telemetry.OutcomeRefused
	case errors.Is(err, ErrMalformedResponse):
		return outcomeProtocol
	}
	return ""
}
