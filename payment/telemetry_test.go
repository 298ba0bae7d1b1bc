package payment_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/telemetry/telemetrytest"
	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paytype"
)

func recordedHarness(t *testing.T) (*harness, *telemetrytest.Recorder) {
	rec := telemetrytest.New(t)
	h := newHarness(t, func(c *payment.Config) {
		c.TracerProvider, c.MeterProvider = rec.TracerProvider, rec.MeterProvider
	})
	return h, rec
}

func TestTelemetryCreateSyncGetAgainstSimulator(t *testing.T) {
	sim := paymenttest.Start(t)
	rec := telemetrytest.New(t)
	cfg := sim.Config()
	cfg.TracerProvider, cfg.MeterProvider = rec.TracerProvider, rec.MeterProvider
	c, err := payment.New(cfg)
	require.NoError(t, err)
	ctx := context.Background()
	tx, err := c.Create(ctx, paymenttest.ValidRequest("tel-1"))
	require.NoError(t, err)
	_, err = c.Sync(ctx, tx.RequestID)
	require.NoError(t, err)
	_, err = c.Get(ctx, tx.RequestID)
	require.NoError(t, err)
	_, err = c.ReconcileOnce(ctx)
	require.NoError(t, err)

	for _, op := range []string{"create", "sync", "get", "reconcile"} {
		spans := rec.SpansNamed("payment." + op)
		require.Len(t, spans, 1, op)
		a := telemetrytest.SpanAttrs(spans[0])
		assert.Equal(t, op, a["ozg.operation"])
		assert.Equal(t, "ok", a["ozg.outcome"])
		assert.Equal(t, "xbezahldienste", a["ozg.provider"])
		assert.Equal(t, "github.com/egosaar/ozg/payment", spans[0].InstrumentationScope().Name)
		assert.Equal(t, int64(1), rec.Sum(t, "ozg.payment.operations", map[string]string{"ozg.operation": op, "ozg.outcome": "ok", "ozg.provider": "xbezahldienste"}), op)
		assert.Equal(t, int64(1), rec.Sum(t, "ozg.payment.operation.duration", map[string]string{"ozg.operation": op}), op)
	}
	rec.AssertAllowedKeys(t)
}

func TestTelemetryOutcomes(t *testing.T) {
	tests := []struct {
		name    string
		run     func(ctx context.Context, h *harness) error
		op      string
		outcome string
	}{
		{"invalid request", func(ctx context.Context, h *harness) error {
			r := paymenttest.ValidRequest("k1")
			r.Total = -1
			_, err := h.c.Create(ctx, r)
			return err
		}, "create", "invalid"},
		{"idempotency conflict", func(ctx context.Context, h *harness) error {
			_, err := h.c.Create(ctx, paymenttest.ValidRequest("k1"))
			require.NoError(t, err)
			r := paymenttest.ValidRequest("k1")
			r.Purpose = "other purpose"
			_, err = h.c.Create(ctx, r)
			return err
		}, "create", "conflict"},
		{"refused", func(ctx context.Context, h *harness) error {
			h.fake.FailCreates(&payprovider.ProviderError{HTTPStatus: 400, FunctionalCode: "VALIDATION_ERROR", Err: payprovider.ErrValidation})
			_, err := h.c.Create(ctx, paymenttest.ValidRequest("k1"))
			return err
		}, "create", "refused"},
		{"unavailable", func(ctx context.Context, h *harness) error {
			h.fake.FailCreates(payprovider.ErrUnavailable, payprovider.ErrUnavailable, payprovider.ErrUnavailable)
			_, err := h.c.Create(ctx, paymenttest.ValidRequest("k1"))
			return err
		}, "create", "temporary"},
		{"certificate", func(ctx context.Context, h *harness) error {
			h.fake.FailCreates(&payprovider.CertificateError{Err: errors.New("x509: unknown authority")})
			_, err := h.c.Create(ctx, paymenttest.ValidRequest("k1"))
			return err
		}, "create", "certificate"},
		{"canceled", func(ctx context.Context, h *harness) error {
			ctx, cancel := context.WithCancel(ctx)
			cancel()
			h.fake.FailCreates(payprovider.ErrUnavailable)
			_, err := h.c.Create(ctx, paymenttest.ValidRequest("k1"))
			return err
		}, "create", "canceled"},
		{"not found", func(ctx context.Context, h *harness) error {
			_, err := h.c.Get(ctx, "nope")
			return err
		}, "get", "not_found"},
		{"mismatch", func(ctx context.Context, h *harness) error {
			_, err := h.c.Create(ctx, paymenttest.ValidRequest("k1"))
			require.NoError(t, err)
			require.NoError(t, h.fake.Set("k1", paytype.StatusPaid, 1))
			_, err = h.c.Sync(ctx, "k1")
			return err
		}, "sync", "anomaly"},
		{"no push channel", func(ctx context.Context, h *harness) error {
			_, err := h.c.HandlePush(ctx, payprovider.PushInput{Method: "POST"})
			return err
		}, "push", "refused"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, rec := recordedHarness(t)
			err := tc.run(context.Background(), h)
			require.Error(t, err)
			assert.Equal(t, int64(1), rec.Sum(t, "ozg.payment.operations", map[string]string{"ozg.operation": tc.op, "ozg.outcome": tc.outcome}))
			spans := rec.SpansNamed("payment." + tc.op)
			require.NotEmpty(t, spans)
			last := spans[len(spans)-1]
			assert.Equal(t, tc.outcome, last.Status().Description)
			assert.Equal(t, tc.outcome, telemetrytest.SpanAttrs(last)["error.type"])
			rec.AssertAllowedKeys(t)
		})
	}
}

func TestTelemetryAnomalyCounter(t *testing.T) {
	h, rec := recordedHarness(t)
	ctx := context.Background()
	_, err := h.c.Create(ctx, paymenttest.ValidRequest("k1"))
	require.NoError(t, err)
	require.NoError(t, h.fake.Set("k1", paytype.StatusPaid, 1))
	_, err = h.c.Sync(ctx, "k1")
	require.ErrorIs(t, err, payment.ErrMismatch)
	assert.Equal(t, int64(1), rec.Sum(t, "ozg.payment.anomalies", map[string]string{"ozg.reason": "mismatch", "ozg.provider": "paymenttest"}))
	rec.AssertAllowedKeys(t)
}

// TestTelemetryCarriesNoPersonalData runs every operation, failing ones
// included, with recognisable personal data in every free-text field and
// scans all recorded names and attribute values for it.
func TestTelemetryCarriesNoPersonalData(t *testing.T) {
	h, rec := recordedHarness(t)
	ctx := context.Background()
	pii := []string{"Mustermann", "Erika", "erika.mustermann", "Heidestrasse", "4299887766554", "ERIKAKEY1", "secret-query", "Bescheid Mustermann"}
	req := func(key string) *paytype.CreateRequest {
		r := paymenttest.ValidRequest(key)
		r.Description = "Bescheid Mustermann"
		r.Purpose = "Gebuehr Erika Mustermann"
		r.RedirectURL = "https://service.example/return?mail=erika.mustermann&t=secret-query"
		for i := range r.Items {
			r.Items[i].Booking.Kassenzeichen = "4299887766554"
		}
		r.Requestor = &paytype.Requestor{Name: "Mustermann", FirstName: "Erika", Address: &paytype.Address{Street: "Heidestrasse", HouseNumber: "17"}}
		return r
	}
	_, err := h.c.Create(ctx, req("ERIKAKEY1"))
	require.NoError(t, err)
	require.NoError(t, h.fake.Set("ERIKAKEY1", paytype.StatusPaid, 1)) // a mismatch: anomaly path
	_, err = h.c.Sync(ctx, "ERIKAKEY1")
	require.Error(t, err)
	_, err = h.c.Get(ctx, "ERIKAKEY1")
	require.NoError(t, err)
	_, _ = h.c.Get(ctx, "ERIKAKEY1-unknown")
	h.fake.FailCreates(&payprovider.ProviderError{HTTPStatus: 400, FunctionalCode: "VALIDATION_ERROR", Detail: "Kassenzeichen 4299887766554 unbekannt", Err: payprovider.ErrValidation})
	_, err = h.c.Create(ctx, req("ERIKAKEY1-2"))
	require.Error(t, err)
	r := req("ERIKAKEY1-3")
	r.Total = -1
	_, err = h.c.Create(ctx, r)
	require.Error(t, err)
	_, _ = h.c.ReconcileOnce(ctx)
	rec.AssertNoPersonalData(t, pii...)
	rec.AssertAllowedKeys(t)
}

func TestTelemetryTenantAttribute(t *testing.T) {
	rec := telemetrytest.New(t)
	h := newHarness(t, func(c *payment.Config) {
		c.TracerProvider, c.MeterProvider = rec.TracerProvider, rec.MeterProvider
		c.Tenant = "100420000000"
	})
	ctx := context.Background()
	_, err := h.c.Create(ctx, paymenttest.ValidRequest("k1"))
	require.NoError(t, err)
	require.NoError(t, h.fake.Set("k1", paytype.StatusPaid, 1))
	_, err = h.c.Sync(ctx, "k1")
	require.Error(t, err)
	for _, s := range rec.Spans() {
		assert.Equal(t, "100420000000", telemetrytest.SpanAttrs(s)["ozg.tenant"], s.Name())
	}
	assert.Equal(t, int64(1), rec.Sum(t, "ozg.payment.operations", map[string]string{"ozg.operation": "create", "ozg.tenant": "100420000000"}))
	assert.Equal(t, int64(1), rec.Sum(t, "ozg.payment.anomalies", map[string]string{"ozg.reason": "mismatch", "ozg.tenant": "100420000000"}))

	// The default tenant records no tenant attribute.
	rec2 := telemetrytest.New(t)
	h2 := newHarness(t, func(c *payment.Config) { c.TracerProvider, c.MeterProvider = rec2.TracerProvider, rec2.MeterProvider })
	_, err = h2.c.Create(ctx, paymenttest.ValidRequest("k1"))
	require.NoError(t, err)
	_, has := telemetrytest.SpanAttrs(rec2.SpansNamed("payment.create")[0])["ozg.tenant"]
	assert.False(t, has)
}

func TestTelemetryPushOutcomes(t *testing.T) {
	rec := telemetrytest.New(t)
	p := payprovider.Push{EventID: "e-1", RequestID: "k-1", Status: paytype.StatusPaid, Amount: 4584, AmountReported: true, Currency: paytype.EUR}
	h := newHarness(t, func(c *payment.Config) {
		c.Provider = payprovider.WithPushVerifier(c.Provider, stubPush{p})
		c.TracerProvider, c.MeterProvider = rec.TracerProvider, rec.MeterProvider
	})
	ctx := context.Background()
	createdTx(t, h, "k-1")
	res, err := h.c.HandlePush(ctx, payprovider.PushInput{}) // PAYED claimed, the pull says INITIAL
	require.NoError(t, err)
	require.True(t, res.Pending)
	res, err = h.c.HandlePush(ctx, payprovider.PushInput{}) // the same event again
	require.NoError(t, err)
	require.True(t, res.Duplicate)
	for _, outcome := range []string{"pending", "duplicate"} {
		assert.Equal(t, int64(1), rec.Sum(t, "ozg.payment.operations", map[string]string{"ozg.operation": "push", "ozg.outcome": outcome, "ozg.provider": "paymenttest"}), outcome)
	}
	for _, s := range rec.SpansNamed("payment.push") {
		assert.Equal(t, "Unset", s.Status().Code.String(), "a handled push is no error")
	}
	rec.AssertAllowedKeys(t)
}
