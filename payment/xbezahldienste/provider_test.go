package xbezahldienste_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/payment/xbezahldienste"
	"github.com/egosaar/ozg/signature/signaturetest"
)

func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

type env struct {
	sim *paymenttest.XBezahldienste
	p   *xbezahldienste.Provider
	c   *payment.Client
	log *bytes.Buffer
}

func newEnv(t *testing.T, simCfg paymenttest.XConfig, mod func(*xbezahldienste.Config)) *env {
	t.Helper()
	fixed := func() time.Time { return time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC) }
	if simCfg.Now == nil {
		simCfg.Now = fixed
	}
	sim := paymenttest.NewXBezahldienste(simCfg)
	t.Cleanup(sim.Close)
	e := &env{sim: sim, log: &bytes.Buffer{}}
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(b []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return e.log.Write(b) }), &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := sim.Config()
	cfg.Sleep = noSleep
	cfg.Logger = logger
	cfg.Now = fixed
	if mod != nil {
		mod(&cfg)
	}
	p, err := xbezahldienste.New(cfg)
	require.NoError(t, err)
	e.p = p
	e.c, err = payment.New(payment.Config{Store: paystore.NewMemoryStore(), Provider: p, Logger: logger, Sleep: noSleep, Now: fixed})
	require.NoError(t, err)
	return e
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

func TestEndToEndPayViaPayPage(t *testing.T) {
	e := newEnv(t, paymenttest.XConfig{}, nil)
	ctx := context.Background()
	tx, err := e.c.Create(ctx, paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	require.NotEmpty(t, tx.PayURL)
	assert.Equal(t, "4200000000061", tx.Reference)

	// The user opens the pay page and pays.
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(tx.PayURL)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err = browser.PostForm(tx.PayURL, url.Values{"action": {"pay"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	loc := resp.Header.Get("Location")
	assert.Equal(t, "https://service.example/payment/return", loc, "no status in the redirect: the service must pull")

	got, err := e.c.Sync(ctx, "k-1")
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusPaid, got.Status)
	assert.Equal(t, "GIROPAY", got.PaymentMethod)
	assert.Empty(t, got.PayURL)
	// The pay page is closed now.
	resp, err = browser.PostForm(tx.PayURL, url.Values{"action": {"pay"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusGone, resp.StatusCode)
}

func TestCancelAndTimeout(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	clk := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newEnv(t, paymenttest.XConfig{Now: clk, PayTimeout: 15 * time.Minute}, nil)
	ctx := context.Background()
	a, err := e.c.Create(ctx, paymenttest.ValidRequest("k-cancel"))
	require.NoError(t, err)
	_, err = e.c.Create(ctx, paymenttest.ValidRequest("k-timeout"))
	require.NoError(t, err)
	require.NoError(t, e.sim.Cancel(a.TransactionID))
	got, err := e.c.Sync(ctx, "k-cancel")
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusCanceled, got.Status)

	got, err = e.c.Sync(ctx, "k-timeout")
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusInitial, got.Status)
	mu.Lock()
	now = now.Add(15 * time.Minute)
	mu.Unlock()
	got, err = e.c.Sync(ctx, "k-timeout")
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusFailed, got.Status, "the Bezahldienst sets FAILED after its timeout")
}

func TestPaymentExistsOnRepeatedRequestID(t *testing.T) {
	e := newEnv(t, paymenttest.XConfig{}, nil)
	sub := &payprovider.Submission{RequestID: "k-1", Timestamp: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), Request: paymenttest.ValidRequest("k-1")}
	_, err := e.p.Create(context.Background(), sub)
	require.NoError(t, err)
	_, err = e.p.Create(context.Background(), sub)
	require.ErrorIs(t, err, payprovider.ErrPaymentExists)
	var pe *payprovider.ProviderError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, xbezahldienste.CodePaymentExists, pe.FunctionalCode)
}

func TestServerSideErrors(t *testing.T) {
	t.Run("calculation", func(t *testing.T) {
		e := newEnv(t, paymenttest.XConfig{}, nil)
		r := paymenttest.ValidRequest("k-1")
		r.Total++ // bypassing the client's own check
		_, err := e.p.Create(context.Background(), &payprovider.Submission{RequestID: "k-1", Timestamp: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), Request: r})
		require.ErrorIs(t, err, paytype.ErrCalculation)
	})
	t.Run("booking data missing", func(t *testing.T) {
		e := newEnv(t, paymenttest.XConfig{RequiredBookingKeys: []string{"objektnummer"}}, nil)
		_, err := e.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
		require.ErrorIs(t, err, payprovider.ErrBookingDataMissing)
	})
	t.Run("unknown mandant", func(t *testing.T) {
		e := newEnv(t, paymenttest.XConfig{}, func(c *xbezahldienste.Config) { c.EndpointID = "00000000" })
		_, err := e.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
		require.ErrorIs(t, err, payprovider.ErrUnknownMandant)
		require.ErrorIs(t, e.p.Status(context.Background()), payprovider.ErrUnknownMandant)
	})
	t.Run("status ok", func(t *testing.T) {
		e := newEnv(t, paymenttest.XConfig{}, nil)
		require.NoError(t, e.p.Status(context.Background()))
	})
	t.Run("get unknown", func(t *testing.T) {
		e := newEnv(t, paymenttest.XConfig{}, nil)
		_, err := e.p.Get(context.Background(), payprovider.Ref{TransactionID: "nope"})
		require.ErrorIs(t, err, paystore.ErrNotFound)
		_, err = e.p.Get(context.Background(), payprovider.Ref{})
		require.ErrorIs(t, err, paystore.ErrNotFound)
	})
}

func TestGetRetriedPostNotRetriedByAdapter(t *testing.T) {
	e := newEnv(t, paymenttest.XConfig{}, nil)
	ctx := context.Background()
	e.sim.FailNext(1, "paymenttransaction", http.StatusServiceUnavailable)
	sub := &payprovider.Submission{RequestID: "k-1", Timestamp: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), Request: paymenttest.ValidRequest("k-1")}
	_, err := e.p.Create(ctx, sub)
	require.ErrorIs(t, err, payprovider.ErrUnavailable)
	assert.Zero(t, e.sim.Calls("create"), "the adapter sends a POST once")
	pt, err := e.p.Create(ctx, sub)
	require.NoError(t, err)
	e.sim.FailNext(2, "paymenttransaction", http.StatusBadGateway)
	got, err := e.p.Get(ctx, payprovider.Ref{TransactionID: pt.TransactionID})
	require.NoError(t, err, "GET is retried")
	assert.Equal(t, paytype.StatusInitial, got.Status)
	e.sim.FailNext(5, "paymenttransaction", http.StatusServiceUnavailable)
	_, err = e.p.Get(ctx, payprovider.Ref{TransactionID: pt.TransactionID})
	require.ErrorIs(t, err, payprovider.ErrUnavailable)
}

func TestClientRetriesCreateOn5xxWithSameRequestID(t *testing.T) {
	e := newEnv(t, paymenttest.XConfig{}, nil)
	e.sim.FailNext(2, "paymenttransaction", http.StatusServiceUnavailable)
	tx, err := e.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	assert.Equal(t, 1, e.sim.Calls("create"))
	assert.NotEmpty(t, tx.TransactionID)
}

func TestLostResponseAfterCommit(t *testing.T) {
	t.Run("recovered when transactionId is requestId", func(t *testing.T) {
		e := newEnv(t, paymenttest.XConfig{TransactionIDIsRequestID: true}, nil)
		e.sim.LoseNextCreateResponses(1)
		tx, err := e.c.Create(context.Background(), paymenttest.ValidRequest("k-lost"))
		require.NoError(t, err)
		assert.Equal(t, "k-lost", tx.TransactionID)
		assert.Equal(t, 2, e.sim.Calls("create"))
		assert.Len(t, e.sim.TransactionIDs(), 1, "never two transactions")
	})
	t.Run("outcome unknown otherwise", func(t *testing.T) {
		e := newEnv(t, paymenttest.XConfig{}, nil)
		e.sim.LoseNextCreateResponses(1)
		_, err := e.c.Create(context.Background(), paymenttest.ValidRequest("k-lost"))
		require.ErrorIs(t, err, payment.ErrOutcomeUnknown)
		assert.Len(t, e.sim.TransactionIDs(), 1, "never two transactions")
		an, _ := e.c.Anomalies(context.Background(), "k-lost")
		require.Len(t, an, 1)
		assert.Equal(t, paystore.AnomalyOutcomeUnknown, an[0].Kind)
	})
}

func TestWrongAmountInPull(t *testing.T) {
	e := newEnv(t, paymenttest.XConfig{}, nil)
	tx, err := e.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	require.NoError(t, e.sim.Pay(tx.TransactionID))
	e.sim.ReportAmount(tx.TransactionID, 100)
	_, err = e.c.Sync(context.Background(), "k-1")
	require.ErrorIs(t, err, payment.ErrMismatch)
	got, _ := e.c.Get(context.Background(), "k-1")
	assert.Equal(t, paytype.StatusInitial, got.Status)
}

func TestIllegalAndUnknownStatusFromServer(t *testing.T) {
	e := newEnv(t, paymenttest.XConfig{}, nil)
	tx, err := e.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	require.NoError(t, e.sim.Pay(tx.TransactionID))
	_, err = e.c.Sync(context.Background(), "k-1")
	require.NoError(t, err)
	require.NoError(t, e.sim.SetStatus(tx.TransactionID, "FAILED"))
	_, err = e.c.Sync(context.Background(), "k-1")
	require.ErrorIs(t, err, paystore.ErrIllegalTransition)
	require.NoError(t, e.sim.SetStatus(tx.TransactionID, "REFUNDED"))
	_, err = e.c.Sync(context.Background(), "k-1")
	require.ErrorIs(t, err, paytype.ErrUnknownStatus)
	got, _ := e.c.Get(context.Background(), "k-1")
	assert.Equal(t, paytype.StatusPaid, got.Status)
}

func TestContextDeadline(t *testing.T) {
	e := newEnv(t, paymenttest.XConfig{}, nil)
	e.sim.Delay(200 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := e.c.Create(ctx, paymenttest.ValidRequest("k-1"))
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestConfigValidation(t *testing.T) {
	t.Parallel()
	base := xbezahldienste.Config{BaseURL: "https://bd.example/api", OriginatorID: "od", EndpointID: "09162000"}
	bad := map[string]func(*xbezahldienste.Config){
		"http remote":    func(c *xbezahldienste.Config) { c.BaseURL = "http://bd.example/api" },
		"credentials":    func(c *xbezahldienste.Config) { c.BaseURL = "https://u:p@bd.example/api" },
		"query":          func(c *xbezahldienste.Config) { c.BaseURL = "https://bd.example/api?x=1" },
		"relative":       func(c *xbezahldienste.Config) { c.BaseURL = "/api" },
		"originator 37":  func(c *xbezahldienste.Config) { c.OriginatorID = strings.Repeat("o", 37) },
		"originator /":   func(c *xbezahldienste.Config) { c.OriginatorID = "a/b" },
		"endpoint empty": func(c *xbezahldienste.Config) { c.EndpointID = "" },
		"endpoint ..":    func(c *xbezahldienste.Config) { c.EndpointID = ".." },
	}
	for name, mut := range bad {
		c := base
		mut(&c)
		_, err := xbezahldienste.New(c)
		require.Error(t, err, name)
	}
	_, err := xbezahldienste.New(base)
	require.NoError(t, err)
	c := base
	c.OriginatorID = strings.Repeat("o", 36)
	_, err = xbezahldienste.New(c)
	require.NoError(t, err)
}

func TestBasicAuth(t *testing.T) {
	simCfg := paymenttest.XConfig{BasicAuth: &paymenttest.BasicCredentials{Username: "epay21", Password: "s3cret-basic"}}
	e := newEnv(t, simCfg, func(c *xbezahldienste.Config) {
		c.Auth = xbezahldienste.BasicAuth{Username: "epay21", Password: "s3cret-basic"}
	})
	_, err := e.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)

	e2 := newEnv(t, simCfg, func(c *xbezahldienste.Config) {
		c.Auth = xbezahldienste.BasicAuth{Username: "epay21", Password: "wrong-pass"}
	})
	_, err = e2.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.ErrorIs(t, err, payprovider.ErrForbidden)
	assert.NotContains(t, err.Error(), "wrong-pass")
	assert.NotContains(t, e2.log.String(), "wrong-pass")
	e3 := newEnv(t, simCfg, func(c *xbezahldienste.Config) { c.Auth = xbezahldienste.BasicAuth{Username: "a:b"} })
	_, err = e3.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.Error(t, err)
}

func oauthEnv(t *testing.T, secret string, dpop xbezahldienste.DPoPProver) (*env, *xbezahldienste.OAuth2) {
	var o *xbezahldienste.OAuth2
	simCfg := paymenttest.XConfig{OAuth2: &paymenttest.OAuth2Client{ClientID: "onlinedienst", ClientSecret: "cc-secret-value"}}
	e := newEnv(t, simCfg, func(c *xbezahldienste.Config) {
		var err error
		o, err = xbezahldienste.NewOAuth2(xbezahldienste.OAuth2Config{InsecureDevelopment: true,
			TokenURL: strings.TrimSuffix(c.BaseURL, "/api") + "/token", // the simulator's TokenURL
			ClientID: "onlinedienst", ClientSecret: payprovider.Secret(secret), HTTPClient: c.HTTPClient, DPoP: dpop,
		})
		require.NoError(t, err)
		c.Auth = o
	})
	return e, o
}

// OAuth2 401 → exactly one token refresh, then success.
func TestOAuth2RefreshOnceAfter401(t *testing.T) {
	e, _ := oauthEnv(t, "cc-secret-value", nil)
	ctx := context.Background()
	tx, err := e.c.Create(ctx, paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	assert.Equal(t, 1, e.sim.Calls("token"))
	_, err = e.c.Sync(ctx, "k-1")
	require.NoError(t, err)
	assert.Equal(t, 1, e.sim.Calls("token"), "token is cached")
	e.sim.RevokeTokens()
	require.NoError(t, e.sim.Pay(tx.TransactionID))
	got, err := e.c.Sync(ctx, "k-1")
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusPaid, got.Status)
	assert.Equal(t, 2, e.sim.Calls("token"), "one refresh after 401")
}

func TestOAuth2Persistent401NoLoop(t *testing.T) {
	var api, tok atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			tok.Add(1)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"t","token_type":"Bearer","expires_in":3600}`))
			return
		}
		api.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	o, err := xbezahldienste.NewOAuth2(xbezahldienste.OAuth2Config{TokenURL: srv.URL + "/token", ClientID: "c", ClientSecret: "s", InsecureDevelopment: true})
	require.NoError(t, err)
	p, err := xbezahldienste.New(xbezahldienste.Config{BaseURL: srv.URL, OriginatorID: "o", EndpointID: "e", Auth: o, Sleep: noSleep, InsecureDevelopment: true})
	require.NoError(t, err)
	_, err = p.Get(context.Background(), payprovider.Ref{TransactionID: "T"})
	require.ErrorIs(t, err, payprovider.ErrForbidden)
	assert.Equal(t, int32(2), api.Load(), "one retry after refresh, no loop")
	assert.Equal(t, int32(2), tok.Load())
}

func TestOAuth2WrongSecretNotLeaked(t *testing.T) {
	e, _ := oauthEnv(t, "totally-wrong-secret-123", nil)
	_, err := e.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.ErrorIs(t, err, payprovider.ErrForbidden)
	assert.NotContains(t, err.Error(), "totally-wrong-secret-123")
	assert.NotContains(t, e.log.String(), "totally-wrong-secret-123")
	assert.NotContains(t, e.log.String(), "cc-secret-value")
}

func TestOAuth2ConfigValidation(t *testing.T) {
	for name, c := range map[string]xbezahldienste.OAuth2Config{
		"http token url": {TokenURL: "http://idp.example/token", ClientID: "c", ClientSecret: "s"},
		"no client id":   {TokenURL: "https://idp.example/token", ClientSecret: "s"},
		"no secret":      {TokenURL: "https://idp.example/token", ClientID: "c"},
		"bad url":        {TokenURL: "::", ClientID: "c", ClientSecret: "s"},
	} {
		_, err := xbezahldienste.NewOAuth2(c)
		require.Error(t, err, name)
	}
}

// fakeDPoP records proof requests; signature/jose's *DPoP is the real
// implementation of DPoPProver.
type fakeDPoP struct {
	mu    sync.Mutex
	calls []string
}

func (f *fakeDPoP) Proof(method, target, token, nonce string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, method+" "+target+" ath="+boolStr(token != "")+" nonce="+nonce)
	return "proof." + method + "." + nonce, nil
}

func boolStr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func TestDPoPHeadersAndNonce(t *testing.T) {
	var sawAPI atomic.Int32
	var srvURL string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			if r.Header.Get("DPoP") != "proof.POST.tn" {
				w.Header().Set("DPoP-Nonce", "tn")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"error":"use_dpop_nonce"}`))
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"at","token_type":"DPoP","expires_in":3600}`))
			return
		}
		if r.Header.Get("Authorization") != "DPoP at" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.Header.Get("DPoP") != "proof.GET.an" {
			w.Header().Set("DPoP-Nonce", "an")
			w.Header().Set("WWW-Authenticate", `DPoP error="use_dpop_nonce"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		sawAPI.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"paymentInformation":{"transactionId":"T","status":"INITIAL"}}`))
	}))
	defer srv.Close()
	srvURL = srv.URL
	prover := &fakeDPoP{}
	o, err := xbezahldienste.NewOAuth2(xbezahldienste.OAuth2Config{TokenURL: srvURL + "/token", ClientID: "c", ClientSecret: "s", DPoP: prover, InsecureDevelopment: true})
	require.NoError(t, err)
	p, err := xbezahldienste.New(xbezahldienste.Config{BaseURL: srvURL, OriginatorID: "o", EndpointID: "e", Auth: o, Sleep: noSleep, InsecureDevelopment: true})
	require.NoError(t, err)
	pt, err := p.Get(context.Background(), payprovider.Ref{TransactionID: "T"})
	require.NoError(t, err)
	assert.Equal(t, "T", pt.TransactionID)
	assert.Equal(t, int32(1), sawAPI.Load())
	prover.mu.Lock()
	defer prover.mu.Unlock()
	assert.Equal(t, []string{
		"POST " + srvURL + "/token ath=0 nonce=",
		"POST " + srvURL + "/token ath=0 nonce=tn",
		"GET " + srvURL + "/paymenttransaction/o/e/T ath=1 nonce=",
		"GET " + srvURL + "/paymenttransaction/o/e/T ath=1 nonce=an",
	}, prover.calls)
}

func TestMutualTLS(t *testing.T) {
	ca, err := signaturetest.NewCA("Test Bezahldienst CA", signaturetest.P256)
	require.NoError(t, err)
	kp, err := ca.Issue(signaturetest.Options{CommonName: "onlinedienst", Key: signaturetest.P256, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	require.NoError(t, err)
	p12, err := signaturetest.EncodePKCS12(kp, "p12-password")
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(ca.Certificate)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TLS.PeerCertificates) == 0 || r.TLS.PeerCertificates[0].Subject.CommonName != "onlinedienst" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below is expected
	srv.StartTLS()
	defer srv.Close()

	cert, err := xbezahldienste.LoadClientCertificate(p12, "p12-password")
	require.NoError(t, err)
	p, err := xbezahldienste.New(xbezahldienste.Config{BaseURL: srv.URL, OriginatorID: "o", EndpointID: "e", HTTPClient: srv.Client(), ClientCertificate: &cert, Sleep: noSleep})
	require.NoError(t, err)
	require.NoError(t, p.Status(context.Background()))

	_, err = xbezahldienste.LoadClientCertificate(p12, "wrong")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "p12-password")
	_, err = xbezahldienste.LoadClientCertificatePEM([]byte("junk"), []byte("junk"))
	require.Error(t, err)

	noCert, err := xbezahldienste.New(xbezahldienste.Config{BaseURL: srv.URL, OriginatorID: "o", EndpointID: "e", HTTPClient: srv.Client(), Sleep: noSleep,
		RetryBackoff: payment.Backoff{MaxAttempts: 1}})
	require.NoError(t, err)
	err = noCert.Status(context.Background())
	require.ErrorIs(t, err, payprovider.ErrUnavailable, "TLS handshake refused without a client certificate")
}

func TestStringsHideSecrets(t *testing.T) {
	o, err := xbezahldienste.NewOAuth2(xbezahldienste.OAuth2Config{TokenURL: "https://idp.example/token", ClientID: "c", ClientSecret: "oauth-SECRET-1"})
	require.NoError(t, err)
	p, err := xbezahldienste.New(xbezahldienste.Config{BaseURL: "https://bd.example", OriginatorID: "o", EndpointID: "e", Auth: o})
	require.NoError(t, err)
	for _, s := range []string{fmt.Sprintf("%v %+v %#v %s", o, o, o, o), fmt.Sprintf("%v %+v %#v", p, p, p)} {
		assert.NotContains(t, s, "oauth-SECRET-1")
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "auth", o, "provider", p, "basic", xbezahldienste.BasicAuth{Username: "u", Password: "basic-SECRET-2"})
	assert.NotContains(t, buf.String(), "oauth-SECRET-1")
	assert.NotContains(t, buf.String(), "basic-SECRET-2")
}
