package account

import (
	"errors"

	"github.com/egosaar/ozg/internal/telemetry"
)

// Operations of Sessions (the ozg.operation attribute, span
// "account.<op>").
const (
	opSessionStart     = "session_start"    // Sessions.Start
	opSessionGet       = "session_get"      // Sessions.Get (every request of a logged-in user)
	opSessionEnd       = "session_end"      // Sessions.End (local logout)
	opProviderLogout   = "provider_logout"  // Sessions.EndProviderSessions (back-channel logout)
	outcomeNoSession   = "not_found"        // ErrSessionNotFound: no, an expired or an ended session
	outcomeBadIdentity = "invalid_identity" // ErrInvalidIdentity
)

func newSessionTelemetry(cfg *SessionConfig) *telemetry.Telemetry {
	return telemetry.New("account", cfg.TracerProvider, cfg.MeterProvider, classifyOutcome)
}

// classifyOutcome maps account's errors to outcome words; "" leaves it
// to telemetry.Classify.
func classifyOutcome(err error) string {
	switch {
	case errors.Is(err, ErrSessionNotFound):
		return outcomeNoSession
	case errors.Is(err, ErrInvalidIdentity):
		return outcomeBadIdentity
	case errors.Is(err, ErrInvalidConfig):
		return telemetry.OutcomeInvalid
	}
	return ""
}
