package telemetry_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/internal/telemetry"
	"github.com/egosaar/ozg/internal/telemetry/telemetrytest"
)

var errRefused = errors.New("x: refused")

func classify(err error) string {
	if errors.Is(err, errRefused) {
		return telemetry.OutcomeRefused
	}
	return ""
}

func TestOperationOutcomes(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		outcome string
		status  codes.Code
	}{
		{"ok", nil, "ok", codes.Unset},
		{"package classifier", fmt.Errorf("wrapped: %w", errRefused), "refused", codes.Error},
		{"canceled", context.Canceled, "canceled", codes.Error},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), "canceled", codes.Error},
		{"other", errors.New("x: secret-bearing message max@example.org"), "error", codes.Error},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := telemetrytest.New(t)
			tel := telemetry.New("x", rec.TracerProvider, rec.MeterProvider, classify)
			func() (err error) {
				_, op := tel.Start(context.Background(), "do", trace.SpanKindClient, telemetry.KeyTenant.String("t1"))
				defer op.End(&err)
				op.Set(telemetry.KeyChannel.String("email"))
				return tc.err
			}()
			spans := rec.SpansNamed("x.do")
			require.Len(t, spans, 1)
			s := spans[0]
			assert.Equal(t, tc.status, s.Status().Code)
			if tc.err != nil {
				assert.Equal(t, tc.outcome, s.Status().Description, "the status carries the outcome word, never the message")
			}
			assert.Empty(t, s.Events())
			assert.Equal(t, trace.SpanKindClient, s.SpanKind())
			assert.Equal(t, telemetry.ModulePath+"/x", s.InstrumentationScope().Name)
			a := telemetrytest.SpanAttrs(s)
			assert.Equal(t, "do", a["ozg.operation"])
			assert.Equal(t, tc.outcome, a["ozg.outcome"])
			assert.Equal(t, "t1", a["ozg.tenant"])
			assert.Equal(t, "email", a["ozg.channel"])
			m := map[string]string{"ozg.operation": "do", "ozg.outcome": tc.outcome, "ozg.tenant": "t1", "ozg.channel": "email"}
			assert.Equal(t, int64(1), rec.Sum(t, "ozg.x.operations", m))
			assert.Equal(t, int64(1), rec.Sum(t, "ozg.x.operation.duration", m))
			rec.AssertAllowedKeys(t)
			rec.AssertNoPersonalData(t, "max@example.org", "secret-bearing")
		})
	}
}

func TestOutcomeOverride(t *testing.T) {
	rec := telemetrytest.New(t)
	tel := telemetry.New("x", rec.TracerProvider, rec.MeterProvider, nil)
	_, op := tel.Start(context.Background(), "push", trace.SpanKindServer)
	op.Outcome("duplicate")
	op.End(nil)
	assert.Equal(t, int64(1), rec.Sum(t, "ozg.x.operations", map[string]string{"ozg.outcome": "duplicate"}))
}

func TestNilRecordsNothing(t *testing.T) {
	var tel *telemetry.Telemetry
	ctx := context.Background()
	got, op := tel.Start(ctx, "do", trace.SpanKindInternal)
	assert.Equal(t, ctx, got)
	assert.Nil(t, op)
	op.Set(telemetry.KeyChannel.String("x"))
	op.Outcome("x")
	var err error
	op.End(&err)
	tel.NewCounter("c", "{x}", "x").Add(ctx, 1)
	tel.NewDuration("d", "x").Record(ctx, 1)
}

func TestNilProvidersUseGlobalNoop(t *testing.T) {
	tel := telemetry.New("x", nil, nil, nil)
	ctx, op := tel.Start(context.Background(), "do", trace.SpanKindInternal)
	assert.False(t, trace.SpanFromContext(ctx).IsRecording(), "the global provider is a no-op until the application installs one")
	op.End(nil)
}

func TestExtraInstruments(t *testing.T) {
	rec := telemetrytest.New(t)
	tel := telemetry.New("x", rec.TracerProvider, rec.MeterProvider, nil)
	tel.NewCounter("anomalies", "{anomaly}", "d").Add(context.Background(), 2, telemetry.KeyReason.String("mismatch"))
	tel.NewDuration("delivery.duration", "d").Record(context.Background(), 3e8, telemetry.KeyChannel.String("email"))
	assert.Equal(t, int64(2), rec.Sum(t, "ozg.x.anomalies", map[string]string{"ozg.reason": "mismatch"}))
	assert.Equal(t, int64(1), rec.Sum(t, "ozg.x.delivery.duration", map[string]string{"ozg.channel": "email"}))
}

func BenchmarkNoopOverhead(b *testing.B) {
	tel := telemetry.New("x", nil, nil, nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, op := tel.Start(ctx, "do", trace.SpanKindInternal, telemetry.KeyTenant.String("t1"))
		op.End(nil)
	}
}

func TestActive(t *testing.T) {
	rec := telemetrytest.New(t)
	ctx := context.Background()
	var none *telemetry.Telemetry
	assert.False(t, none.Active(ctx))
	assert.False(t, telemetry.New("x", nil, nil, nil).Active(ctx), "global no-op providers")
	assert.True(t, telemetry.New("x", rec.TracerProvider, nil, nil).Active(ctx), "a configured TracerProvider")
	metricsOnly := telemetry.New("x", nil, rec.MeterProvider, nil)
	assert.True(t, metricsOnly.Active(ctx), "a MeterProvider with a reader")
	_, op := metricsOnly.Start(ctx, "do", trace.SpanKindInternal)
	op.End(nil)
	assert.Equal(t, int64(1), rec.Sum(t, "ozg.x.operations", map[string]string{"ozg.outcome": "ok"}), "metrics without tracing")
}
