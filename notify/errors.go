package notify

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Match them with errors.Is.
var (
	// ErrInvalidEvent: the event failed validation; nothing was stored.
	ErrInvalidEvent = errors.New("notify: invalid event")
	// ErrInvalidConfig: New rejected the configuration.
	ErrInvalidConfig = errors.New("notify: invalid configuration")
	// ErrUnknownChannel: a recipient needs a channel that is not configured.
	ErrUnknownChannel = errors.New("notify: channel not configured")
	// ErrPermanent: the channel reported a failure retries cannot fix.
	ErrPermanent = errors.New("notify: permanent delivery failure")
	// ErrEndpointGone: the receiver answered 410 Gone; the endpoint is disabled.
	ErrEndpointGone = errors.New("notify: endpoint gone")
	// ErrEndpointDisabled: the target endpoint is disabled.
	ErrEndpointDisabled = errors.New("notify: endpoint disabled")
	// ErrExhausted: every attempt of the schedule failed.
	ErrExhausted = errors.New("notify: delivery attempts exhausted")
	// ErrNotFound: AuditToken found no audit record for the event (unknown
	// event, rolled back, or enqueued without an AuditSigner).
	ErrNotFound = errors.New("notify: not found")
	// ErrUnknownTenant: a channel the event routes to has no sender
	// identity for the event's tenant (see [TenantChannel]); nothing was
	// stored.
	ErrUnknownTenant = errors.New("notify: no sender for the tenant")
	// ErrTenantRequired: a query, replay or operator action named no
	// tenant (the zero [Scope]), or several where it needs one.
	ErrTenantRequired = errors.New("notify: tenant required")
)

// TenantError reports an event refused at enqueue because a channel it
// routes to has no sender identity for its tenant (a malformed tenant key
// is a *FieldError). It wraps ErrUnknownTenant and ErrInvalidEvent.
// Tenant keys are identifiers (an ARS), not personal data.
type TenantError struct {
	Tenant  string
	Channel string
}

func (e *TenantError) Error() string {
	return fmt.Sprintf("notify: channel %s has no sender for tenant %q", e.Channel, e.Tenant)
}

// Unwrap returns ErrUnknownTenant and ErrInvalidEvent.
func (e *TenantError) Unwrap() []error { return []error{ErrUnknownTenant, ErrInvalidEvent} }

// ScopeError reports a query, replay or operator action refused for its
// tenant scope: none given, a malformed tenant key, or AllTenants where
// one tenant is needed. Nothing was read or changed. It wraps
// ErrTenantRequired.
type ScopeError struct {
	Op     string // "replay", "dead letters", "attempts", …
	Reason string
}

func (e *ScopeError) Error() string { return "notify: " + e.Op + ": " + e.Reason }

// Unwrap returns ErrTenantRequired.
func (e *ScopeError) Unwrap() error { return ErrTenantRequired }

// FieldError reports an invalid event field. It wraps ErrInvalidEvent.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("notify: invalid event: %s: %s", e.Field, e.Reason)
}

// Unwrap returns ErrInvalidEvent.
func (e *FieldError) Unwrap() error { return ErrInvalidEvent }

// RouteError reports an event one of its channels could never deliver to
// a target, found at enqueue: nothing of the event was stored. Field is
// the channel's name for the field at fault ("" when the channel gave no
// field). It wraps ErrInvalidEvent and the channel's error.
type RouteError struct {
	Channel string
	Field   string
	Reason  string
	Err     error
}

func (e *RouteError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("notify: invalid event for channel %s: %s", e.Channel, e.Reason)
	}
	return fmt.Sprintf("notify: invalid event for channel %s: %s: %s", e.Channel, e.Field, e.Reason)
}

// Unwrap returns ErrInvalidEvent and the channel's error.
func (e *RouteError) Unwrap() []error { return []error{ErrInvalidEvent, e.Err} }

// ErrorClass classifies a failed attempt for the delivery log and retry
// decisions. It never contains response bodies or addresses.
type ErrorClass string

// Error classes.
const (
	ClassNone        ErrorClass = ""
	ClassTimeout     ErrorClass = "timeout"     // attempt deadline exceeded
	ClassConnection  ErrorClass = "connection"  // dial/reset/TLS failure
	ClassBlocked     ErrorClass = "blocked"     // SSRF guard refused the address
	ClassRedirect    ErrorClass = "redirect"    // 3xx (never followed)
	ClassThrottled   ErrorClass = "throttled"   // 429 Too Many Requests (SMTP 4xx: temporary)
	ClassUnavailable ErrorClass = "unavailable" // 502, 503, 504: receiver or its gateway down
	ClassServer      ErrorClass = "server"      // other 5xx
	ClassClient      ErrorClass = "client"      // other 4xx
	ClassGone        ErrorClass = "gone"        // 410
	ClassRejected    ErrorClass = "rejected"    // permanent refusal (SMTP 5xx, ZBP 4xx)
	ClassInvalid     ErrorClass = "invalid"     // message violates channel limits
	ClassDisabled    ErrorClass = "disabled"    // endpoint disabled before the attempt
	ClassConfig      ErrorClass = "config"      // endpoint unknown or misconfigured
	ClassInternal    ErrorClass = "internal"    // unexpected local failure
)

// DeliveryError is what a Channel returns for a failed attempt. The zero
// fields mean: retry per the schedule.
type DeliveryError struct {
	Class      ErrorClass
	StatusCode int           // HTTP or SMTP status code, 0 if none
	Permanent  bool          // do not retry; dead-letter now
	Gone       bool          // disable the endpoint (HTTP 410)
	RetryAfter time.Duration // receiver's Retry-After, 0 if none
	Err        error         // cause; must not carry bodies or personal data
}

func (e *DeliveryError) Error() string {
	s := "notify: delivery failed: " + string(e.Class)
	if e.StatusCode != 0 {
		s += fmt.Sprintf(" (status %d)", e.StatusCode)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause and the matching sentinel.
func (e *DeliveryError) Unwrap() []error {
	errs := []error{}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	switch {
	case e.Gone:
		errs = append(errs, ErrEndpointGone)
	case e.Permanent:
		errs = append(errs, ErrPermanent)
	}
	return errs
}

// classify turns any channel error into a *DeliveryError.
func classify(err error) *DeliveryError {
	var de *DeliveryError
	if errors.As(err, &de) {
		return de
	}
	return &DeliveryError{Class: ClassInternal, Err: err}
}
