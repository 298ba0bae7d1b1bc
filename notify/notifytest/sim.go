package notifytest

import (
	"net/netip"
	"testing"
	"time"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/webhook"
)

// EndpointID is the webhook endpoint ID under which Sim.Config routes to
// the Sim's receiver: put it in Recipients.Webhooks.
const EndpointID = "notifytest"

// Sim is a running webhook receiver with a secret and the SDK-side
// configuration wired to it.
type Sim struct {
	// Receiver records every request (see Received, WaitDelivered) and
	// injects faults (Fail, Down).
	Receiver *Receiver
	// Secret signs the Sim's endpoint; the receiver verifies with it.
	Secret webhook.Secret
	// Endpoints resolves EndpointID to the receiver. Add entries to route
	// to further receivers.
	Endpoints webhook.StaticEndpoints
}

// Start starts a receiver on loopback with a fresh secret; it stops when
// t ends.
func Start(t testing.TB) *Sim { return StartWith(t, ReceiverConfig{}) }

// StartWith is Start with receiver settings (Strict, TLS, Now, Profile).
// A nil cfg.Secrets is filled with the Sim's fresh secret.
func StartWith(t testing.TB, cfg ReceiverConfig) *Sim {
	t.Helper()
	secret, err := webhook.NewSecret()
	if err != nil {
		t.Fatalf("notifytest: %v", err)
	}
	if cfg.Secrets == nil {
		cfg.Secrets = []webhook.Secret{secret}
	}
	r := NewReceiver(t, cfg)
	return &Sim{Receiver: r, Secret: secret,
		Endpoints: webhook.StaticEndpoints{EndpointID: {ID: EndpointID, URL: r.URL, Secrets: []webhook.Secret{secret}, Profile: cfg.Profile}}}
}

// Sender returns the webhook channel wired to the Sim: loopback allowed
// in the SSRF guard and plain http through the development switch.
func (s *Sim) Sender(t testing.TB) *webhook.Sender {
	t.Helper()
	return newSender(t, webhook.SenderConfig{Endpoints: s.Endpoints, Now: s.Receiver.cfg.Now})
}

// newSender completes cfg for loopback receivers: loopback allowed in
// the SSRF guard, plain http through the development switch.
func newSender(t testing.TB, cfg webhook.SenderConfig) *webhook.Sender {
	t.Helper()
	cfg.Guard = &webhook.Guard{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}
	cfg.InsecureDevelopment = true
	sender, err := webhook.NewSender(cfg)
	if err != nil {
		t.Fatalf("notifytest: %v", err)
	}
	return sender
}

// Config returns a notify.Config with the Sim's webhook channel and
// TestSettings. Add channels, hooks or a Clock (Now and Test.Time) as the
// test needs.
func (s *Sim) Config(t testing.TB) notify.Config {
	t.Helper()
	return TestSettings(notify.Config{Channels: []notify.Channel{s.Sender(t)}})
}

// FastSchedule is a retry schedule for tests: four attempts, each retry
// after a millisecond, so river makes it available at once.
var FastSchedule = []time.Duration{0, time.Millisecond, time.Millisecond, time.Millisecond}

// TestSettings returns cfg with the settings that make retries and crash
// recovery take seconds, not hours, as far as river v0.51 permits: a
// 2 s attempt timeout and 8 s RescueAfter (so river's job timeout is 4 s),
// a 1 ms fetch cooldown and a 20 ms poll interval, river's TestOnly mode,
// and FastSchedule without jitter for every channel that has no Policy
// yet (call it again after adding channels). These are test settings: never use them in production, where
// they would retry a failing receiver within milliseconds.
//
// What remains is river's floor, which v0.51 does not let a caller
// change: a job scheduled more than a few milliseconds ahead (a
// Retry-After, a snooze, a longer schedule) becomes available at the
// scheduler's next run, every 5 s; a crashed worker's job is rescued at
// the rescuer's first run after RescueAfter, which runs every 30 s. Use a
// Clock to jump over delays, and expect up to 5 s per jump and up to
// RescueAfter + 30 s for a crash.
func TestSettings(cfg notify.Config) notify.Config {
	cfg.AttemptTimeout = 2 * time.Second
	cfg.RescueAfter = 8 * time.Second
	cfg.FetchCooldown = time.Millisecond
	cfg.FetchPollInterval = 20 * time.Millisecond
	cfg.Test.TestOnly = true
	if cfg.Policies == nil {
		cfg.Policies = map[string]notify.Policy{}
	}
	for _, ch := range cfg.Channels {
		if _, ok := cfg.Policies[ch.Name()]; !ok {
			cfg.Policies[ch.Name()] = notify.Policy{Schedule: FastSchedule, Jitter: -1}
		}
	}
	return cfg
}
