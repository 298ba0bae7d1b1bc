// Package telemetrytest records the spans and metrics of the module's
// packages in memory for their tests (OpenTelemetry SDK: the trace
// SpanRecorder and the metric ManualReader) and checks them: the
// attribute keys against the allow-list and every recorded value against
// personal data the test put into the inputs.
//
// # Security
//
// Test-only: it installs SDK providers local to a test, never the otel
// globals, and its personal-data scan fails a test whose spans or metrics
// carry any of the values the test marked as personal (names, addresses,
// identifiers, URLs with queries).
package telemetrytest
