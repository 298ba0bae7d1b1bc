package pmpayment_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/pmpayment"
)

// A pmPayment host whose certificate does not verify: one handshake for
// the create (never re-sent), one for the status pull (never retried),
// both a *payprovider.CertificateError.
func TestCertificateErrorNotRetried(t *testing.T) {
	var hellos atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("no request may pass an untrusted certificate")
	}))
	srv.TLS = &tls.Config{GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) { hellos.Add(1); return nil, nil }}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	noSleep := func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	p, err := pmpayment.New(pmpayment.Config{BaseURL: srv.URL, AGS: "09162000", Procedure: "p", Salt: "salt",
		NotifyURL: "https://s.example/n", Sleep: noSleep,
		HTTPClient: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool()}}}})
	require.NoError(t, err)
	c, err := payment.New(payment.Config{Provider: p, Store: paystore.NewMemoryStore(), Logger: slog.New(slog.DiscardHandler), Sleep: noSleep})
	require.NoError(t, err)

	_, err = c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	var ce *payprovider.CertificateError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, payprovider.ErrCertificate)
	assert.Equal(t, int32(1), hellos.Load())
	_, err = p.Get(context.Background(), payprovider.Ref{RequestID: "k-1"})
	require.ErrorIs(t, err, payprovider.ErrCertificate)
	assert.Equal(t, int32(2), hellos.Load())
}
