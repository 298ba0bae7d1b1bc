package paymenttest

import (
	"context"
	"fmt"
	"sync"

	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// FakeProvider is an in-memory payprovider.Provider (and Recoverer) without
// network, for unit tests and testing/synctest bubbles. It behaves like
// the XBezahldienste simulator: PAYMENT_EXISTS on a repeated requestId,
// transactionId = "FX-" + requestId. Safe for concurrent use.
type FakeProvider struct {
	mu      sync.Mutex
	txs     map[string]*payprovider.ProviderTransaction
	creates int
	gets    int
	// CreateErr, when set, is returned by the next creates (and consumed).
	createErrs []error
	getErrs    []error
	loseNext   int
	// CreateHook runs inside Create before it answers (e.g. to block).
	CreateHook func(ctx context.Context)
}

// NewFakeProvider returns an empty FakeProvider.
func NewFakeProvider() *FakeProvider {
	return &FakeProvider{txs: map[string]*payprovider.ProviderTransaction{}}
}

// FailCreates makes the next creates return errs in order.
func (f *FakeProvider) FailCreates(errs ...error) {
	f.mu.Lock()
	f.createErrs = append(f.createErrs, errs...)
	f.mu.Unlock()
}

// FailGets makes the next gets return errs in order.
func (f *FakeProvider) FailGets(errs ...error) {
	f.mu.Lock()
	f.getErrs = append(f.getErrs, errs...)
	f.mu.Unlock()
}

// LoseNextCreates makes the next n creates commit and then return a
// transport error (the answer is lost).
func (f *FakeProvider) LoseNextCreates(n int) {
	f.mu.Lock()
	f.loseNext += n
	f.mu.Unlock()
}

// Creates and Gets count calls.
func (f *FakeProvider) Creates() int { f.mu.Lock(); defer f.mu.Unlock(); return f.creates }

// Gets counts Get calls.
func (f *FakeProvider) Gets() int { f.mu.Lock(); defer f.mu.Unlock(); return f.gets }

// Set changes what Get reports for a requestId: status (any string) and,
// when amount ≥ 0, the reported amount.
func (f *FakeProvider) Set(requestID string, status paytype.Status, amount paytype.Amount) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.txs[requestID]
	if !ok {
		return paystore.ErrNotFound
	}
	t.Status = status
	if amount >= 0 {
		t.Amount = amount
	}
	return nil
}

// Unreport makes Get (and Recover) report requestId's transaction without
// amount (amount true) and/or without currency (currency true), like a
// Bezahldienst that leaves out the paymentRequest echo.
func (f *FakeProvider) Unreport(requestID string, amount, currency bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.txs[requestID]
	if !ok {
		return paystore.ErrNotFound
	}
	if amount {
		t.Amount, t.AmountReported = 0, false
	}
	if currency {
		t.Currency = ""
	}
	return nil
}

// Create implements payprovider.Provider.
func (f *FakeProvider) Create(ctx context.Context, sub *payprovider.Submission) (*payprovider.ProviderTransaction, error) {
	if f.CreateHook != nil {
		f.CreateHook(ctx)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.creates++
	if len(f.createErrs) > 0 {
		err := f.createErrs[0]
		f.createErrs = f.createErrs[1:]
		return nil, err
	}
	if _, dup := f.txs[sub.RequestID]; dup {
		return nil, &payprovider.ProviderError{HTTPStatus: 409, FunctionalCode: "PAYMENT_EXISTS", Err: payprovider.ErrPaymentExists}
	}
	t := &payprovider.ProviderTransaction{
		RequestID: sub.RequestID, TransactionID: "FX-" + sub.RequestID, PayURL: "https://pay.example/FX-" + sub.RequestID,
		Status: paytype.StatusInitial, Amount: sub.Request.Total, AmountReported: true, Currency: sub.Request.Currency,
	}
	f.txs[sub.RequestID] = t
	if f.loseNext > 0 {
		f.loseNext--
		return nil, fmt.Errorf("%w: connection reset (lost answer)", payprovider.ErrUnavailable)
	}
	c := *t
	return &c, nil
}

// Get implements payprovider.Provider.
func (f *FakeProvider) Get(_ context.Context, ref payprovider.Ref) (*payprovider.ProviderTransaction, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets++
	if len(f.getErrs) > 0 {
		err := f.getErrs[0]
		f.getErrs = f.getErrs[1:]
		return nil, err
	}
	for _, t := range f.txs {
		if t.TransactionID == ref.TransactionID {
			if !t.Status.Valid() {
				return nil, fmt.Errorf("%w: %s", paytype.ErrUnknownStatus, t.Status)
			}
			c := *t
			if c.Status != paytype.StatusInitial {
				c.PayURL = ""
			}
			return &c, nil
		}
	}
	return nil, paystore.ErrNotFound
}

// Recover implements payprovider.Recoverer.
func (f *FakeProvider) Recover(ctx context.Context, sub *payprovider.Submission) (*payprovider.ProviderTransaction, error) {
	return f.Get(ctx, payprovider.Ref{TransactionID: "FX-" + sub.RequestID})
}
