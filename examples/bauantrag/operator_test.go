package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
)

// The operator page is read-only, has a login of its own, lists
// anomalies and open payments, and is off without a password.
func TestOperatorPage(t *testing.T) {
	fake := paymenttest.NewFakeProvider()
	pay, err := payment.New(payment.Config{Provider: fake, Store: paystore.NewMemoryStore(), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	ctx := context.Background()
	_, err = pay.Create(ctx, paymenttest.ValidRequest("antrag-open"))
	require.NoError(t, err)
	fake.FailCreates(&payprovider.ProviderError{HTTPStatus: 400, FunctionalCode: "BOOKING_DATA_MISSING", Err: payprovider.ErrBookingDataMissing})
	_, err = pay.Create(ctx, paymenttest.ValidRequest("antrag-refused"))
	require.Error(t, err)

	newSvc := func() *service {
		s := &service{mux: http.NewServeMux(), pay: pay, log: slog.New(slog.DiscardHandler), sessions: sessions{m: map[string]*session{}}}
		s.routes()
		return s
	}
	do := func(s *service, method, target, body string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		s.mux.ServeHTTP(rec, req)
		return rec
	}

	t.Setenv(OperatorPasswordEnv, "")
	assert.Equal(t, http.StatusNotFound, do(newSvc(), "GET", "/operator", "").Code, "disabled without a password")

	t.Setenv(OperatorPasswordEnv, "kasse-geheim")
	s := newSvc()
	rec := do(s, "GET", "/operator", "")
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), `name="passwort"`)
	assert.NotContains(t, rec.Body.String(), "antrag-open", "nothing listed before login")

	for _, bad := range []string{"", "kasse", "kasse-geheim2", "KASSE-GEHEIM"} {
		rec = do(s, "POST", "/operator/login", url.Values{"passwort": {bad}}.Encode())
		assert.Equal(t, http.StatusUnauthorized, rec.Code, bad)
		assert.Empty(t, rec.Result().Cookies(), bad)
	}
	citizen := &http.Cookie{Name: sessionCookie, Value: "citizen-token"}
	rec = do(s, "GET", "/operator", "", citizen)
	assert.NotContains(t, rec.Body.String(), "antrag-open", "a citizen session does not open the operator page")
	forged := &http.Cookie{Name: operatorCookie, Value: "guessed"}
	assert.NotContains(t, do(s, "GET", "/operator", "", forged).Body.String(), "antrag-open")

	rec = do(s, "POST", "/operator/login", url.Values{"passwort": {"kasse-geheim"}}.Encode())
	require.Equal(t, http.StatusSeeOther, rec.Code)
	cookies := rec.Result().Cookies()
	require.Len(t, cookies, 1)
	op := cookies[0]
	assert.True(t, op.Secure && op.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, op.SameSite)

	body := do(s, "GET", "/operator", "", op).Body.String()
	assert.Contains(t, body, "antrag-open")
	assert.Contains(t, body, "antrag-refused")
	assert.Contains(t, body, string(paystore.AnomalyRefused))
	body = do(s, "GET", "/operator?art=expired", "", op).Body.String()
	assert.NotContains(t, body, "BOOKING_DATA_MISSING", "filtered by kind")
	assert.Equal(t, http.StatusBadRequest, do(s, "GET", "/operator?a=!!!", "", op).Code)
	for _, bad := range []string{"unbekannt", "EXPIRED", "expired ", "refused,expired"} {
		assert.Equal(t, http.StatusBadRequest, do(s, "GET", "/operator?art="+url.QueryEscape(bad), "", op).Code, "unknown kind %q", bad)
	}
	assert.Equal(t, http.StatusMethodNotAllowed, do(s, "POST", "/operator", "", op).Code, "read-only")

	rec = do(s, "POST", "/operator/logout", "", op)
	assert.Equal(t, http.StatusSeeOther, rec.Code)
	assert.NotContains(t, do(s, "GET", "/operator", "", op).Body.String(), "antrag-open", "session ended")
}
