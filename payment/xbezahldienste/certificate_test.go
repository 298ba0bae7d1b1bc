package xbezahldienste_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"net"
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
	"github.com/egosaar/ozg/payment/xbezahldienste"
)

// untrustedServer is a TLS server whose certificate the client does not
// trust; it counts TLS handshakes started against it.
func untrustedServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var hellos atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		t.Error("no request may pass an untrusted certificate")
	}))
	srv.TLS = &tls.Config{GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
		hellos.Add(1)
		return nil, nil
	}}
	srv.Config.ErrorLog = nil
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &hellos
}

// A certificate failure is permanent: one handshake, a typed error, and
// neither the adapter nor payment.Client sends the create again; the
// (idempotent, normally retried) GET is not retried either.
func TestCertificateErrorNotRetried(t *testing.T) {
	cases := map[string]func(*testing.T, *httptest.Server) *http.Client{
		"unknown CA": func(*testing.T, *httptest.Server) *http.Client {
			return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool()}}}
		},
		"wrong host name": func(t *testing.T, srv *httptest.Server) *http.Client {
			pool := x509.NewCertPool()
			pool.AddCert(srv.Certificate())
			return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
				TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "pay.other.example"},
			}}
		},
	}
	for name, mkClient := range cases {
		t.Run(name, func(t *testing.T) {
			srv, hellos := untrustedServer(t)
			p, err := xbezahldienste.New(xbezahldienste.Config{
				BaseURL: srv.URL, OriginatorID: "o", EndpointID: "e", HTTPClient: mkClient(t, srv),
				Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
			})
			require.NoError(t, err)
			c, err := payment.New(payment.Config{Provider: p, Store: paystore.NewMemoryStore(), CreateAttempts: 3, Logger: slog.New(slog.DiscardHandler),
				Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
			require.NoError(t, err)

			_, err = c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
			require.ErrorIs(t, err, payprovider.ErrCertificate)
			var ce *payprovider.CertificateError
			require.ErrorAs(t, err, &ce)
			host, _, _ := net.SplitHostPort(srv.Listener.Addr().String())
			assert.Equal(t, host, ce.Host)
			assert.NotErrorIs(t, err, payprovider.ErrUnavailable)
			assert.Equal(t, int32(1), hellos.Load(), "one handshake, the create is not re-sent")

			_, err = p.Get(context.Background(), payprovider.Ref{TransactionID: "t-1"})
			require.ErrorIs(t, err, payprovider.ErrCertificate)
			assert.Equal(t, int32(2), hellos.Load(), "the GET is not retried after a certificate failure")
		})
	}
}
