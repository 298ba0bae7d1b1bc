package notify_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/telemetry/telemetrytest"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/notifytest"
)

func recordedEnv(t *testing.T, extra ...notify.Channel) (*env, *telemetrytest.Recorder) {
	rec := telemetrytest.New(t)
	e := newEnv(t, envOpts{extra: extra, cfg: notify.Config{TracerProvider: rec.TracerProvider, MeterProvider: rec.MeterProvider}})
	return e, rec
}

func TestTelemetryEnqueueAndDeliveryPerChannel(t *testing.T) {
	sms := &smsGateway{sent: make(chan string, 4)}
	e, rec := recordedEnv(t, sms)
	ev := testEvent("TEL-1")
	ev.Recipients.Custom = []notify.Route{{Channel: "sms", Target: "+4915112345678"}}
	e.enqueue(ev)
	e.waitIdle(30 * time.Second)
	e.enqueue(ev) // the same (application, transition) again: duplicate

	enq := rec.SpansNamed("notify.enqueue")
	require.Len(t, enq, 2)
	assert.Equal(t, "ok", telemetrytest.SpanAttrs(enq[0])["ozg.outcome"])
	assert.Equal(t, "duplicate", telemetrytest.SpanAttrs(enq[1])["ozg.outcome"])
	for _, ch := range []string{"webhook", "sms"} {
		assert.Equal(t, int64(1), rec.Sum(t, "ozg.notify.enqueued", map[string]string{"ozg.channel": ch, "ozg.outcome": "ok"}), ch)
		assert.Equal(t, int64(1), rec.Sum(t, "ozg.notify.enqueued", map[string]string{"ozg.channel": ch, "ozg.outcome": "duplicate"}), ch)
		assert.Equal(t, int64(1), rec.Sum(t, "ozg.notify.operations", map[string]string{"ozg.operation": "deliver", "ozg.channel": ch, "ozg.outcome": "ok"}), ch)
		assert.Equal(t, int64(1), rec.Sum(t, "ozg.notify.deliveries", map[string]string{"ozg.channel": ch, "ozg.outcome": "delivered"}), ch)
		assert.Equal(t, int64(1), rec.Sum(t, "ozg.notify.delivery.duration", map[string]string{"ozg.channel": ch}), ch)
	}
	assert.Equal(t, int64(1), rec.Sum(t, "ozg.notify.operations", map[string]string{"ozg.operation": "enqueue", "ozg.outcome": "duplicate"}))

	// Each attempt's span is a child of river's work span, which links
	// back to the enqueue (river's trace propagation).
	deliver := rec.SpansNamed("notify.deliver")
	require.Len(t, deliver, 2)
	works := map[string]bool{}
	for _, s := range rec.Spans() {
		if s.InstrumentationScope().Name == "github.com/riverqueue/rivercontrib/otelriver" {
			works[s.SpanContext().SpanID().String()] = true
		}
	}
	for _, d := range deliver {
		assert.True(t, works[d.Parent().SpanID().String()], "notify.deliver runs inside river's work span")
	}
	assert.NotEmpty(t, rec.Points(t, "river.work_count"), "river's own metrics on the same provider")
	rec.AssertAllowedKeys(t)
}

func TestTelemetryFailedAttemptOutcome(t *testing.T) {
	e, rec := recordedEnv(t)
	e.rcv.Fail(notifytest.Fault{Status: 500})
	e.enqueue(testEvent("TEL-2"))
	e.waitIdle(30 * time.Second)
	assert.Equal(t, int64(1), rec.Sum(t, "ozg.notify.operations", map[string]string{"ozg.operation": "deliver", "ozg.channel": "webhook", "ozg.outcome": "server"}))
	assert.Equal(t, int64(1), rec.Sum(t, "ozg.notify.deliveries", map[string]string{"ozg.channel": "webhook", "ozg.outcome": "retry", "ozg.reason": "server"}))
	assert.Equal(t, int64(1), rec.Sum(t, "ozg.notify.deliveries", map[string]string{"ozg.channel": "webhook", "ozg.outcome": "delivered"}))
	var failed int
	for _, s := range rec.SpansNamed("notify.deliver") {
		if s.Status().Description == "server" {
			failed++
		}
	}
	assert.Equal(t, 1, failed)
	rec.AssertAllowedKeys(t)
}

func TestTelemetryInvalidEnqueue(t *testing.T) {
	cases := map[string]func(*notify.Event){
		"no transition":   func(ev *notify.Event) { ev.Transition = "" },
		"unknown channel": func(ev *notify.Event) { ev.Recipients.Email = "erika.mustermann@example.org" },
		"bad sms number":  func(ev *notify.Event) { ev.Recipients.Custom = []notify.Route{{Channel: "sms", Target: "0151-Erika"}} },
	}
	for name, mut := range cases {
		t.Run(name, func(t *testing.T) {
			e, rec := recordedEnv(t, &smsGateway{sent: make(chan string, 1)})
			ev := testEvent("TEL-3")
			mut(&ev)
			_, err := e.client.Enqueue(context.Background(), ev)
			require.Error(t, err)
			assert.Equal(t, int64(1), rec.Sum(t, "ozg.notify.operations", map[string]string{"ozg.operation": "enqueue", "ozg.outcome": "invalid"}))
			rec.AssertNoPersonalData(t, "erika", "mustermann")
		})
	}
}

// TestTelemetryCarriesNoPersonalData delivers an event full of
// recognisable personal data on two channels, one attempt failing, and
// scans every recorded name and attribute value (river's included).
func TestTelemetryCarriesNoPersonalData(t *testing.T) {
	sms := &smsGateway{sent: make(chan string, 4)}
	e, rec := recordedEnv(t, sms, leakyChannel{})
	e.rcv.Fail(notifytest.Fault{Status: 503, RetryAfter: "0"})
	ev := testEvent("AZ-Mustermann-4711")
	ev.SenderName = "Ortsamt Erika Mustermann"
	ev.StatusDetails = "Bescheid fuer Mustermann"
	ev.Message = notify.Message{Title: "Ihr Antrag, Frau Mustermann", Body: "Kassenzeichen 4299887766554, erika.mustermann@example.org"}
	ev.Recipients.Custom = []notify.Route{{Channel: "sms", Target: "+4915112345678"}, {Channel: "leaky", Target: "erika.mustermann@example.org"}}
	e.enqueue(ev)
	e.waitIdle(30 * time.Second)
	require.NotEmpty(t, rec.SpansNamed("notify.deliver"))
	assert.Equal(t, int64(1), rec.Sum(t, "ozg.notify.deliveries", map[string]string{"ozg.channel": "leaky", "ozg.outcome": "dead", "ozg.reason": "rejected"}))
	rec.AssertNoPersonalData(t, "Mustermann", "Erika", "4299887766554", "+4915112345678", "4915112345678", "AZ-Mustermann-4711", "example.org")
	rec.AssertAllowedKeys(t)
}

// tenantSMS is the SMS gateway with a sender identity for every tenant.
type tenantSMS struct{ *smsGateway }

func (tenantSMS) ServesTenant(string) bool { return true }

func TestTelemetryTenantAttribute(t *testing.T) {
	e, rec := recordedEnv(t, tenantSMS{&smsGateway{sent: make(chan string, 4)}})
	ev := testEvent("TEL-T")
	ev.Tenant = "100420000000"
	ev.Recipients.Webhooks = nil
	ev.Recipients.Custom = []notify.Route{{Channel: "sms", Target: "+4915112345678"}}
	e.enqueue(ev)
	e.waitIdle(30 * time.Second)
	for _, name := range []string{"notify.enqueue", "notify.deliver"} {
		spans := rec.SpansNamed(name)
		require.Len(t, spans, 1, name)
		assert.Equal(t, "100420000000", telemetrytest.SpanAttrs(spans[0])["ozg.tenant"], name)
	}
	m := map[string]string{"ozg.tenant": "100420000000", "ozg.channel": "sms"}
	assert.Equal(t, int64(1), rec.Sum(t, "ozg.notify.enqueued", m))
	assert.Equal(t, int64(1), rec.Sum(t, "ozg.notify.deliveries", m))
	assert.Equal(t, int64(1), rec.Sum(t, "ozg.notify.delivery.duration", m))
	rec.AssertAllowedKeys(t)
}

// leakyChannel refuses every delivery with an error that quotes the
// recipient, as a counterpart's answer may: river's work span must not
// carry its text.
type leakyChannel struct{}

func (leakyChannel) Name() string { return "leaky" }

func (leakyChannel) Deliver(_ context.Context, d notify.Delivery) error {
	return &notify.DeliveryError{Class: notify.ClassRejected, Permanent: true, Err: errors.New("mailbox of " + d.Target + " unknown")}
}
