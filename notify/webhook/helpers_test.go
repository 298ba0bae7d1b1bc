package webhook_test

import (
	"time"

	"github.com/egosaar/ozg/notify/webhook"
	"net/http"
	"net/http/httptest"
	"testing"
)

func newStatusServer(t *testing.T, status int) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.Header().Set("Location", "http://169.254.169.254/")
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func mustSign(tb testing.TB, id string, ts time.Time, body []byte, s ...webhook.Secret) string {
	tb.Helper()
	sig, err := webhook.Sign(id, ts, body, s...)
	if err != nil {
		tb.Fatal(err)
	}
	return sig
}
