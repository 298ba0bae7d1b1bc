package httpx

import (
	"context"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCertificateErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
	}))
	t.Cleanup(srv.Close)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)

	var sleeps int
	r := &Retrier{
		Client:  &http.Client{}, // default roots: the test CA is unknown
		Backoff: Backoff{MaxAttempts: 5},
		Sleep:   func(context.Context, time.Duration) error { sleeps++; return nil },
	}
	resp, err := r.Do(context.Background(), func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	})
	var unknownCA x509.UnknownAuthorityError
	require.ErrorAs(t, err, &unknownCA)
	assert.Nil(t, resp)
	assert.True(t, IsCertificateError(err))
	assert.Zero(t, sleeps, "a certificate failure must not be retried")
	assert.Zero(t, hits.Load(), "the handshake fails before any request reaches the handler")
}

func TestIsCertificateError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)

	_, err := (&http.Client{}).Get(srv.URL) // unknown authority
	var unknownCA x509.UnknownAuthorityError
	require.ErrorAs(t, err, &unknownCA)
	assert.True(t, IsCertificateError(err))

	// Wrong host name: the trusted test certificate names 127.0.0.1, ::1
	// and example.com; the client expects another name on the same
	// connection, so the outcome does not depend on name resolution.
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.ServerName = "not-in-the-certificate.example"
	_, err = (&http.Client{Transport: tr}).Get(srv.URL)
	var wrongHost x509.HostnameError
	require.ErrorAs(t, err, &wrongHost)
	assert.True(t, IsCertificateError(err))

	assert.False(t, IsCertificateError(nil))
	assert.False(t, IsCertificateError(context.DeadlineExceeded))
	assert.False(t, IsCertificateError(&url.Error{Op: "Get", Err: assert.AnError}))
}
