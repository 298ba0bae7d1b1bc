package telemetry

import (
	"context"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// ModulePath is the module's import path, the prefix of every
// instrumentation scope name.
const ModulePath = "github.com/egosaar/ozg"

// Attribute keys an operator filters by (the allow-list of
// docs/observability.md). No other key is recorded by the module.
const (
	KeyOperation = attribute.Key("ozg.operation") // create, sync, enqueue, deliver, …
	KeyOutcome   = attribute.Key("ozg.outcome")   // ok, refused, temporary, …
	KeyTenant    = attribute.Key("ozg.tenant")    // the caller's opaque tenant key
	KeyProvider  = attribute.Key("ozg.provider")  // payment adapter, identity provider kind
	KeyService   = attribute.Key("ozg.service")   // FIT-Connect service / leika key
	KeyChannel   = attribute.Key("ozg.channel")   // notify channel name
	KeyReason    = attribute.Key("ozg.reason")    // a fixed reason word (anomaly kind, refusal reason)
	// KeyErrorType is the semantic conventions' error.type, set to the
	// outcome word on failed operations.
	KeyErrorType = attribute.Key("error.type")
)

// Outcome words shared by the packages; a package may add its own
// fixed words (documented in docs/observability.md).
const (
	OutcomeOK        = "ok"
	OutcomeInvalid   = "invalid"   // the caller's input was refused before any I/O
	OutcomeRefused   = "refused"   // the counterpart refused definitively (4xx, signature, policy)
	OutcomeTemporary = "temporary" // the counterpart or network failed; a retry may succeed
	OutcomeCert      = "certificate"
	OutcomeCanceled  = "canceled" // the caller's context ended
	OutcomeStore     = "store"    // the local store failed
	OutcomeError     = "error"    // anything else
)

// durationBuckets are the explicit histogram boundaries in seconds
// (Semantic Conventions: http.client.request.duration's advice).
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// Telemetry holds one package's tracer and instruments. A nil *Telemetry
// records nothing.
type Telemetry struct {
	pkg      string // span name prefix: the last element of the package path
	metric   string // metric name prefix: "ozg." + the path with dots
	tracer   trace.Tracer
	meter    metric.Meter
	ops      metric.Int64Counter
	dur      metric.Float64Histogram
	classify func(error) string
	names    sync.Map // op → span name
	// ownTP: the package's Config named a TracerProvider (tracing may be
	// on); otherwise tracing is on once the application replaced the
	// otel global one.
	ownTP bool
}

// defaultGlobalTP is the otel global TracerProvider before any
// otel.SetTracerProvider: a delegating no-op.
var defaultGlobalTP = otel.GetTracerProvider()

// New builds the telemetry of package pkg (its path below the module,
// e.g. "payment" or "account/saml") from the providers of the package's
// Config; nil means the otel global provider. Spans are named
// "<last path element>.<op>" ("saml.finish_login"), metrics
// "ozg.<path with dots>.<name>" ("ozg.account.saml.operations").
// classify maps an operation's error to its outcome word; nil uses
// Classify alone.
func New(pkg string, tp trace.TracerProvider, mp metric.MeterProvider, classify func(error) string) *Telemetry {
	ownTP := tp != nil
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	scope := ModulePath + "/" + pkg
	v := Version()
	t := &Telemetry{
		pkg:      pkg[strings.LastIndexByte(pkg, '/')+1:],
		metric:   "ozg." + strings.ReplaceAll(pkg, "/", "."),
		tracer:   tp.Tracer(scope, trace.WithInstrumentationVersion(v)),
		meter:    mp.Meter(scope, metric.WithInstrumentationVersion(v)),
		classify: classify,
		ownTP:    ownTP,
	}
	// The API returns a usable no-op instrument along with any error (an
	// invalid name, a provider refusing it); instrumentation never fails
	// the operation, so the error is dropped deliberately.
	t.ops, _ = t.meter.Int64Counter(t.metric+".operations",
		metric.WithUnit("{operation}"), metric.WithDescription("Operations of ozg/"+pkg+" by operation and outcome."))
	t.dur, _ = t.meter.Float64Histogram(t.metric+".operation.duration",
		metric.WithUnit("s"), metric.WithDescription("Duration of operations of ozg/"+pkg+"."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	return t
}

// Version is the module's version from the build information: the
// dependency's version in an application, "(devel)" or "" in the
// module's own builds.
var Version = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	if bi.Main.Path == ModulePath {
		return bi.Main.Version
	}
	for _, d := range bi.Deps {
		if d.Path == ModulePath {
			if d.Replace != nil && d.Replace.Version != "" {
				return d.Replace.Version
			}
			return d.Version
		}
	}
	return ""
})

// Op is one running operation. A nil *Op records nothing.
type Op struct {
	t       *Telemetry
	ctx     context.Context // the span's context, for exemplars
	span    trace.Span
	start   time.Time
	attrs   []attribute.KeyValue
	outcome string
}

// Start begins operation op (span "<pkg>.<op>", of kind) with attrs on
// both the span and the metrics. When nothing is Active (the no-op
// providers) or the span does not record and the counter is disabled, it
// returns a nil *Op and builds no attributes.
func (t *Telemetry) Start(ctx context.Context, op string, kind trace.SpanKind, attrs ...attribute.KeyValue) (context.Context, *Op) {
	if !t.Active(ctx) {
		return ctx, nil
	}
	ctx, span := t.tracer.Start(ctx, t.spanName(op), trace.WithSpanKind(kind))
	if !span.IsRecording() && !t.ops.Enabled(ctx) {
		return ctx, nil
	}
	o := &Op{t: t, ctx: ctx, span: span, start: time.Now()}
	o.attrs = make([]attribute.KeyValue, 0, len(attrs)+3)
	o.attrs = append(o.attrs, KeyOperation.String(op))
	o.attrs = append(o.attrs, attrs...)
	span.SetAttributes(o.attrs...)
	return ctx, o
}

// Active reports whether anything could be recorded: a TracerProvider was
// configured or the application installed a global one, or the
// operations counter is enabled (a MeterProvider with a reader). False on
// a nil *Telemetry. Wrappers of third-party instrumentation (river's)
// skip it when false, so that the no-op case costs nothing.
func (t *Telemetry) Active(ctx context.Context) bool {
	if t == nil {
		return false
	}
	return t.ownTP || otel.GetTracerProvider() != defaultGlobalTP || t.ops.Enabled(ctx)
}

// spanName is "<pkg>.<op>", built once per operation.
func (t *Telemetry) spanName(op string) string {
	if n, ok := t.names.Load(op); ok {
		return n.(string)
	}
	n, _ := t.names.LoadOrStore(op, t.pkg+"."+op)
	return n.(string)
}

// Set adds attributes known only during the operation (a channel, the
// tenant of a stored record).
func (o *Op) Set(attrs ...attribute.KeyValue) {
	if o == nil {
		return
	}
	o.attrs = append(o.attrs, attrs...)
	o.span.SetAttributes(attrs...)
}

// Outcome overrides the outcome End derives from the error (e.g.
// "duplicate" for a successful call that did nothing).
func (o *Op) Outcome(word string) {
	if o != nil {
		o.outcome = word
	}
}

// End ends the operation with the error *errp points to (nil pointer or
// nil error: success), recording the span status and both instruments.
// It is made to be deferred: defer op.End(&err).
func (o *Op) End(errp *error) {
	if o == nil {
		return
	}
	var err error
	if errp != nil {
		err = *errp
	}
	outcome := o.outcome
	if outcome == "" {
		outcome = o.t.outcomeOf(err)
	}
	o.attrs = append(o.attrs, KeyOutcome.String(outcome))
	if err != nil {
		// Never err.Error(): an error may quote input.
		o.span.SetStatus(codes.Error, outcome)
		o.span.SetAttributes(KeyOutcome.String(outcome), KeyErrorType.String(outcome))
	} else {
		o.span.SetAttributes(KeyOutcome.String(outcome))
	}
	o.span.End()
	set := metric.WithAttributeSet(attribute.NewSet(o.attrs...))
	o.t.ops.Add(o.ctx, 1, set)
	o.t.dur.Record(o.ctx, time.Since(o.start).Seconds(), set)
}

// Classify returns the outcome word of err (the package's classifier,
// then the shared one): for wrappers of third-party instrumentation that
// must not see an error's text.
func (t *Telemetry) Classify(err error) string {
	if t == nil {
		return Classify(err)
	}
	return t.outcomeOf(err)
}

func (t *Telemetry) outcomeOf(err error) string {
	if err == nil {
		return OutcomeOK
	}
	if t.classify != nil {
		if w := t.classify(err); w != "" {
			return w
		}
	}
	return Classify(err)
}

// Counter is an additional Int64Counter of a package (dead letters,
// anomalies, refusals). A nil *Counter records nothing.
type Counter struct{ c metric.Int64Counter }

// NewCounter returns the counter "ozg.<pkg>.<name>" with unit and
// description. It returns nil on a nil *Telemetry.
func (t *Telemetry) NewCounter(name, unit, desc string) *Counter {
	if t == nil {
		return nil
	}
	c, _ := t.meter.Int64Counter(t.metric+"."+name, metric.WithUnit(unit), metric.WithDescription(desc))
	return &Counter{c: c}
}

// Add adds n with attrs (allow-listed keys only).
func (c *Counter) Add(ctx context.Context, n int64, attrs ...attribute.KeyValue) {
	if c == nil || !c.c.Enabled(ctx) {
		return
	}
	c.c.Add(ctx, n, metric.WithAttributes(attrs...))
}

// Histogram is an additional Float64Histogram in seconds. A nil
// *Histogram records nothing.
type Histogram struct{ h metric.Float64Histogram }

// NewDuration returns the histogram "ozg.<pkg>.<name>" in seconds with
// the module's bucket boundaries. It returns nil on a nil *Telemetry.
func (t *Telemetry) NewDuration(name, desc string) *Histogram {
	if t == nil {
		return nil
	}
	h, _ := t.meter.Float64Histogram(t.metric+"."+name, metric.WithUnit("s"), metric.WithDescription(desc),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	return &Histogram{h: h}
}

// Record records d with attrs.
func (h *Histogram) Record(ctx context.Context, d time.Duration, attrs ...attribute.KeyValue) {
	if h == nil || !h.h.Enabled(ctx) {
		return
	}
	h.h.Record(ctx, d.Seconds(), metric.WithAttributes(attrs...))
}

// Reason records word as ozg.reason: a fixed word of the package (the
// refusal reason of a login, say), never text from input.
func (o *Op) Reason(word string) {
	if o != nil && word != "" {
		o.Set(KeyReason.String(word))
	}
}
