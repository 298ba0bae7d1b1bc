// Package telemetry is the one place where the module's packages build
// their OpenTelemetry tracer, meter and instruments (OpenTelemetry
// Specification 1.x, Tracing API and Metrics API; Semantic Conventions
// 1.x for instrument names, units and the error status). Every package that
// does I/O (account, payment, notify, fitconnect) holds one *Telemetry and
// wraps each operation in Start / Op.End.
//
// The instrumentation scope is "github.com/egosaar/ozg/<pkg>" with the
// module's version from the build information. Each package gets the same
// two instruments:
//
//   - ozg.<pkg>.operations          Int64Counter, unit {operation}
//   - ozg.<pkg>.operation.duration  Float64Histogram, unit s
//
// both with the attributes ozg.operation and ozg.outcome plus the
// operation's allow-listed attributes (tenant, provider, service, channel).
// Further counters come from NewCounter. docs/observability.md lists the
// names and the attribute allow-list.
//
// A nil TracerProvider or MeterProvider means the otel global provider,
// which is a no-op until the application installs one (otel.SetTracerProvider,
// otel.SetMeterProvider). A nil *Telemetry is valid and records nothing: the
// packages' benchmarks use it as the "not instrumented" anchor.
//
// # Security
//
// Attribute keys are fixed in this package (the Key constants); a package
// passes values only through them, and the values must be low-cardinality,
// non-personal facts: a tenant key the caller chose, a provider, service or
// channel name, an outcome word. Error messages are never recorded (neither
// as span events nor as status descriptions): an error may quote input. A
// failed operation sets the span status to Error with the outcome word as
// its description and the error.type attribute to the same word.
package telemetry
