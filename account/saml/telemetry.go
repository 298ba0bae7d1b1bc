package saml

import (
	"errors"
	"strings"

	"github.com/egosaar/ozg/internal/telemetry"
)

// Operations (the ozg.operation attribute, span "saml.<op>").
const (
	opStartLogin  = "start_login"      // StartLogin: AuthnRequest, pending request, redirect/POST form
	opFinishLogin = "finish_login"     // FinishLogin: verify the response, map the identity
	opRefresh     = "refresh_metadata" // RefreshMetadata: fetch and verify the IdP metadata
)

func newTelemetry(cfg *Config) *telemetry.Telemetry {
	return telemetry.New("account/saml", cfg.TracerProvider, cfg.MeterProvider, classifyOutcome)
}

// endLogin ends a login operation; a refused login records its reason
// (the sentinel's word, e.g. "wrong audience", "assertion replayed",
// "authentication not successful"; "internal" for store or I/O failures).
func endLogin(op *telemetry.Op, errp *error) {
	if *errp != nil {
		op.Reason(strings.TrimPrefix(refusalReason(*errp), "saml: "))
	}
	op.End(errp)
}

// classifyOutcome maps saml's errors to outcome words; "" leaves it to
// telemetry.Classify.
func classifyOutcome(err error) string {
	switch {
	case errors.Is(err, ErrInvalidConfig):
		return telemetry.OutcomeInvalid
	case errors.Is(err, ErrStoreFull):
		return telemetry.OutcomeTemporary
	case errors.Is(err, ErrMetadata):
		return telemetry.OutcomeRefused
	case refusalReason(err) != "internal":
		return telemetry.OutcomeRefused
	}
	return ""
}
