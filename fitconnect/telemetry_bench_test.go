package fitconnect_test

import (
	"context"
	"testing"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
	"github.com/egosaar/ozg/internal/telemetry/telemetrytest"
)

// BenchmarkTelemetryNoopSend measures Client.Send of the small test
// submission against the simulator with nil providers (the otel global
// no-op) against a client with its instrumentation bypassed, in one loop.
// noop/bare ≤ 1.02 is the target.
func BenchmarkTelemetryNoopSend(b *testing.B) {
	sim := fitconnecttest.Start(b)
	noop, bare := newClient(b, sim), newClient(b, sim)
	fitconnect.WithoutTelemetry(bare)
	ctx := context.Background()
	run := func(c *fitconnect.Client) func(int) {
		return func(int) {
			if _, err := c.Send(ctx, bauantrag()); err != nil {
				b.Fatal(err)
			}
		}
	}
	telemetrytest.CompareNoop(b, run(noop), run(bare))
}
