package telemetry

import (
	"context"
	"errors"
	"net"

	"github.com/egosaar/ozg/internal/httpx"
)

// Classify maps the errors every package shares to an outcome word:
// context ends, certificate failures, network errors (temporary) and
// otherwise OutcomeError. The packages' own classifiers run first.
func Classify(err error) string {
	var ne net.Error
	switch {
	case err == nil:
		return OutcomeOK
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return OutcomeCanceled
	case httpx.IsCertificateError(err):
		return OutcomeCert
	case errors.As(err, &ne):
		return OutcomeTemporary
	}
	return OutcomeError
}
