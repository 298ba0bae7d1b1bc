package payment_test

import (
	"context"
	"sync"
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

// faultyStore fails the named methods the given number of times.
type faultyStore struct {
	paystore.Store
	mu   sync.Mutex
	fail map[string]int
}

func newFaultyStore() *faultyStore {
	return &faultyStore{Store: paystore.NewMemoryStore(), fail: map[string]int{}}
}

func (f *faultyStore) failNext(method string, n int) {
	f.mu.Lock()
	f.fail[method] += n
	f.mu.Unlock()
}

func (f *faultyStore) hit(method string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail[method] > 0 {
		f.fail[method]--
		return errStoreDown
	}
	return nil
}

func (f *faultyStore) Confirm(ctx context.Context, id string, c paystore.Confirmation) (*paytype.Transaction, error) {
	if err := f.hit("Confirm"); err != nil {
		return nil, err
	}
	return f.Store.Confirm(ctx, id, c)
}

func (f *faultyStore) Due(ctx context.Context, now time.Time, limit int) ([]*paytype.Transaction, error) {
	if err := f.hit("Due"); err != nil {
		return nil, err
	}
	return f.Store.Due(ctx, now, limit)
}

func (f *faultyStore) Transition(ctx context.Context, id string, from, to paytype.Status, u paystore.Update) (*paytype.Transaction, error) {
	if err := f.hit("Transition"); err != nil {
		return nil, err
	}
	return f.Store.Transition(ctx, id, from, to, u)
}

// A store error while the reconciler re-sends an unconfirmed create is a
// fault on our side, not a refusal: no anomaly, the request stays
// scheduled, and the next round confirms it.
func TestReconcileStoreErrorIsNotARefusal(t *testing.T) {
	fs := newFaultyStore()
	h := newHarness(t, func(c *payment.Config) { c.Store = fs })
	h.fake.FailCreates(payprovider.ErrUnavailable, payprovider.ErrUnavailable, payprovider.ErrUnavailable)
	_, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.ErrorIs(t, err, payprovider.ErrUnavailable)

	fs.failNext("Confirm", 1)
	h.clk.Add(2 * time.Minute)
	_, err = h.c.ReconcileOnce(context.Background())
	require.ErrorIs(t, err, errStoreDown, "store errors stay errors")
	var se *paystore.StoreError
	require.ErrorAs(t, err, &se)
	an, _ := h.c.Anomalies(context.Background(), "k-1")
	assert.Empty(t, an, "a store failure is no refusal by the payment service")
	got, _ := h.c.Get(context.Background(), "k-1")
	require.False(t, got.NextCheckAt.IsZero(), "still scheduled")

	h.clk.t = got.NextCheckAt.Add(time.Second)
	_, err = h.c.ReconcileOnce(context.Background())
	require.NoError(t, err)
	got, _ = h.c.Get(context.Background(), "k-1")
	assert.Equal(t, paytype.StatusInitial, got.Status)
	an, _ = h.c.Anomalies(context.Background(), "k-1")
	assert.Empty(t, an)
}

// A store error while applying a pulled state keeps the transaction due.
func TestReconcileTransitionStoreErrorRetried(t *testing.T) {
	fs := newFaultyStore()
	h := newHarness(t, func(c *payment.Config) { c.Store = fs })
	createdTx(t, h, "k-1")
	require.NoError(t, h.fake.Set("k-1", paytype.StatusPaid, -1))
	fs.failNext("Transition", 1)
	h.clk.Add(time.Hour)
	_, err := h.c.ReconcileOnce(context.Background())
	require.ErrorIs(t, err, errStoreDown)
	_, err = h.c.ReconcileOnce(context.Background())
	require.NoError(t, err)
	got, _ := h.c.Get(context.Background(), "k-1")
	assert.Equal(t, paytype.StatusPaid, got.Status)
	assert.Equal(t, 1, h.changeCount())
}

// Run survives store failures: it logs, backs off and keeps reconciling
// until its context ends, and then returns nil.
func TestRunKeepsGoingAfterStoreErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := paymenttest.NewFakeProvider()
		fs := newFaultyStore()
		changes := make(chan payment.StatusChange, 1)
		c, err := payment.New(payment.Config{
			Provider: fake, Store: fs, PollInitial: time.Minute, PollInterval: 10 * time.Second, PollMax: 5 * time.Minute,
			Logger:         discardLogger(),
			OnStatusChange: func(_ context.Context, sc payment.StatusChange) { changes <- sc },
		})
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		_, err = c.Create(ctx, paymenttest.ValidRequest("k-1"))
		require.NoError(t, err)
		require.NoError(t, fake.Set("k-1", paytype.StatusPaid, -1))
		fs.failNext("Due", 5)
		go func() { done <- c.Run(ctx) }()
		time.Sleep(time.Hour)
		select {
		case sc := <-changes:
			assert.Equal(t, paytype.StatusPaid, sc.To)
		case err := <-done:
			t.Fatalf("Run returned %v before its context ended", err)
		default:
			t.Fatal("no status change within an hour of fake time")
		}
		cancel()
		assert.NoError(t, <-done)
	})
}

// After PAYMENT_EXISTS that cannot be recovered, the error says both:
// outcome unknown, and the provider's PAYMENT_EXISTS.
func TestOutcomeUnknownKeepsPaymentExists(t *testing.T) {
	for name, recoverErr := range map[string]error{
		"no recoverer":    nil,
		"recover refused": payprovider.ErrProtocol,
	} {
		t.Run(name, func(t *testing.T) {
			fake := paymenttest.NewFakeProvider()
			var p payprovider.Provider = plainProvider{fake}
			if recoverErr != nil {
				p = failingRecoverer{plainProvider{fake}, recoverErr}
			}
			c, err := payment.New(payment.Config{Provider: p, Store: paystore.NewMemoryStore(), Logger: discardLogger()})
			require.NoError(t, err)
			fake.FailCreates(&payprovider.ProviderError{HTTPStatus: 409, FunctionalCode: "PAYMENT_EXISTS", Err: payprovider.ErrPaymentExists})
			_, err = c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
			require.ErrorIs(t, err, payment.ErrOutcomeUnknown)
			require.ErrorIs(t, err, payprovider.ErrPaymentExists)
			var pe *payprovider.ProviderError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "PAYMENT_EXISTS", pe.FunctionalCode)
		})
	}
}

type plainProvider struct{ f *paymenttest.FakeProvider }

func (p plainProvider) Create(ctx context.Context, s *payprovider.Submission) (*payprovider.ProviderTransaction, error) {
	return p.f.Create(ctx, s)
}

func (p plainProvider) Get(ctx context.Context, r payprovider.Ref) (*payprovider.ProviderTransaction, error) {
	return p.f.Get(ctx, r)
}

type failingRecoverer struct {
	plainProvider
	err error
}

func (f failingRecoverer) Recover(context.Context, *payprovider.Submission) (*payprovider.ProviderTransaction, error) {
	return nil, f.err
}

// A key whose create was refused is not sent again by a repeated Create
// either: the caller gets ErrCreateEnded and no provider call is made.
func TestCreateAfterRefusalEnded(t *testing.T) {
	h := newHarness(t, nil)
	h.fake.FailCreates(&payprovider.ProviderError{HTTPStatus: 422, FunctionalCode: "VALIDATION_ERROR", Err: payprovider.ErrValidation})
	_, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.ErrorIs(t, err, payprovider.ErrValidation)
	_, err = h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.ErrorIs(t, err, payment.ErrCreateEnded)
	assert.Equal(t, 1, h.fake.Creates())
}

// 401/403 and transport failures are no refusal: the request stays
// scheduled and is re-sent.
func TestCreateNotRefusedOnAuthOrTransport(t *testing.T) {
	for name, e := range map[string]error{
		"forbidden":   &payprovider.ProviderError{HTTPStatus: 403, FunctionalCode: "FORBIDDEN", Err: payprovider.ErrForbidden},
		"unavailable": payprovider.ErrUnavailable,
		"certificate": &payprovider.CertificateError{Host: "pay.example", Err: errStoreDown},
		"429":         &payprovider.ProviderError{HTTPStatus: 429, Err: payprovider.ErrUnavailable},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, func(c *payment.Config) { c.CreateAttempts = 1 })
			h.fake.FailCreates(e)
			_, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
			require.ErrorIs(t, err, e)
			an, _ := h.c.Anomalies(context.Background(), "k-1")
			assert.Empty(t, an)
			h.clk.Add(time.Hour)
			_, err = h.c.ReconcileOnce(context.Background())
			require.NoError(t, err)
			got, _ := h.c.Get(context.Background(), "k-1")
			assert.Equal(t, paytype.StatusInitial, got.Status)
		})
	}
}
