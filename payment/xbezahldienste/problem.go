package xbezahldienste

import (
	"encoding/json"
	"net/http"

	"github.com/egosaar/ozg/internal/redact"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// Functional codes of XBezahldienste 1.0.0 (get-status-by-ids, error
// schema; XBezahldienste 1.0.0, get-status-by-ids).
const (
	CodeNoValidOriginatorOrEndpoint    = "NO_VALID_ORIGINATOR_OR_ENDPOINT"
	CodeNoValidOriginatorOrDestination = "NO_VALID_ORIGINATOR_OR_DESTINATION" // deprecated predecessor
	CodePaymentExists                  = "PAYMENT_EXISTS"
	CodeCalculationError               = "CALCULATION_ERROR"
	CodeBookingDataMissing             = "BOOKING_DATA_MISSING"
	CodeValidationError                = "VALIDATION_ERROR"
	CodeUnspecified                    = "UNSPECIFIED"
	CodeForbidden                      = "FORBIDDEN"
)

// problem is an application/problem+json body (RFC 9457) with the
// XBezahldienste extension member functionalCode.
type problem struct {
	Type           string `json:"type"`
	Status         int    `json:"status"`
	Title          string `json:"title"`
	Detail         string `json:"detail"`
	FunctionalCode string `json:"functionalCode"`
}

// ProblemError maps an error response to a *payprovider.ProviderError. Known
// functional codes unwrap to their sentinel; unknown codes are kept
// verbatim and unwrap by HTTP status (ErrForbidden for 401/403, ErrNotFound
// for 404,
// ErrUnavailable for 5xx, ErrValidation otherwise). Texts longer than the
// spec limits are cut for the error value only (they are diagnostics, not
// data).
func ProblemError(status int, body []byte) *payprovider.ProviderError {
	var p problem
	_ = json.Unmarshal(body, &p) // a non-JSON body still yields a typed error
	pe := &payprovider.ProviderError{
		HTTPStatus:     status,
		FunctionalCode: redact.Clip(p.FunctionalCode, 64),
		Type:           redact.Clip(p.Type, 2082),
		Title:          redact.Clip(p.Title, 250),
		Detail:         redact.Clip(p.Detail, 2000),
	}
	switch p.FunctionalCode {
	case CodePaymentExists:
		pe.Err = payprovider.ErrPaymentExists
	case CodeCalculationError:
		pe.Err = paytype.ErrCalculation
	case CodeBookingDataMissing:
		pe.Err = payprovider.ErrBookingDataMissing
	case CodeNoValidOriginatorOrEndpoint, CodeNoValidOriginatorOrDestination:
		pe.Err = payprovider.ErrUnknownMandant
	case CodeValidationError:
		pe.Err = payprovider.ErrValidation
	case CodeForbidden:
		pe.Err = payprovider.ErrForbidden
	default:
		switch {
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			pe.Err = payprovider.ErrForbidden
		case status == http.StatusNotFound:
			pe.Err = paystore.ErrNotFound
		case status >= 500 || status == http.StatusTooManyRequests || status == http.StatusRequestTimeout:
			pe.Err = payprovider.ErrUnavailable
		default:
			pe.Err = payprovider.ErrValidation
		}
	}
	return pe
}
