package payprovider

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers test them with errors.Is; the typed errors below
// unwrap to them.
var (
	// ErrNotRecoverable: the adapter cannot find out whether a create whose
	// answer was lost reached the Bezahldienst. The Client turns it into
	// payment.ErrOutcomeUnknown.
	ErrNotRecoverable = errors.New("payment: provider cannot recover a lost create")
	// ErrPaymentExists: the Bezahldienst already holds a request with this
	// requestId (PAYMENT_EXISTS).
	ErrPaymentExists = errors.New("payment: payment request exists")
	// ErrBookingDataMissing: BOOKING_DATA_MISSING.
	ErrBookingDataMissing = errors.New("payment: booking data missing")
	// ErrUnknownMandant: NO_VALID_ORIGINATOR_OR_ENDPOINT (and its deprecated
	// predecessor NO_VALID_ORIGINATOR_OR_DESTINATION).
	ErrUnknownMandant = errors.New("payment: unknown originator or endpoint")
	// ErrValidation: VALIDATION_ERROR reported by the Bezahldienst.
	ErrValidation = errors.New("payment: rejected by payment service")
	// ErrForbidden: FORBIDDEN, 401 or 403 from the Bezahldienst.
	ErrForbidden = errors.New("payment: not authorised")
	// ErrUnavailable: the Bezahldienst answered 5xx or could not be reached.
	ErrUnavailable = errors.New("payment: payment service unavailable")
	// ErrProtocol: the Bezahldienst answered something this package cannot
	// interpret (malformed JSON, unknown status string, oversized body).
	ErrProtocol = errors.New("payment: protocol violation")
	// ErrInvalidSignature: a push whose signature is missing or does not
	// verify with any configured secret.
	ErrInvalidSignature = errors.New("payment: invalid push signature")
	// ErrTooOld: a push whose timestamp lies outside the tolerance window.
	ErrTooOld = errors.New("payment: push timestamp outside tolerance")
	// ErrInvalidPush: a push that cannot be parsed or exceeds limits.
	ErrInvalidPush = errors.New("payment: malformed push")
	// ErrForeignTenant: a push for another Mandant (e.g. another AGS).
	ErrForeignTenant = errors.New("payment: push for another tenant")
	// ErrNoPush: the provider has no push channel.
	ErrNoPush = errors.New("payment: provider does not push")
	// ErrAlgorithmNotAllowed: a legacy algorithm (HMAC-MD5) was used without
	// the explicit opt-in.
	ErrAlgorithmNotAllowed = errors.New("payment: algorithm not allowed")
	// ErrCertificate: the Bezahldienst's TLS certificate did not verify
	// (unknown CA, wrong host name, expired). It is permanent until the
	// configuration changes: never retried, and a create is never
	// re-sent after it within one call. See [CertificateError].
	ErrCertificate = errors.New("payment: payment service certificate not trusted")
)

// ProviderError is an error answer of a Bezahldienst, e.g. an
// application/problem+json body (RFC 9457) with the XBezahldienste
// functionalCode. Unknown codes are kept verbatim in FunctionalCode and
// unwrap to ErrValidation (4xx) or ErrUnavailable (5xx).
type ProviderError struct {
	HTTPStatus     int
	FunctionalCode string // e.g. "PAYMENT_EXISTS"; "" when absent
	Type           string
	Title          string
	Detail         string // functional description from the Bezahldienst
	Err            error  // sentinel derived from FunctionalCode/HTTPStatus
}

func (e *ProviderError) Error() string {
	code := e.FunctionalCode
	if code == "" {
		code = "no functional code"
	}
	return fmt.Sprintf("payment: payment service answered %d (%s)", e.HTTPStatus, code)
}

// Unwrap returns the sentinel.
func (e *ProviderError) Unwrap() error { return e.Err }

// Retryable reports whether repeating the same request may succeed.
func (e *ProviderError) Retryable() bool {
	switch e.HTTPStatus {
	case 408, 425, 429, 500, 502, 503, 504:
		return true
	}
	return false
}

// CertificateError reports that the TLS connection to the Bezahldienst
// failed because its certificate did not verify. It unwraps to
// ErrCertificate and to the TLS/x509 error. Adapters return it instead of
// ErrUnavailable, so that no create is sent again after it.
type CertificateError struct {
	Host string // host name that was dialled
	Err  error
}

func (e *CertificateError) Error() string {
	return "payment: certificate of payment service " + e.Host + " not trusted: " + e.Err.Error()
}

// Unwrap returns ErrCertificate and the underlying error.
func (e *CertificateError) Unwrap() []error { return []error{ErrCertificate, e.Err} }
