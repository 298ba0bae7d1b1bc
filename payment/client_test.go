package payment_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type harness struct {
	c       *payment.Client
	fake    *paymenttest.FakeProvider
	store   *paystore.MemoryStore
	clk     *clock
	changes []payment.StatusChange
	mu      sync.Mutex
	logs    *bytes.Buffer
}

func newHarness(t *testing.T, mod func(*payment.Config)) *harness {
	t.Helper()
	h := &harness{fake: paymenttest.NewFakeProvider(), store: paystore.NewMemoryStore(), clk: &clock{t: t0}, logs: &bytes.Buffer{}}
	var logMu sync.Mutex
	cfg := payment.Config{
		Provider: h.fake, Store: h.store, Now: h.clk.Now,
		Logger: slog.New(slog.NewJSONHandler(&lockedWriter{w: h.logs, mu: &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Sleep:  func(ctx context.Context, d time.Duration) error { return ctx.Err() },
		OnStatusChange: func(_ context.Context, sc payment.StatusChange) {
			h.mu.Lock()
			h.changes = append(h.changes, sc)
			h.mu.Unlock()
		},
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := payment.New(cfg)
	require.NoError(t, err)
	h.c = c
	return h
}

func (h *harness) changeCount() int { h.mu.Lock(); defer h.mu.Unlock(); return len(h.changes) }

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestNewInvalidConfig(t *testing.T) {
	t.Parallel()
	fake := paymenttest.NewFakeProvider()
	mem := paystore.NewMemoryStore()
	for name, cfg := range map[string]payment.Config{
		"empty":               {},
		"no provider":         {Store: mem},
		"nil store":           {Provider: fake},
		"negative expiry":     {Provider: fake, Store: mem, Expiry: -1},
		"negative attempts":   {Provider: fake, Store: mem, CreateAttempts: -1},
		"negative lease":      {Provider: fake, Store: mem, CreateLease: -1},
		"negative lease poll": {Provider: fake, Store: mem, CreateLeasePoll: -1},
		"negative batch":      {Provider: fake, Store: mem, PollBatch: -1},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := payment.New(cfg)
			require.ErrorIs(t, err, payment.ErrInvalidConfig)
		})
	}
	_, err := payment.New(payment.Config{Provider: fake, Store: mem})
	require.NoError(t, err, "an in-memory store is an explicit choice")
}

// A RedirectURL with plain http to a loopback host is accepted only with
// InsecureDevelopment; other http hosts never.
func TestInsecureDevelopmentRedirectURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		url     string
		dev, ok bool
	}{
		{"http://127.0.0.1:8080/r", true, true},
		{"http://localhost/r", true, true},
		{"http://[::1]/r", true, true},
		{"http://127.0.0.1:8080/r", false, false},
		{"http://localhost/r", false, false},
		{"http://service.example/r", true, false},
		{"http://127.0.0.1.example/r", true, false},
		{"http://u:p@127.0.0.1/r", true, false},
		{"http://127.0.0.1/r#x", true, false},
		{"ftp://127.0.0.1/r", true, false},
		{"https://service.example/r", false, true},
	}
	for _, c := range cases {
		h := newHarness(t, func(cfg *payment.Config) { cfg.InsecureDevelopment = c.dev })
		r := paymenttest.ValidRequest("k-1")
		r.RedirectURL = c.url
		_, err := h.c.Create(context.Background(), r)
		if c.ok {
			require.NoError(t, err, c.url)
			continue
		}
		require.ErrorIs(t, err, paytype.ErrInvalidRequest, c.url)
		assert.Zero(t, h.fake.Creates(), c.url)
	}
	assert.Error(t, (&paytype.CreateRequest{}).Validate())
	r := paymenttest.ValidRequest("k-1")
	r.RedirectURL = "http://127.0.0.1/r"
	require.ErrorIs(t, r.Validate(), paytype.ErrInvalidRequest, "Validate alone is strict")
}

func TestCreateHappy(t *testing.T) {
	h := newHarness(t, nil)
	tx, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusInitial, tx.Status)
	assert.Equal(t, "FX-k-1", tx.TransactionID)
	assert.NotEmpty(t, tx.PayURL)
	assert.True(t, tx.NextCheckAt.After(t0))
	assert.Equal(t, 1, h.fake.Creates())
}

func TestCreatePersistsBeforePost(t *testing.T) {
	h := newHarness(t, nil)
	seen := false
	h.fake.CreateHook = func(ctx context.Context) {
		got, err := h.store.Get(ctx, "k-1")
		seen = err == nil && got.Status == ""
	}
	_, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	assert.True(t, seen, "request must be stored before the provider call")
}

func TestCreateInvalidChangesNothing(t *testing.T) {
	h := newHarness(t, nil)
	r := paymenttest.ValidRequest("k-1")
	r.Purpose = "this purpose is far too long for SEPA"
	_, err := h.c.Create(context.Background(), r)
	require.ErrorIs(t, err, paytype.ErrInvalidRequest)
	_, err = h.store.Get(context.Background(), "k-1")
	require.ErrorIs(t, err, paystore.ErrNotFound)
	assert.Zero(t, h.fake.Creates())
	_, err = h.c.Create(context.Background(), nil)
	require.ErrorIs(t, err, paytype.ErrInvalidRequest)
}

func TestCreateIdempotentSameBody(t *testing.T) {
	h := newHarness(t, nil)
	a, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	b, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	assert.Equal(t, a.TransactionID, b.TransactionID)
	assert.Equal(t, 1, h.fake.Creates())
}

func TestCreateIdempotencyConflict(t *testing.T) {
	h := newHarness(t, nil)
	_, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	other := paymenttest.ValidRequest("k-1")
	other.Items[0].Booking.Belegnummer = "B-2026-0002"
	_, err = h.c.Create(context.Background(), other)
	require.ErrorIs(t, err, payment.ErrIdempotencyConflict)
	assert.Equal(t, 1, h.fake.Creates(), "no provider call on conflict")
}

// Fifty concurrent callers with one key share one provider call. The
// bubble's synctest.Wait replaces a sleep: the create is released only
// once every other caller is blocked waiting for it.
func TestCreateConcurrent50OneProviderCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, nil)
		gate := make(chan struct{})
		h.fake.CreateHook = func(context.Context) { <-gate }
		var wg sync.WaitGroup
		ids := make([]string, 50)
		errs := make([]error, 50)
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tx, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-50"))
				errs[i] = err
				if err == nil {
					ids[i] = tx.TransactionID
				}
			}()
		}
		synctest.Wait() // all 50 callers are blocked: one in the create, 49 on it
		close(gate)
		wg.Wait()
		for i := range ids {
			require.NoError(t, errs[i])
			assert.Equal(t, "FX-k-50", ids[i])
		}
		assert.Equal(t, 1, h.fake.Creates())
	})
}

func TestCreateConcurrentConflictingBodies(t *testing.T) {
	h := newHarness(t, nil)
	var ok, conflict atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := paymenttest.ValidRequest("k-x")
			if i%2 == 1 {
				r.Description = "anders"
			}
			_, err := h.c.Create(context.Background(), r)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, payment.ErrIdempotencyConflict):
				conflict.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(20), ok.Load()+conflict.Load())
	assert.Equal(t, int32(10), ok.Load(), "exactly the callers with the winning body succeed")
	assert.Equal(t, 1, h.fake.Creates())
}

// Anti-pattern 9.8 (payment/paymenttest/SOURCES.md): a retry after a lost answer re-sends the same
// requestId and recovers the transaction after PAYMENT_EXISTS.
func TestCreateLostResponseRecovered(t *testing.T) {
	h := newHarness(t, nil)
	h.fake.LoseNextCreates(1)
	tx, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-lost"))
	require.NoError(t, err)
	assert.Equal(t, "FX-k-lost", tx.TransactionID)
	assert.Equal(t, 2, h.fake.Creates(), "one lost attempt, one PAYMENT_EXISTS")
}

func TestCreateRetryKeepsRequestIDAndTimestamp(t *testing.T) {
	rec := &recordingProvider{FakeProvider: paymenttest.NewFakeProvider()}
	rec.FailCreates(&payprovider.ProviderError{HTTPStatus: 503, Err: payprovider.ErrUnavailable},
		&payprovider.ProviderError{HTTPStatus: 502, Err: payprovider.ErrUnavailable})
	h := newHarness(t, func(c *payment.Config) { c.Provider = rec })
	_, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-r"))
	require.NoError(t, err)
	require.Len(t, rec.subs, 3)
	for _, s := range rec.subs {
		assert.Equal(t, "k-r", s.RequestID)
		assert.True(t, s.Timestamp.Equal(rec.subs[0].Timestamp))
	}
	// A later Create after a failure also re-sends the stored timestamp.
}

type recordingProvider struct {
	*paymenttest.FakeProvider
	mu   sync.Mutex
	subs []payprovider.Submission
}

func (r *recordingProvider) Create(ctx context.Context, sub *payprovider.Submission) (*payprovider.ProviderTransaction, error) {
	r.mu.Lock()
	r.subs = append(r.subs, *sub)
	r.mu.Unlock()
	return r.FakeProvider.Create(ctx, sub)
}

func TestCreateNonRetryableNotRetried(t *testing.T) {
	h := newHarness(t, nil)
	h.fake.FailCreates(&payprovider.ProviderError{HTTPStatus: 400, FunctionalCode: "BOOKING_DATA_MISSING", Err: payprovider.ErrBookingDataMissing})
	_, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.ErrorIs(t, err, payprovider.ErrBookingDataMissing)
	assert.Equal(t, 1, h.fake.Creates())
	// The request stays stored unconfirmed; the same key can be retried
	// after the cause is fixed? No: same key + same body re-sends.
	got, err := h.store.Get(context.Background(), "k-1")
	require.NoError(t, err)
	assert.Equal(t, paytype.Status(""), got.Status)
}

func TestCreateRetriesExhausted(t *testing.T) {
	h := newHarness(t, nil)
	e := &payprovider.ProviderError{HTTPStatus: 503, Err: payprovider.ErrUnavailable}
	h.fake.FailCreates(e, e, e)
	_, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.ErrorIs(t, err, payprovider.ErrUnavailable)
	assert.Equal(t, 3, h.fake.Creates())
	// Later retry with the same key succeeds with the same requestId.
	tx, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	assert.Equal(t, "FX-k-1", tx.TransactionID)
}

func TestCreateOutcomeUnknownWithoutRecoverer(t *testing.T) {
	fake := paymenttest.NewFakeProvider()
	h := newHarness(t, func(c *payment.Config) { c.Provider = noRecover{fake} })
	fake.LoseNextCreates(1)
	_, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.ErrorIs(t, err, payment.ErrOutcomeUnknown)
	an, err := h.c.Anomalies(context.Background(), "k-1")
	require.NoError(t, err)
	require.Len(t, an, 1)
	assert.Equal(t, paystore.AnomalyOutcomeUnknown, an[0].Kind)
}

type noRecover struct{ p *paymenttest.FakeProvider }

func (n noRecover) Create(ctx context.Context, s *payprovider.Submission) (*payprovider.ProviderTransaction, error) {
	return n.p.Create(ctx, s)
}
func (n noRecover) Get(ctx context.Context, r payprovider.Ref) (*payprovider.ProviderTransaction, error) {
	return n.p.Get(ctx, r)
}

func TestCreateContextCanceled(t *testing.T) {
	h := newHarness(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	h.fake.CreateHook = func(context.Context) { cancel() }
	h.fake.FailCreates(&payprovider.ProviderError{HTTPStatus: 503, Err: payprovider.ErrUnavailable})
	_, err := h.c.Create(ctx, paymenttest.ValidRequest("k-1"))
	require.ErrorIs(t, err, context.Canceled)
}

func createdTx(t *testing.T, h *harness, key string) *paytype.Transaction {
	t.Helper()
	tx, err := h.c.Create(context.Background(), paymenttest.ValidRequest(key))
	require.NoError(t, err)
	return tx
}

func TestSyncAppliesPaidOnce(t *testing.T) {
	h := newHarness(t, nil)
	createdTx(t, h, "k-1")
	require.NoError(t, h.fake.Set("k-1", paytype.StatusPaid, -1))
	tx, err := h.c.Sync(context.Background(), "k-1")
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusPaid, tx.Status)
	_, err = h.c.Sync(context.Background(), "k-1")
	require.NoError(t, err)
	require.Equal(t, 1, h.changeCount())
	assert.Equal(t, paytype.StatusInitial, h.changes[0].From)
	assert.Equal(t, paytype.StatusPaid, h.changes[0].To)
}

func TestSyncConcurrentHookExactlyOnce(t *testing.T) {
	h := newHarness(t, nil)
	createdTx(t, h, "k-1")
	require.NoError(t, h.fake.Set("k-1", paytype.StatusPaid, -1))
	var wg sync.WaitGroup
	for i := 0; i < 30; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := h.c.Sync(context.Background(), "k-1")
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, h.changeCount())
}

// Anti-pattern 9.6 (payment/paymenttest/SOURCES.md): a later FAILED never overwrites PAYED.
func TestSyncIllegalTransitionRefused(t *testing.T) {
	cases := []struct{ first, then paytype.Status }{
		{paytype.StatusPaid, paytype.StatusFailed}, {paytype.StatusPaid, paytype.StatusInitial}, {paytype.StatusPaid, paytype.StatusCanceled},
		{paytype.StatusCanceled, paytype.StatusPaid}, {paytype.StatusFailed, paytype.StatusPaid}, {paytype.StatusFailed, paytype.StatusInitial},
	}
	for _, c := range cases {
		t.Run(string(c.first)+"->"+string(c.then), func(t *testing.T) {
			h := newHarness(t, nil)
			createdTx(t, h, "k-1")
			require.NoError(t, h.fake.Set("k-1", c.first, -1))
			_, err := h.c.Sync(context.Background(), "k-1")
			require.NoError(t, err)
			require.NoError(t, h.fake.Set("k-1", c.then, -1))
			tx, err := h.c.Sync(context.Background(), "k-1")
			require.ErrorIs(t, err, paystore.ErrIllegalTransition)
			var te *paystore.TransitionError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, c.first, tx.Status)
			got, _ := h.c.Get(context.Background(), "k-1")
			assert.Equal(t, c.first, got.Status)
			an, _ := h.c.Anomalies(context.Background(), "k-1")
			require.Len(t, an, 1)
			assert.Equal(t, paystore.AnomalyIllegalTransition, an[0].Kind)
			assert.Equal(t, 1, h.changeCount())
		})
	}
}

func TestSyncUnknownStatusNeverPaid(t *testing.T) {
	for _, s := range []paytype.Status{"PAID", "payed", "SUCCESS", "REFUNDED", ""} {
		t.Run(string(s), func(t *testing.T) {
			h := newHarness(t, nil)
			createdTx(t, h, "k-1")
			require.NoError(t, h.fake.Set("k-1", s, -1))
			_, err := h.c.Sync(context.Background(), "k-1")
			require.ErrorIs(t, err, paytype.ErrUnknownStatus)
			got, _ := h.c.Get(context.Background(), "k-1")
			assert.Equal(t, paytype.StatusInitial, got.Status)
			assert.Zero(t, h.changeCount())
			an, _ := h.c.Anomalies(context.Background(), "k-1")
			require.NotEmpty(t, an)
			assert.Equal(t, paystore.AnomalyUnknownStatus, an[0].Kind)
		})
	}
}

// Anti-pattern 9.5 (payment/paymenttest/SOURCES.md): the paid amount is compared with the requested one.
func TestSyncAmountTamperingRefused(t *testing.T) {
	for _, amt := range []paytype.Amount{1, 4583, 4585, 0, paytype.MaxAmount} {
		h := newHarness(t, nil)
		createdTx(t, h, "k-1")
		require.NoError(t, h.fake.Set("k-1", paytype.StatusPaid, amt))
		_, err := h.c.Sync(context.Background(), "k-1")
		require.ErrorIs(t, err, payment.ErrMismatch, amt.String())
		var me *payment.MismatchError
		require.ErrorAs(t, err, &me)
		assert.Equal(t, "amount", me.Field)
		got, _ := h.c.Get(context.Background(), "k-1")
		assert.Equal(t, paytype.StatusInitial, got.Status)
		an, _ := h.c.Anomalies(context.Background(), "k-1")
		require.Len(t, an, 1)
		assert.Equal(t, paystore.AnomalyMismatch, an[0].Kind)
	}
}

func TestSyncMismatchOtherFields(t *testing.T) {
	type pv = payprovider.ProviderTransaction
	cases := map[string]func(p *pv){
		"currency":      func(p *pv) { p.Currency = "USD" },
		"requestId":     func(p *pv) { p.RequestID = "other" },
		"transactionId": func(p *pv) { p.TransactionID = "FX-other" },
	}
	for name, mut := range cases {
		t.Run(name, func(t *testing.T) {
			mp := &mutProvider{FakeProvider: paymenttest.NewFakeProvider()}
			h := newHarness(t, func(c *payment.Config) { c.Provider = mp })
			createdTx(t, h, "k-1")
			require.NoError(t, mp.Set("k-1", paytype.StatusPaid, -1))
			mp.mut = mut
			_, err := h.c.Sync(context.Background(), "k-1")
			require.ErrorIs(t, err, payment.ErrMismatch)
			got, _ := h.c.Get(context.Background(), "k-1")
			assert.Equal(t, paytype.StatusInitial, got.Status)
		})
	}
}

type mutProvider struct {
	*paymenttest.FakeProvider
	mut func(*payprovider.ProviderTransaction)
}

func (m *mutProvider) Get(ctx context.Context, r payprovider.Ref) (*payprovider.ProviderTransaction, error) {
	pt, err := m.FakeProvider.Get(ctx, r)
	if err == nil && m.mut != nil {
		m.mut(pt)
	}
	return pt, err
}

// Anti-pattern 9.9 (payment/paymenttest/SOURCES.md): the redirect's query string never sets the state. The
// only redirect API is Sync(requestID), which pulls.
func TestRedirectQueryNeverTrusted(t *testing.T) {
	h := newHarness(t, nil)
	createdTx(t, h, "k-1")
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tx, err := h.c.Sync(r.Context(), r.URL.Query().Get("rid"))
		if err != nil {
			http.Error(w, "error", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte(tx.Status))
	})
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/return?rid=k-1&status=PAYED&amount=45.84&paid=1", nil))
	assert.Equal(t, "INITIAL", rec.Body.String())
	assert.Zero(t, h.changeCount())
}

func TestSyncUnknownAndUnconfirmed(t *testing.T) {
	h := newHarness(t, nil)
	_, err := h.c.Sync(context.Background(), "nope")
	require.ErrorIs(t, err, paystore.ErrNotFound)
	h.fake.FailCreates(&payprovider.ProviderError{HTTPStatus: 400, Err: payprovider.ErrValidation})
	_, err = h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.Error(t, err)
	_, err = h.c.Sync(context.Background(), "k-1")
	require.ErrorIs(t, err, payment.ErrOutcomeUnknown)
}

func TestLogsCarryNoPersonalData(t *testing.T) {
	h := newHarness(t, nil)
	r := paymenttest.ValidRequest("k-1")
	r.Requestor = &paytype.Requestor{Name: "Mustermann", FirstName: "Erika", Address: &paytype.Address{Street: "Heidestrasse", City: "Koeln"}}
	_, err := h.c.Create(context.Background(), r)
	require.NoError(t, err)
	require.NoError(t, h.fake.Set("k-1", paytype.StatusPaid, 1))
	_, _ = h.c.Sync(context.Background(), "k-1")
	out := h.logs.String()
	require.NotEmpty(t, out)
	for _, s := range []string{"Mustermann", "Erika", "Heidestrasse", "Koeln"} {
		assert.NotContains(t, out, s)
	}
}

// A follower whose leader was cancelled takes over instead of failing.
func TestCreateFollowerSurvivesLeaderCancel(t *testing.T) {
	h := newHarness(t, nil)
	started := make(chan struct{})
	release := make(chan struct{})
	var calls atomic.Int32
	h.fake.CreateHook = func(ctx context.Context) {
		if calls.Add(1) == 1 {
			close(started)
			select {
			case <-ctx.Done():
			case <-release:
			}
		}
	}
	leaderCtx, cancel := context.WithCancel(context.Background())
	leaderErr := make(chan error, 1)
	go func() {
		_, err := h.c.Create(leaderCtx, paymenttest.ValidRequest("k-1"))
		leaderErr <- err
	}()
	<-started
	followerDone := make(chan error, 1)
	go func() {
		_, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
		followerDone <- err
	}()
	cancel()
	require.ErrorIs(t, <-leaderErr, context.Canceled)
	require.NoError(t, <-followerDone)
	close(release)
}

// A leader whose own provider call times out returns instead of looping.
func TestCreateLeaderTimeoutDoesNotLoop(t *testing.T) {
	h := newHarness(t, nil)
	h.fake.FailCreates(context.DeadlineExceeded, context.DeadlineExceeded, context.DeadlineExceeded)
	_, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 1, h.fake.Creates(), "a raw deadline error ends the call; it is not re-led in a loop")
}

// Create keeps no reference into the caller's request, and the
// transaction it returns is the caller's own: modifying either after
// Create changes nothing stored.
func TestCreateResultAndRequestNotAliased(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	req := paymenttest.ValidRequest("k-alias")
	req.Items[0].Booking.Extra = map[string]string{"mandant": "0815"}
	tx, err := h.c.Create(ctx, req)
	require.NoError(t, err)
	req.Items[0].ID = "mutated"
	req.Items[0].Booking.Extra["mandant"] = "mutated"
	req.Purpose = "mutated"
	tx.Request.Items[1].ID = "mutated"
	tx.Status = paytype.StatusPaid
	got, err := h.c.Get(ctx, "k-alias")
	require.NoError(t, err)
	assert.Equal(t, "pos-1", got.Request.Items[0].ID)
	assert.Equal(t, "pos-2", got.Request.Items[1].ID)
	assert.Equal(t, "0815", got.Request.Items[0].Booking.Extra["mandant"])
	assert.NotEqual(t, "mutated", got.Request.Purpose)
	assert.Equal(t, paytype.StatusInitial, got.Status)
	// The same request again is the same payment, not a conflict.
	again, err := h.c.Create(ctx, paymenttest.ValidRequest("k-alias"))
	if assert.Error(t, err) {
		assert.ErrorIs(t, err, payment.ErrIdempotencyConflict, "the stored request carries the Extra booking field")
	}
	assert.Nil(t, again)
}
