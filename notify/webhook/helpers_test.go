package webhook_test

import (
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
