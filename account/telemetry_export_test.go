package account

// WithoutTelemetry bypasses the instrumentation of s (the benchmark's
// "not instrumented" anchor).
func WithoutTelemetry(s *Sessions) { s.tel = nil }
