package pmpayment_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/payment/pmpayment"
)

type pmEnv struct {
	sim     *paymenttest.PMPayment
	p       *pmpayment.Provider
	c       *payment.Client
	app     *httptest.Server
	mu      sync.Mutex
	now     time.Time
	changes int
	log     *bytes.Buffer
}

func (e *pmEnv) Now() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }
func (e *pmEnv) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

func newPMEnv(t *testing.T, mod func(*pmpayment.Config)) *pmEnv {
	t.Helper()
	e := &pmEnv{now: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), log: &bytes.Buffer{}}
	e.sim = paymenttest.NewPMPayment(paymenttest.PMConfig{Now: e.Now, Salt: "tenant-a-salt"})
	t.Cleanup(e.sim.Close)
	var handler http.Handler
	e.app = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(e.app.Close)
	cfg := e.sim.Config("http://" + e.app.Listener.Addr().String() + "/payment/notify")
	cfg.Now = e.Now
	cfg.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	if mod != nil {
		mod(&cfg)
	}
	p, err := pmpayment.New(cfg)
	require.NoError(t, err)
	e.p = p
	var lmu sync.Mutex
	e.c, err = payment.New(payment.Config{Store: paystore.NewMemoryStore(),
		Provider: p, Now: e.Now,
		Logger:         slog.New(slog.NewJSONHandler(writerFunc(func(b []byte) (int, error) { lmu.Lock(); defer lmu.Unlock(); return e.log.Write(b) }), nil)),
		OnStatusChange: func(context.Context, payment.StatusChange) { e.mu.Lock(); e.changes++; e.mu.Unlock() },
	})
	require.NoError(t, err)
	handler = e.c.PushHandler()
	e.app.Start()
	return e
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

func (e *pmEnv) changeCount() int { e.mu.Lock(); defer e.mu.Unlock(); return e.changes }

func pmRequest(key string) *paytype.CreateRequest {
	r := paymenttest.ValidRequest(key)
	r.Purpose = "Gebuehr Parken 2026"
	return r
}

func TestPushPaysViaPull(t *testing.T) {
	e := newPMEnv(t, nil)
	ctx := context.Background()
	tx, err := e.c.Create(ctx, pmRequest("k-1"))
	require.NoError(t, err)
	assert.Equal(t, "k-1", tx.TransactionID)
	assert.Contains(t, tx.PayURL, "/pay/k-1")
	code, err := e.sim.Pay(ctx, "k-1")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code)
	got, _ := e.c.Get(ctx, "k-1")
	assert.Equal(t, paytype.StatusPaid, got.Status)
	assert.Equal(t, 1, e.changeCount())
	assert.Equal(t, 1, e.sim.Calls("status"), "the push triggered one pull")

	// Duplicate delivery (replay within the window) is a no-op.
	code, err = e.sim.Replay(ctx, "k-1")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, 1, e.changeCount())
	assert.Equal(t, 1, e.sim.Calls("status"), "duplicates do not pull again")
}

// A push is only a trigger: if the pull says "in progress", nothing changes.
// The signed claim (amount matched) is recorded and the notification is
// acknowledged, since pmPayment documents no resending (payment/paymenttest/SOURCES.md); the
// pull that later reports paid is applied with the recorded claim.
func TestPushClaimNotTrusted(t *testing.T) {
	e := newPMEnv(t, nil)
	ctx := context.Background()
	_, err := e.c.Create(ctx, pmRequest("k-1"))
	require.NoError(t, err)
	n, err := e.sim.Notification("k-1")
	require.NoError(t, err)
	n.Status = "1"
	require.NoError(t, pmpayment.SignNotification(n, "tenant-a-salt")) // authentic, but the pull disagrees
	code, err := e.sim.Push(ctx, "k-1", n)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code)
	got, _ := e.c.Get(ctx, "k-1")
	assert.Equal(t, paytype.StatusInitial, got.Status)
	assert.Zero(t, e.changeCount())
	cl, err := e.c.Store().Claim(ctx, "k-1")
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusPaid, cl.Status)
	assert.Equal(t, paytype.Amount(4584), cl.Amount)

	got, err = e.c.Sync(ctx, "k-1")
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusInitial, got.Status, "the recorded claim alone never sets the state")
	require.NoError(t, e.sim.SetStatus("k-1", "1"))
	got, err = e.c.Sync(ctx, "k-1")
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusPaid, got.Status, "the pull confirms, the recorded claim reports the amount")
	assert.Equal(t, 1, e.changeCount())
}

func TestForgedReplayedCrossTenantPushes(t *testing.T) {
	cases := []struct {
		name string
		mut  func(e *pmEnv, n *pmpayment.Notification)
		code int
	}{
		{"forged hash", func(_ *pmEnv, n *pmpayment.Notification) { n.Hash = strings.Repeat("0", 64) }, 400},
		{"no hash", func(_ *pmEnv, n *pmpayment.Notification) { n.Hash = "" }, 400},
		{"signed by attacker", func(_ *pmEnv, n *pmpayment.Notification) { _ = pmpayment.SignNotification(n, "guess") }, 400},
		{"amount changed after signing", func(_ *pmEnv, n *pmpayment.Notification) { n.Amount = "1" }, 400},
		{"status changed after signing", func(_ *pmEnv, n *pmpayment.Notification) { n.Status = "0" }, 400},
		{"other tenant's secret", func(_ *pmEnv, n *pmpayment.Notification) {
			n.AGS = "05315000"
			_ = pmpayment.SignNotification(n, "tenant-b-salt")
		}, 400},
		{"other tenant's ags, our secret", func(_ *pmEnv, n *pmpayment.Notification) {
			n.AGS = "05315000"
			_ = pmpayment.SignNotification(n, "tenant-a-salt")
		}, 400},
		{"replayed after tolerance", func(e *pmEnv, _ *pmpayment.Notification) { e.advance(4*time.Hour + time.Second) }, 400},
		{"from the future", func(e *pmEnv, n *pmpayment.Notification) {
			n.CreatedAt = e.Now().Add(time.Hour).Format(pmpayment.CreatedAtLayout)
			_ = pmpayment.SignNotification(n, "tenant-a-salt")
		}, 400},
		{"bad created_at", func(_ *pmEnv, n *pmpayment.Notification) {
			n.CreatedAt = "yesterday"
			_ = pmpayment.SignNotification(n, "tenant-a-salt")
		}, 400},
		{"signed wrong amount", func(_ *pmEnv, n *pmpayment.Notification) {
			n.Amount = "100"
			_ = pmpayment.SignNotification(n, "tenant-a-salt")
		}, 400},
		{"unknown status", func(_ *pmEnv, n *pmpayment.Notification) {
			n.Status = "2"
			_ = pmpayment.SignNotification(n, "tenant-a-salt")
		}, 400},
		{"unknown transaction", func(_ *pmEnv, n *pmpayment.Notification) {
			n.TxID = "k-unknown"
			_ = pmpayment.SignNotification(n, "tenant-a-salt")
		}, 404},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newPMEnv(t, nil)
			ctx := context.Background()
			_, err := e.c.Create(ctx, pmRequest("k-1"))
			require.NoError(t, err)
			require.NoError(t, e.sim.SetStatus("k-1", "1"))
			n, err := e.sim.Notification("k-1")
			require.NoError(t, err)
			c.mut(e, n)
			code, err := e.sim.Push(ctx, "k-1", n)
			require.NoError(t, err)
			assert.Equal(t, c.code, code)
			got, _ := e.c.Get(ctx, "k-1")
			assert.Equal(t, paytype.StatusInitial, got.Status)
			assert.Zero(t, e.changeCount())
			assert.Zero(t, e.sim.Calls("status"), "a refused push never triggers a pull")
		})
	}
}

func TestForgeHelper(t *testing.T) {
	e := newPMEnv(t, nil)
	ctx := context.Background()
	_, err := e.c.Create(ctx, pmRequest("k-1"))
	require.NoError(t, err)
	n, err := e.sim.Forge("k-1", func(n *pmpayment.Notification) { n.Status = "1" }, "")
	require.NoError(t, err)
	code, err := e.sim.Push(ctx, "k-1", n)
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, code)
	n, err = e.sim.Forge("k-1", nil, "other-tenant-salt")
	require.NoError(t, err)
	code, err = e.sim.Push(ctx, "k-1", n)
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, code)
	_, err = e.sim.Replay(ctx, "nope")
	require.ErrorIs(t, err, paystore.ErrNotFound)
}

func TestVerifyPushErrors(t *testing.T) {
	e := newPMEnv(t, nil)
	ctx := context.Background()
	_, err := e.c.Create(ctx, pmRequest("k-1"))
	require.NoError(t, err)
	n, err := e.sim.Notification("k-1")
	require.NoError(t, err)
	body := []byte(n.Form().Encode())
	_, err = e.p.VerifyPush(ctx, payprovider.PushInput{Method: "POST", Body: body})
	require.NoError(t, err)
	checks := map[string]struct {
		in   payprovider.PushInput
		want error
	}{
		"GET":            {payprovider.PushInput{Method: "GET", Body: body}, payprovider.ErrInvalidPush},
		"repeated field": {payprovider.PushInput{Body: append(append([]byte{}, body...), "&status=1"...)}, payprovider.ErrInvalidPush},
		"oversized":      {payprovider.PushInput{Body: bytes.Repeat([]byte("a"), payment.MaxPushBody+1)}, payprovider.ErrInvalidPush},
		"bad encoding":   {payprovider.PushInput{Body: []byte("%zz")}, payprovider.ErrInvalidPush},
		"empty":          {payprovider.PushInput{Body: nil}, payprovider.ErrInvalidPush},
		"forged":         {payprovider.PushInput{Body: []byte(strings.Replace(string(body), "amount=4584", "amount=4585", 1))}, payprovider.ErrInvalidSignature},
	}
	for name, c := range checks {
		_, err := e.p.VerifyPush(ctx, c.in)
		require.ErrorIs(t, err, c.want, name)
	}
	e.advance(5 * time.Hour)
	_, err = e.p.VerifyPush(ctx, payprovider.PushInput{Body: body})
	require.ErrorIs(t, err, payprovider.ErrTooOld)
}

func TestSecretRotation(t *testing.T) {
	e := newPMEnv(t, func(c *pmpayment.Config) { c.PushSecrets = []payprovider.Secret{"tenant-a-new", "tenant-a-salt"} })
	ctx := context.Background()
	_, err := e.c.Create(ctx, pmRequest("k-1"))
	require.NoError(t, err)
	n, err := e.sim.Notification("k-1") // signed with the old salt
	require.NoError(t, err)
	_, err = e.p.VerifyPush(ctx, payprovider.PushInput{Body: []byte(n.Form().Encode())})
	require.NoError(t, err)
	require.NoError(t, pmpayment.SignNotification(n, "tenant-a-new"))
	_, err = e.p.VerifyPush(ctx, payprovider.PushInput{Body: []byte(n.Form().Encode())})
	require.NoError(t, err)
	require.NoError(t, pmpayment.SignNotification(n, "retired"))
	_, err = e.p.VerifyPush(ctx, payprovider.PushInput{Body: []byte(n.Form().Encode())})
	require.ErrorIs(t, err, payprovider.ErrInvalidSignature)
}

func TestInitHashAndErrors(t *testing.T) {
	e := newPMEnv(t, func(c *pmpayment.Config) { c.Salt = "wrong-salt-value" })
	_, err := e.c.Create(context.Background(), pmRequest("k-1"))
	require.ErrorIs(t, err, payprovider.ErrValidation, "pmPayment: ungültiger Hashwert")
	assert.NotContains(t, err.Error(), "wrong-salt-value")
	assert.NotContains(t, e.log.String(), "wrong-salt-value")

	e2 := newPMEnv(t, nil)
	r := pmRequest("k-2")
	r.Purpose = "Gebuehr_Parken" // "_" is not in pmPayment's SEPA set
	_, err = e2.c.Create(context.Background(), r)
	require.ErrorIs(t, err, paytype.ErrInvalidRequest)
	assert.Zero(t, e2.sim.Calls("init"))
}

// Anti-pattern 9.7 (payment/paymenttest/SOURCES.md): the notify URL is configuration, never derived from
// the redirect URL.
func TestNotifyURLExplicit(t *testing.T) {
	e := newPMEnv(t, nil)
	f, err := e.p.InitFields(&payprovider.Submission{RequestID: "k-1", Request: pmRequest("k-1")})
	require.NoError(t, err)
	assert.Equal(t, e.app.URL+"/payment/notify", f.Get("notifyURL"))
	assert.NotEqual(t, strings.Replace(f.Get("redirectURL"), "return", "notify", 1), f.Get("notifyURL"))
	assert.Equal(t, "4584", f.Get("amount"), "integer cents")
	assert.Contains(t, f.Get("accountingRecord"), `"kassenzeichen":"4200000000061"`)
	base := e.sim.Config("")
	_, err = pmpayment.New(base)
	require.Error(t, err, "NotifyURL is required")
}

func TestConfigValidation(t *testing.T) {
	good := pmpayment.Config{BaseURL: "https://payment-test.itebo.de", AGS: "09162000", Procedure: "parken", Salt: "s", NotifyURL: "https://s.example/n"}
	_, err := pmpayment.New(good)
	require.NoError(t, err)
	for name, mut := range map[string]func(*pmpayment.Config){
		"http":         func(c *pmpayment.Config) { c.BaseURL = "http://payment-test.itebo.de" },
		"ags 7":        func(c *pmpayment.Config) { c.AGS = "0916200" },
		"ags letters":  func(c *pmpayment.Config) { c.AGS = "0916200x" },
		"no procedure": func(c *pmpayment.Config) { c.Procedure = "" },
		"pipe":         func(c *pmpayment.Config) { c.Procedure = "a|b" },
		"no salt":      func(c *pmpayment.Config) { c.Salt = "" },
		"notify http":  func(c *pmpayment.Config) { c.NotifyURL = "http://s.example/n" },
		"notify creds": func(c *pmpayment.Config) { c.NotifyURL = "https://u:p@s.example/n" },
	} {
		c := good
		mut(&c)
		_, err := pmpayment.New(c)
		require.Error(t, err, name)
	}
}

func TestStatusPullMapping(t *testing.T) {
	e := newPMEnv(t, nil)
	ctx := context.Background()
	_, err := e.c.Create(ctx, pmRequest("k-1"))
	require.NoError(t, err)
	for status, want := range map[string]paytype.Status{"-1": paytype.StatusInitial, "0": paytype.StatusFailed, "1": paytype.StatusPaid} {
		require.NoError(t, e.sim.SetStatus("k-1", status))
		pt, err := e.p.Get(ctx, payprovider.Ref{TransactionID: "k-1"})
		require.NoError(t, err)
		assert.Equal(t, want, pt.Status)
	}
	require.NoError(t, e.sim.SetStatus("k-1", "7"))
	_, err = e.p.Get(ctx, payprovider.Ref{TransactionID: "k-1"})
	require.ErrorIs(t, err, paytype.ErrUnknownStatus)
	e.sim.FailNext(1, 503)
	require.NoError(t, e.sim.SetStatus("k-1", "1"))
	pt, err := e.p.Get(ctx, payprovider.Ref{TransactionID: "k-1"})
	require.NoError(t, err, "status pull retried")
	assert.Equal(t, paytype.StatusPaid, pt.Status)
	_, err = e.p.Get(ctx, payprovider.Ref{TransactionID: "nope"})
	require.ErrorIs(t, err, paystore.ErrNotFound)
}

func TestDuplicateTxIDRecovered(t *testing.T) {
	e := newPMEnv(t, nil)
	ctx := context.Background()
	sub := &payprovider.Submission{RequestID: "k-1", Request: pmRequest("k-1")}
	_, err := e.p.Create(ctx, sub)
	require.NoError(t, err)
	// The client never saw the answer; its Create re-sends, gets 409 and
	// recovers by txid.
	tx, err := e.c.Create(ctx, pmRequest("k-1"))
	require.NoError(t, err)
	assert.Equal(t, "k-1", tx.TransactionID)
}

func FuzzParseNotification(f *testing.F) {
	f.Add([]byte("ags=09162000&txid=k-1&amount=4584&desc=x&status=1&payment_method=giropay&created_at=2026-03-01+10%3A00%3A00&hash=00"))
	f.Add([]byte("ags=&&&=="))
	f.Add([]byte("%"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := pmpayment.ParseNotification(b)
		if err != nil {
			return
		}
		if n.AGS == "" || n.TxID == "" || n.Status == "" {
			t.Fatal("required field empty after successful parse")
		}
	})
}

// Mutated signed notifications never verify.
func FuzzVerifyPush(f *testing.F) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	p, err := pmpayment.New(pmpayment.Config{BaseURL: "https://pm.example", AGS: "09162000", Procedure: "p", Salt: "salt",
		NotifyURL: "https://s.example/n", Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	n := &pmpayment.Notification{AGS: "09162000", TxID: "k-1", Amount: "4584", Desc: "x", Status: "1", PaymentMethod: "giropay", CreatedAt: "2026-03-01 10:00:00"}
	if err := pmpayment.SignNotification(n, "salt"); err != nil {
		f.Fatal(err)
	}
	orig := n.Form().Encode()
	f.Add([]byte(orig))
	f.Fuzz(func(t *testing.T, b []byte) {
		push, err := p.VerifyPush(context.Background(), payprovider.PushInput{Body: b})
		if err != nil {
			return
		}
		q, _ := url.ParseQuery(string(b))
		m := &pmpayment.Notification{AGS: q.Get("ags"), TxID: q.Get("txid"), Amount: q.Get("amount"), Desc: q.Get("desc"),
			Status: q.Get("status"), PaymentMethod: q.Get("payment_method"), CreatedAt: q.Get("created_at")}
		if m.Message() != n.Message() {
			t.Fatalf("mutated notification verified: %+v", push)
		}
	})
}

// Secrets in configuration never reach a log line, even when a caller logs
// the whole Config.
func TestConfigSecretsNotLogged(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	cfg := pmpayment.Config{BaseURL: "https://pm.example", AGS: "09162000", Procedure: "p", Salt: "salt-XYZ-123",
		PushSecrets: []payprovider.Secret{"push-ABC-987"}, NotifyURL: "https://s.example/n"}
	logger.Info("config", "cfg", cfg, "salt", cfg.Salt)
	fmtOut := fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg)
	for _, s := range []string{"salt-XYZ-123", "push-ABC-987"} {
		assert.NotContains(t, buf.String(), s)
		assert.NotContains(t, fmtOut, s)
	}
	p, err := pmpayment.New(cfg)
	require.NoError(t, err)
	assert.NotContains(t, fmt.Sprintf("%+v", p), "salt-XYZ-123")
}
