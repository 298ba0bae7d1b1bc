package fitconnect

// WithoutTelemetry bypasses the instrumentation of c (the benchmark's
// "not instrumented" anchor).
func WithoutTelemetry(c *Client) { c.tel = nil }
