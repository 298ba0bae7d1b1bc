package telemetry

import (
	"context"
	"errors"

	"github.com/egosaar/ozg/internal/httpx"
)

// Classify maps the errors every package shares to an outcome word:
// context ends, certificate failures and otherwise OutcomeError. The
// packages' own classifiers run first.
func Classify(err error) string {
	switch {
	case err == nil:
		return OutcomeOK
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return OutcomeCanceled
	case httpx.IsCertificateError(err):
		return OutcomeCert
	}
	return OutcomeError
}
