package fitconnect_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
)

// A hostile or broken Zustelldienst: every answer is untrusted.
func TestMalformedAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		answer func(w http.ResponseWriter)
		check  func(t *testing.T, err error)
	}{
		{"truncated JSON", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{"destinationId":`)) }, func(t *testing.T, err error) {
			require.ErrorIs(t, err, fitconnect.ErrMalformedResponse)
		}},
		{"oversize body", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{"x":"` + strings.Repeat("a", 5<<20) + `"}`)) }, func(t *testing.T, err error) {
			require.ErrorIs(t, err, fitconnect.ErrMalformedResponse)
		}},
		{"other destination", func(w http.ResponseWriter) {
			_, _ = w.Write([]byte(`{"destinationId":"00000000-0000-4000-8000-000000000000","status":"active"}`))
		}, func(t *testing.T, err error) {
			require.ErrorIs(t, err, fitconnect.ErrMalformedResponse)
		}},
		{"problem body not JSON", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`<html>`))
		}, func(t *testing.T, err error) {
			var pe *fitconnect.ProblemError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, http.StatusForbidden, pe.Status)
			assert.Empty(t, pe.Type)
		}},
		{"problem with wrong member types", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"type":7,"status":"x"}`))
		}, func(t *testing.T, err error) {
			var pe *fitconnect.ProblemError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, http.StatusNotFound, pe.Status)
		}},
		{"gzip bomb claims", func(w http.ResponseWriter) {
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write([]byte("not gzip"))
		}, func(t *testing.T, err error) {
			require.Error(t, err)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := fitconnecttest.Start(t)
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tc.answer(w) }))
			t.Cleanup(api.Close)
			c := newClient(t, sim, func(cfg *fitconnect.Config) { cfg.Environment.SubmissionAPI = api.URL; cfg.MaxAttempts = 1 })
			_, err := c.Destination(context.Background(), fitconnecttest.DestinationID)
			tc.check(t, err)
		})
	}
}

// A TLS certificate failure is a *CertificateError and never retried.
func TestCertificateErrorNotRetried(t *testing.T) {
	t.Parallel()
	sim := fitconnecttest.Start(t)
	var conns atomic.Int32
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	api.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	api.StartTLS()
	t.Cleanup(api.Close)
	c := newClient(t, sim, func(cfg *fitconnect.Config) { cfg.Environment.SubmissionAPI = api.URL })
	_, err := c.Destination(context.Background(), fitconnecttest.DestinationID)
	var ce *fitconnect.CertificateError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, int32(1), conns.Load(), "one connection: no retry")
}
