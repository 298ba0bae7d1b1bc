package oidc

import (
	"errors"

	"github.com/egosaar/ozg/internal/telemetry"
)

// Operations (the ozg.operation attribute, span "oidc.<op>").
const (
	opStartLogin  = "start_login"  // AuthorizationURL / StartLogin
	opFinishLogin = "finish_login" // FinishLogin: state, code, ID token, userinfo
	opLogout      = "logout"       // VerifyLogoutToken (back-channel logout)
)

func newTelemetry(cfg *Config) *telemetry.Telemetry {
	return telemetry.New("account/oidc", cfg.TracerProvider, cfg.MeterProvider, classifyOutcome)
}

// endLogin ends a login or logout operation; a refused one records its
// reason: "<token>.<check>" of a *CheckError ("id_token.aud",
// "authorization_response.state"), "login_required" for a provider
// answer that asks for a new interactive login (or a cancellation),
// "<endpoint>_error" for other provider error answers. Never the
// provider's own error code or description (untrusted text).
func endLogin(op *telemetry.Op, errp *error) {
	if err := *errp; err != nil {
		var ce *CheckError
		var pe *ProviderError
		switch {
		case errors.As(err, &ce):
			op.Reason(ce.Token + "." + ce.Check)
		case errors.As(err, &pe) && pe.LoginRequired():
			op.Reason("login_required")
		case errors.As(err, &pe):
			op.Reason(pe.Endpoint + "_error")
		}
	}
	op.End(errp)
}

// classifyOutcome maps oidc's errors to outcome words; "" leaves it to
// telemetry.Classify.
func classifyOutcome(err error) string {
	var ce *CheckError
	var pe *ProviderError
	switch {
	case errors.Is(err, ErrInvalidConfig):
		return telemetry.OutcomeInvalid
	case errors.Is(err, ErrCertificate):
		return telemetry.OutcomeCert
	case errors.As(err, &ce), errors.As(err, &pe):
		return telemetry.OutcomeRefused
	case errors.Is(err, ErrStoreFull), errors.Is(err, ErrDiscovery), errors.Is(err, ErrJWKS):
		return telemetry.OutcomeTemporary
	}
	return ""
}
