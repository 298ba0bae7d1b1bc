package transport

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/egosaar/ozg/internal/httpx"
	"github.com/egosaar/ozg/payment/payprovider"
)

// Error maps err, returned by an HTTP round trip (or a Retrier), to the
// error the adapter reports. Errors that are classified already
// (*payprovider.ProviderError, payprovider.ErrForbidden, payprovider.ErrUnavailable,
// *payprovider.CertificateError) are returned unchanged.
func Error(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var pe *payprovider.ProviderError
	var ce *payprovider.CertificateError
	if errors.As(err, &pe) || errors.As(err, &ce) || errors.Is(err, payprovider.ErrForbidden) || errors.Is(err, payprovider.ErrUnavailable) {
		return err
	}
	if httpx.IsCertificateError(err) {
		host := ""
		var ue *url.Error
		if errors.As(err, &ue) {
			if u, perr := url.Parse(ue.URL); perr == nil {
				host = u.Hostname()
			}
		}
		return &payprovider.CertificateError{Host: host, Err: err}
	}
	// url.Error carries the URL we built (no secrets in it); the cause is
	// kept for errors.Is.
	return fmt.Errorf("%w: %w", payprovider.ErrUnavailable, err)
}
