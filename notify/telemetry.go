package notify

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/riverqueue/rivercontrib/otelriver"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/internal/telemetry"
)

// Operations (the ozg.operation attribute, span "notify.<op>").
const (
	opEnqueue = "enqueue" // EnqueueTx / Enqueue: the outbox rows of one event
	opDeliver = "deliver" // one attempt on one channel (Channel.Deliver)
)

// notify's own outcome words beyond telemetry's: "duplicate" for an
// enqueue of an event already enqueued, and for a failed attempt the
// ErrorClass (timeout, connection, throttled, …).
const outcomeDuplicate = "duplicate"

// engineTelemetry is what the engine records with.
type engineTelemetry struct {
	tel        *telemetry.Telemetry
	enqueued   *telemetry.Counter   // ozg.notify.enqueued: jobs per channel
	deliveries *telemetry.Counter   // ozg.notify.deliveries: delivery-log outcomes
	latency    *telemetry.Histogram // ozg.notify.delivery.duration
}

// telemetryOff bypasses all instrumentation of the clients built while it
// is set (a test hook: the benchmarks' "not instrumented" anchor).
var telemetryOff bool

func newTelemetry(cfg *Config) engineTelemetry {
	if telemetryOff {
		return engineTelemetry{}
	}
	tel := telemetry.New("notify", cfg.TracerProvider, cfg.MeterProvider, classifyOutcome)
	return engineTelemetry{
		tel:        tel,
		enqueued:   tel.NewCounter("enqueued", "{job}", "Delivery jobs enqueued, by channel; ozg.outcome duplicate for an event enqueued before."),
		deliveries: tel.NewCounter("deliveries", "{attempt}", "Delivery attempts by channel and delivery-log outcome (delivered, retry, dead, superseded); ozg.reason is the error class."),
		latency:    tel.NewDuration("delivery.duration", "Duration of delivery attempts that reached the channel, by channel."),
	}
}

// riverPlugins is river's own OpenTelemetry middleware (spans
// river.insert_many and river.work, metrics river.* and messaging.*) on
// the same providers, behind riverTelemetry.
func riverPlugins(cfg *Config, tel *telemetry.Telemetry) []rivertype.Plugin {
	if telemetryOff {
		return nil
	}
	return []rivertype.Plugin{&riverTelemetry{tel: tel, m: otelriver.NewMiddleware(&otelriver.MiddlewareConfig{
		TracerProvider:         cfg.TracerProvider,
		MeterProvider:          cfg.MeterProvider,
		EnableSemanticMetrics:  true,
		EnableTracePropagation: true,
	})}}
}

// riverTelemetry passes river's inserts, work and metrics to otelriver
// only while telemetry is Active: with the no-op providers otelriver
// would still build its attributes and instruments' arguments on every
// insert (a few µs, several per cent of an enqueue on SQLite).
type riverTelemetry struct {
	river.PluginDefaults
	tel *telemetry.Telemetry
	m   *otelriver.Middleware
}

func (r *riverTelemetry) InsertMany(ctx context.Context, params []*rivertype.JobInsertParams, doInner func(context.Context) ([]*rivertype.JobInsertResult, error)) ([]*rivertype.JobInsertResult, error) {
	if !r.tel.Active(ctx) {
		return doInner(ctx)
	}
	var inner error
	res, _ := r.m.InsertMany(ctx, params, func(ctx context.Context) ([]*rivertype.JobInsertResult, error) {
		var res []*rivertype.JobInsertResult
		res, inner = doInner(ctx)
		if inner != nil {
			return res, &opaqueError{word: r.tel.Classify(inner), err: inner}
		}
		return res, nil
	})
	return res, inner
}

// Work (like InsertMany) hands otelriver an error whose text is only its
// outcome word:
// otelriver sets err.Error() as the work span's status description, and a
// channel's error may quote the counterpart (a Postfach problem title, an
// SMTP reply). river itself still gets the original error.
func (r *riverTelemetry) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	if !r.tel.Active(ctx) {
		return doInner(ctx)
	}
	var inner error
	_ = r.m.Work(ctx, job, func(ctx context.Context) error {
		inner = doInner(ctx)
		if inner == nil {
			return nil
		}
		return &opaqueError{word: r.tel.Classify(inner), err: inner}
	})
	return inner
}

// opaqueError is a job error as otelriver sees it: errors.Is/As reach
// the original (river's snooze and cancel errors), Error does not.
type opaqueError struct {
	word string
	err  error
}

func (e *opaqueError) Error() string { return "notify: job failed: " + e.word }
func (e *opaqueError) Unwrap() error { return e.err }

func (r *riverTelemetry) MetricEmit(ctx context.Context, params *rivertype.HookMetricEmitParams) {
	if r.tel.Active(ctx) {
		r.m.MetricEmit(ctx, params)
	}
}

// withTenant adds the ozg.tenant attribute for a tenant key (none for
// the default tenant "", and none for a malformed key an invalid event
// carries: only keys of [ValidTenant]'s alphabet become attribute values).
func withTenant(tenant string, attrs ...attribute.KeyValue) []attribute.KeyValue {
	if tenant != "" && ValidTenant(tenant) {
		return append(attrs, telemetry.KeyTenant.String(tenant))
	}
	return attrs
}

// startEnqueue starts the enqueue operation of ev.
func (e *engine) startEnqueue(ctx context.Context, ev *Event) (context.Context, *telemetry.Op) {
	return e.tel.tel.Start(ctx, opEnqueue, trace.SpanKindProducer, withTenant(ev.Tenant)...)
}

// endEnqueue counts the enqueued jobs per channel and ends op.
func (e *engine) endEnqueue(ctx context.Context, op *telemetry.Op, ev *Event, out Enqueued, err error) {
	dup := len(out.Jobs) > 0
	for _, j := range out.Jobs {
		outcome := telemetry.OutcomeOK
		if j.Duplicate {
			outcome = outcomeDuplicate
		} else {
			dup = false
		}
		e.tel.enqueued.Add(ctx, 1, withTenant(ev.Tenant, telemetry.KeyChannel.String(j.Channel), telemetry.KeyOutcome.String(outcome))...)
	}
	if err == nil && dup {
		op.Outcome(outcomeDuplicate)
	}
	op.End(&err)
}

// deliver runs one attempt on ch inside the deliver operation.
func (e *engine) deliver(ctx context.Context, ch Channel, d Delivery) (err error) {
	ctx, op := e.tel.tel.Start(ctx, opDeliver, trace.SpanKindClient, withTenant(d.Event.Tenant, telemetry.KeyChannel.String(ch.Name()))...)
	defer op.End(&err)
	return ch.Deliver(ctx, d)
}

// recordAttempt counts one delivery-log entry (the attempt's outcome and
// error class) and, if the attempt reached the channel, its latency.
func (e *engine) recordAttempt(ctx context.Context, at attemptCtx, latency time.Duration, o Outcome, class ErrorClass) {
	if e.tel.deliveries == nil {
		return
	}
	tenant, ch := at.ep.tenant, at.job.Args.Key.Channel
	attrs := withTenant(tenant, telemetry.KeyChannel.String(ch), telemetry.KeyOutcome.String(string(o)))
	if class != ClassNone {
		attrs = append(attrs, telemetry.KeyReason.String(string(class)))
	}
	e.tel.deliveries.Add(ctx, 1, attrs...)
	if latency > 0 {
		e.tel.latency.Record(ctx, latency, withTenant(tenant, telemetry.KeyChannel.String(ch))...)
	}
}

// classifyOutcome maps notify's errors to outcome words; "" leaves it
// to telemetry.Classify.
func classifyOutcome(err error) string {
	var de *DeliveryError
	switch {
	case errors.As(err, &de):
		if de.Class == ClassNone {
			return telemetry.OutcomeError
		}
		return string(de.Class)
	case errors.Is(err, ErrInvalidEvent), errors.Is(err, ErrUnknownChannel):
		return telemetry.OutcomeInvalid
	}
	return ""
}
