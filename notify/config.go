package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Defaults.
const (
	DefaultAttemptTimeout = 15 * time.Second // Svix / Standard Webhooks: 15-30 s
	DefaultRescueAfter    = time.Hour        // river JobRescuerRescueAfterDefault
	DefaultQueue          = "ozg_notify"
	DefaultMaxWorkers     = 50
	// DefaultReconcileInterval: river's rescuer runs every 30 s; discarded
	// jobs are kept 7 days, so any interval well below that loses nothing.
	DefaultReconcileInterval = time.Minute
	// minRescueFactor: RescueAfter must be at least this many attempt
	// timeouts, so a live attempt is never rescued (and sent twice) while
	// it is still running: river has no fencing token (river v0.51's rescuer
	// cannot tell an orphaned job from one still working).
	minRescueFactor = 4
)

// Config configures a Client. The zero value of every optional field is a
// safe default. A Config must not be modified after New.
type Config struct {
	// Channels are the delivery channels, keyed by Channel.Name().
	// Required: at least one.
	Channels []Channel
	// Policies overrides the delivery policy per channel name.
	Policies map[string]Policy
	// AttemptTimeout bounds one delivery attempt. Default 15 s.
	AttemptTimeout time.Duration
	// RescueAfter is river's RescueStuckJobsAfter: a job running longer
	// (its worker crashed) is retried. Must be ≥ 4 × AttemptTimeout.
	// Default 1 h. river's rescuer runs every 30 s (fixed in v0.51), so a
	// crashed attempt is retried between RescueAfter and RescueAfter +
	// 30 s after it started; tests lower it (notifytest.TestSettings).
	RescueAfter time.Duration
	// Queue is the river queue name. Default "ozg_notify".
	Queue string
	// MaxWorkers is the number of concurrent deliveries per process.
	// Default 50.
	MaxWorkers int
	// FetchCooldown and FetchPollInterval tune river's fetch loop
	// (defaults 100 ms and 1 s; at least 1 ms, river's minimum). Lower
	// values cut the delay between commit and first attempt, at the cost
	// of more polling queries; notifytest.TestSettings uses 1 ms / 20 ms.
	FetchCooldown     time.Duration
	FetchPollInterval time.Duration
	// CompletedRetention keeps completed jobs (and thereby the unique
	// (application, transition, channel) key) this long. Default 24 h.
	CompletedRetention time.Duration
	// ReconcileInterval is how often a started Client runs Reconcile
	// (dead-lettering jobs river discarded, e.g. after repeated worker
	// crashes). Default 1 min; negative: only once on Start.
	ReconcileInterval time.Duration
	// ClientID names this process to river (unique per process);
	// default random.
	ClientID string
	// Logger receives state changes and retries; nil: slog.Default().
	Logger *slog.Logger
	// TracerProvider receives the spans notify.enqueue and notify.deliver
	// (one per attempt) and river's own (river.insert_many, river.work);
	// MeterProvider the metrics ozg.notify.operations,
	// ozg.notify.operation.duration, ozg.notify.enqueued,
	// ozg.notify.deliveries, ozg.notify.delivery.duration and river's
	// river.* and messaging.* (see docs/observability.md; attributes:
	// operation, outcome, channel, tenant, error class; never recipients,
	// message texts or error texts). nil: the otel global providers, which
	// record nothing until the application installs its own
	// (otel.SetTracerProvider, otel.SetMeterProvider).
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
	// Now is the clock; nil: time.Now.
	Now func() time.Time
	// OnExhausted is called after an event/target was dead-lettered
	// (attempts exhausted, permanent failure, endpoint gone/disabled, or
	// discarded by river and found by Reconcile). It is called once per
	// dead letter in normal operation and at least once across crashes: if
	// the process dies before the call is recorded, Reconcile calls it
	// again after RescueAfter. It should return promptly and be
	// idempotent on DeadLetter.ID.
	OnExhausted func(ctx context.Context, dl DeadLetter)
	// OnEndpointDisabled is called once when an endpoint is disabled
	// (410 Gone, or failing for Policy.DisableAfter).
	OnEndpointDisabled func(ctx context.Context, st EndpointStatus)
	// DisabledNotice, if set, receives a "notify.endpoint.disabled" event
	// on its channels whenever an endpoint is disabled (the "report on
	// another channel" of Standard Webhooks). The notice is an operator's
	// and is sent under the default tenant "" (its channels need a sender
	// for it); its text names the endpoint's tenant.
	DisabledNotice *Recipients
	// Audit, if set, signs a Security Event Token per enqueued event and
	// stores it with the enqueue transaction.
	Audit AuditSigner
	// Test holds test-only settings.
	Test TestConfig
}

// TestConfig holds settings for tests only.
type TestConfig struct {
	// Time stubs river's clock (use with Config.Now on the same clock).
	Time rivertype.TimeGenerator
	// TestOnly sets river's TestOnly (no staggered maintenance start).
	TestOnly bool
}

func (c Config) withDefaults() Config {
	if c.AttemptTimeout <= 0 {
		c.AttemptTimeout = DefaultAttemptTimeout
	}
	if c.RescueAfter <= 0 {
		c.RescueAfter = max(DefaultRescueAfter, minRescueFactor*c.AttemptTimeout)
	}
	if c.Queue == "" {
		c.Queue = DefaultQueue
	}
	if c.MaxWorkers <= 0 {
		c.MaxWorkers = DefaultMaxWorkers
	}
	if c.FetchCooldown == 0 && c.FetchPollInterval > 0 {
		c.FetchCooldown = min(100*time.Millisecond, c.FetchPollInterval)
	}
	if c.ReconcileInterval == 0 {
		c.ReconcileInterval = DefaultReconcileInterval
	}
	if c.CompletedRetention <= 0 {
		c.CompletedRetention = 24 * time.Hour
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Validate reports configuration errors (wrapping ErrInvalidConfig).
func (c Config) Validate() error {
	c = c.withDefaults()
	if len(c.Channels) == 0 {
		return fmt.Errorf("%w: no channels", ErrInvalidConfig)
	}
	seen := map[string]bool{}
	for _, ch := range c.Channels {
		if ch == nil || !validChannelName(ch.Name()) {
			return fmt.Errorf("%w: channel name must match [a-z0-9_-]{1,32}", ErrInvalidConfig)
		}
		if seen[ch.Name()] {
			return fmt.Errorf("%w: channel %q twice", ErrInvalidConfig, ch.Name())
		}
		seen[ch.Name()] = true
	}
	for name, p := range c.Policies {
		if !seen[name] {
			return fmt.Errorf("%w: policy for unknown channel %q", ErrInvalidConfig, name)
		}
		if err := p.withDefaults().validate(name); err != nil {
			return err
		}
	}
	if c.RescueAfter < minRescueFactor*c.AttemptTimeout {
		return fmt.Errorf("%w: RescueAfter %s must be at least %d × AttemptTimeout %s (a running attempt must never be rescued)",
			ErrInvalidConfig, c.RescueAfter, minRescueFactor, c.AttemptTimeout)
	}
	if (c.FetchCooldown != 0 && c.FetchCooldown < time.Millisecond) || (c.FetchPollInterval != 0 && c.FetchPollInterval < time.Millisecond) {
		return fmt.Errorf("%w: FetchCooldown and FetchPollInterval must be at least 1ms (river's minimum)", ErrInvalidConfig)
	}
	if c.FetchPollInterval > 0 && c.FetchCooldown > c.FetchPollInterval {
		return fmt.Errorf("%w: FetchCooldown above FetchPollInterval", ErrInvalidConfig)
	}
	return nil
}
