package notify_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/notifytest"
	"github.com/egosaar/ozg/notify/webhook"
)

// An endpoint failing longer than DisableAfter is disabled and reported
// on another channel (here: a second webhook endpoint for operators).
func TestFailingEndpointDisabledAndReported(t *testing.T) {
	clock := notifytest.NewClock(time.Now().UTC().Truncate(time.Second))
	e := newEnv(t, envOpts{clock: clock, noStart: true, cfg: notify.Config{
		Policies:       map[string]notify.Policy{"webhook": {Schedule: []time.Duration{0, time.Millisecond, time.Millisecond, time.Millisecond}, Jitter: -1, DisableAfter: time.Minute}},
		DisabledNotice: &notify.Recipients{Webhooks: []string{"ops", "ep1"}},
	}})
	ops := notifytest.NewReceiver(t, notifytest.ReceiverConfig{Secrets: []webhook.Secret{e.secret}, Now: clock.Now})
	e.eps["ops"] = webhook.Endpoint{ID: "ops", URL: ops.URL, Secrets: []webhook.Secret{e.secret}}
	e.start()
	e.rcv.Down(notifytest.Fault{Status: 500})
	out := e.enqueue(testEvent("N-1"))
	require.NoError(t, e.rcv.WaitRequests(waitCtx(t, 45*time.Second), 1))
	e.waitEventAttempts(out.EventID, 1)
	clock.Advance(2 * time.Minute)
	dl := e.waitDead(45 * time.Second)
	assert.Equal(t, "disabled", dl.Reason)
	st := <-e.disabled
	assert.Equal(t, "failing", st.DisabledReason)

	require.NoError(t, ops.WaitDelivered(waitCtx(t, 45*time.Second), 1))
	var p struct {
		Type string `json:"type"`
	}
	require.NoError(t, json.Unmarshal(ops.Received()[0].Body, &p))
	assert.Equal(t, "notify.endpoint.disabled", p.Type)
	assert.Len(t, e.rcv.Received(), 2, "the notice never goes to the disabled endpoint")
}

// The cap bounds the attempts in flight per endpoint (measured around
// Channel.Deliver: the receiver's own count would include hung requests
// the sender already gave up on, whose server handlers end only once the
// server notices the closed connection).
func TestPerEndpointConcurrencyCap(t *testing.T) {
	cc := &countingChannel{}
	e := newEnv(t, envOpts{cfg: notify.Config{
		AttemptTimeout: 200 * time.Millisecond,
		Policies:       map[string]notify.Policy{"webhook": {Schedule: fastSchedule, Jitter: -1, Concurrency: 2}},
	}, wrap: func(ch notify.Channel) notify.Channel { cc.Channel = ch; return cc }})
	e.rcv.Fail(notifytest.Fault{Hang: true}, notifytest.Fault{Hang: true}, notifytest.Fault{Hang: true}, notifytest.Fault{Hang: true})
	for i := range 6 {
		ev := testEvent("CC-" + string(rune('a'+i)))
		ev.Transition = "T" + string(rune('a'+i))
		e.enqueue(ev)
	}
	require.NoError(t, e.rcv.WaitDelivered(waitCtx(t, 30*time.Second), 6))
	assert.LessOrEqual(t, cc.maxInFlight(), 2)
	assert.Positive(t, cc.maxInFlight())
}

// countingChannel records how many Deliver calls run at once.
type countingChannel struct {
	notify.Channel
	mu      sync.Mutex
	in, max int
}

func (c *countingChannel) Deliver(ctx context.Context, d notify.Delivery) error {
	c.mu.Lock()
	c.in++
	c.max = max(c.max, c.in)
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.in--
		c.mu.Unlock()
	}()
	return c.Channel.Deliver(ctx, d)
}

func (c *countingChannel) maxInFlight() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.max
}

func TestConfigValidation(t *testing.T) {
	sender, err := webhook.NewSender(webhook.SenderConfig{Endpoints: webhook.StaticEndpoints{}})
	require.NoError(t, err)
	ok := func() notify.Config { return notify.Config{Channels: []notify.Channel{sender}} }
	require.NoError(t, ok().Validate())
	cases := map[string]func(*notify.Config){
		"no channels":             func(c *notify.Config) { c.Channels = nil },
		"duplicate channel":       func(c *notify.Config) { c.Channels = append(c.Channels, sender) },
		"rescue below 4x attempt": func(c *notify.Config) { c.AttemptTimeout = time.Minute; c.RescueAfter = 3 * time.Minute },
		"policy for unknown":      func(c *notify.Config) { c.Policies = map[string]notify.Policy{"sms": {}} },
		"channel name upper case": func(c *notify.Config) { c.Channels = []notify.Channel{namedChannel("SMS")} },
		"channel name with colon": func(c *notify.Config) { c.Channels = []notify.Channel{namedChannel("sms:1")} },
		"channel name empty":      func(c *notify.Config) { c.Channels = []notify.Channel{namedChannel("")} },
		"channel name too long":   func(c *notify.Config) { c.Channels = []notify.Channel{namedChannel(strings.Repeat("s", 33))} },
		"nil channel":             func(c *notify.Config) { c.Channels = []notify.Channel{nil} },
		"schedule not starting 0": func(c *notify.Config) {
			c.Policies = map[string]notify.Policy{"webhook": {Schedule: []time.Duration{time.Second}}}
		},
		"negative delay": func(c *notify.Config) {
			c.Policies = map[string]notify.Policy{"webhook": {Schedule: []time.Duration{0, -time.Second}}}
		},
		"jitter too large":     func(c *notify.Config) { c.Policies = map[string]notify.Policy{"webhook": {Jitter: 0.9}} },
		"cooldown above poll":  func(c *notify.Config) { c.FetchCooldown = time.Second; c.FetchPollInterval = time.Millisecond },
		"poll below river min": func(c *notify.Config) { c.FetchPollInterval = time.Microsecond },
		"negative cooldown":    func(c *notify.Config) { c.FetchCooldown = -time.Millisecond },
	}
	for name, mut := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := ok()
			mut(&cfg)
			require.ErrorIs(t, cfg.Validate(), notify.ErrInvalidConfig)
			_, err := notify.NewSQLite(nil, cfg)
			require.ErrorIs(t, err, notify.ErrInvalidConfig)
		})
	}
	_, err = notify.NewSQLite(nil, ok())
	require.ErrorIs(t, err, notify.ErrInvalidConfig, "nil database")
	_, err = notify.NewPostgres(nil, ok())
	require.ErrorIs(t, err, notify.ErrInvalidConfig, "nil pool")
}

type namedChannel string

func (n namedChannel) Name() string                                 { return string(n) }
func (namedChannel) Deliver(context.Context, notify.Delivery) error { return nil }
