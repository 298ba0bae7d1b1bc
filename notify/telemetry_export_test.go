package notify

// SetTelemetryOff makes the clients built while off is true
// uninstrumented (no spans, metrics or river middleware).
func SetTelemetryOff(off bool) { telemetryOff = off }
