package payment_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/egosaar/ozg/internal/telemetry/telemetrytest"
	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
)

// BenchmarkTelemetryNoopCreateSync measures create + pull against the
// XBezahldienste simulator with nil providers (the otel global no-op)
// against the same client with its instrumentation bypassed, in one loop.
// noop/bare is the instrumentation's cost without a provider (≤ 1.02).
func BenchmarkTelemetryNoopCreateSync(b *testing.B) {
	sim := paymenttest.Start(b)
	newClient := func() *payment.Client {
		c, err := payment.New(sim.Config())
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	noop, bare := newClient(), newClient()
	payment.WithoutTelemetry(bare)
	ctx := context.Background()
	run := func(c *payment.Client, prefix string) func(int) {
		return func(i int) {
			key := fmt.Sprintf("%s-%d", prefix, i)
			if _, err := c.Create(ctx, paymenttest.ValidRequest(key)); err != nil {
				b.Fatal(err)
			}
			if _, err := c.Sync(ctx, key); err != nil {
				b.Fatal(err)
			}
		}
	}
	telemetrytest.CompareNoop(b, run(noop, "noop"), run(bare, "bare"))
}
