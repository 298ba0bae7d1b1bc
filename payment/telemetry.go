package payment

import (
	"context"
	"errors"
	"reflect"
	"strings"

	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/internal/telemetry"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// Operations (the ozg.operation attribute, span "payment.<op>").
const (
	opCreate    = "create"    // Create: store, lease, send to the Bezahldienst
	opGet       = "get"       // Get: the stored transaction
	opSync      = "sync"      // Sync: pull and apply
	opPush      = "push"      // HandlePush: verify, bind, pull
	opReconcile = "reconcile" // ReconcileOnce: one round of Run
)

// payment's own outcome words beyond telemetry's.
const (
	outcomeConflict  = "conflict"  // ErrIdempotencyConflict
	outcomeAnomaly   = "anomaly"   // mismatch, illegal transition, unknown status
	outcomeUnknown   = "unknown"   // ErrOutcomeUnknown
	outcomeNotFound  = "not_found" // no such transaction
	outcomeDuplicate = "duplicate" // a push seen before
	outcomePending   = "pending"   // a PAYED push claim the pull does not confirm yet
)

// clientTelemetry is what a Client records with.
type clientTelemetry struct {
	tel       *telemetry.Telemetry
	anomalies *telemetry.Counter
	provider  string
}

func newTelemetry(cfg *Config) clientTelemetry {
	tel := telemetry.New("payment", cfg.TracerProvider, cfg.MeterProvider, classifyOutcome)
	return clientTelemetry{
		tel:       tel,
		anomalies: tel.NewCounter("anomalies", "{anomaly}", "Refused observations recorded as anomalies, by kind (ozg.reason)."),
		provider:  providerName(cfg.Provider),
	}
}

// providerName is the adapter's package name (xbezahldienste, pmpayment,
// girocheckout, paymenttest, …): fixed per deployment, never data. A
// wrapper that embeds the adapter (payprovider.WithPushVerifier) is
// looked through.
func providerName(p payprovider.Provider) string {
	v := reflect.ValueOf(p)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "other"
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		return "other"
	}
	if v.Kind() == reflect.Struct {
		if f := v.FieldByName("Provider"); f.IsValid() && f.CanInterface() {
			if inner, ok := f.Interface().(payprovider.Provider); ok && inner != nil {
				return providerName(inner)
			}
		}
	}
	path := v.Type().PkgPath()
	if path == "" {
		return "other"
	}
	return path[strings.LastIndexByte(path, '/')+1:]
}

// telemetryTenant is the tenant attribute's value: Config.Tenant ("" for
// the single-tenant deployment: no ozg.tenant attribute).
func (c *Client) telemetryTenant() string { return c.cfg.Tenant }

// startOp starts an operation with the client's fixed attributes.
func (c *Client) startOp(ctx context.Context, op string, kind trace.SpanKind) (context.Context, *telemetry.Op) {
	if tenant := c.telemetryTenant(); tenant != "" {
		return c.tel.tel.Start(ctx, op, kind, telemetry.KeyProvider.String(c.tel.provider), telemetry.KeyTenant.String(tenant))
	}
	return c.tel.tel.Start(ctx, op, kind, telemetry.KeyProvider.String(c.tel.provider))
}

// countAnomaly counts a recorded anomaly by kind.
func (c *Client) countAnomaly(ctx context.Context, kind paystore.AnomalyKind) {
	if c.tel.anomalies == nil {
		return
	}
	if tenant := c.telemetryTenant(); tenant != "" {
		c.tel.anomalies.Add(ctx, 1, telemetry.KeyReason.String(string(kind)), telemetry.KeyProvider.String(c.tel.provider), telemetry.KeyTenant.String(tenant))
		return
	}
	c.tel.anomalies.Add(ctx, 1, telemetry.KeyReason.String(string(kind)), telemetry.KeyProvider.String(c.tel.provider))
}

// pushOutcome is the outcome word of a successful HandlePush.
func pushOutcome(op *telemetry.Op, r *PushResult) {
	switch {
	case r == nil:
	case r.Duplicate:
		op.Outcome(outcomeDuplicate)
	case r.Pending:
		op.Outcome(outcomePending)
	}
}

// classifyOutcome maps payment's errors to outcome words; "" leaves it
// to telemetry.Classify.
func classifyOutcome(err error) string {
	var pe *payprovider.ProviderError
	switch {
	case errors.Is(err, ErrClaimPending):
		return outcomePending
	case errors.Is(err, ErrIdempotencyConflict):
		return outcomeConflict
	case errors.Is(err, ErrOutcomeUnknown):
		return outcomeUnknown
	case errors.Is(err, ErrMismatch), errors.Is(err, paystore.ErrIllegalTransition), errors.Is(err, paytype.ErrUnknownStatus):
		return outcomeAnomaly
	case errors.Is(err, payprovider.ErrCertificate):
		return telemetry.OutcomeCert
	case errors.Is(err, paystore.ErrNotFound):
		return outcomeNotFound
	case errors.As(err, &pe):
		if pe.Retryable() {
			return telemetry.OutcomeTemporary
		}
		return telemetry.OutcomeRefused
	case errors.Is(err, payprovider.ErrUnavailable), errors.Is(err, ErrPushUnbound), errors.Is(err, errLeaseHeld):
		return telemetry.OutcomeTemporary
	case errors.Is(err, payprovider.ErrInvalidSignature), errors.Is(err, payprovider.ErrTooOld),
		errors.Is(err, payprovider.ErrForeignTenant), errors.Is(err, payprovider.ErrInvalidPush),
		errors.Is(err, payprovider.ErrAlgorithmNotAllowed), errors.Is(err, payprovider.ErrNoPush),
		errors.Is(err, ErrCreateEnded):
		return telemetry.OutcomeRefused
	case errors.Is(err, paytype.ErrInvalidRequest), errors.Is(err, paytype.ErrInvalidAmount),
		errors.Is(err, paytype.ErrInvalidCurrency), errors.Is(err, paytype.ErrCalculation):
		return telemetry.OutcomeInvalid
	case isStoreError(err):
		return telemetry.OutcomeStore
	}
	return ""
}
