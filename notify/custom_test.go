package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
)

// TestCustomChannelEndToEnd: a custom channel gets its own recipient,
// enqueue-time validation, retries-free delivery and a delivery log row
// with the status code it reported.
func TestCustomChannelEndToEnd(t *testing.T) {
	sms := &smsGateway{sent: make(chan string, 4)}
	e := newEnv(t, envOpts{extra: []notify.Channel{sms}})
	ev := testEvent("CU-1")
	ev.Recipients.Custom = []notify.Route{{Channel: "sms", Target: "+4915112345678"}}
	out := e.enqueue(ev)
	require.Len(t, out.Jobs, 2)
	assert.Equal(t, "sms", out.Jobs[1].Channel)
	select {
	case got := <-sms.sent:
		assert.Equal(t, "+4915112345678 Antrag CU-1: RECEIVED", got)
	case <-time.After(30 * time.Second):
		t.Fatal("no SMS")
	}
	e.waitIdle(30 * time.Second)
	require.NoError(t, e.client.FlushLog(context.Background()))
	log, err := e.client.Attempts(context.Background(), notify.ForTenant(""), "CU-1", 0)
	require.NoError(t, err)
	var smsRow notify.Attempt
	for _, a := range log {
		if a.Channel == "sms" {
			smsRow = a
		}
	}
	assert.Equal(t, 202, smsRow.StatusCode)
	assert.NotEqual(t, "+4915112345678", smsRow.Target, "a custom target is fingerprinted in the log")

	bad := []struct {
		name  string
		route notify.Route
		want  error
	}{
		{"unconfigured channel", notify.Route{Channel: "fax", Target: "+49301234567"}, notify.ErrUnknownChannel},
		{"invalid number", notify.Route{Channel: "sms", Target: "0151 123"}, notify.ErrInvalidEvent},
		{"built-in name", notify.Route{Channel: "email", Target: "a@example.org"}, notify.ErrInvalidEvent},
		{"bad channel name", notify.Route{Channel: "SMS!", Target: "+49301234567"}, notify.ErrInvalidEvent},
		{"empty target", notify.Route{Channel: "sms", Target: ""}, notify.ErrInvalidEvent},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			ev := testEvent("CU-2")
			ev.Recipients.Custom = []notify.Route{tc.route}
			_, err := e.client.Enqueue(context.Background(), ev)
			require.ErrorIs(t, err, tc.want)
		})
	}
	// Custom routes alone are recipients enough.
	only := testEvent("CU-3")
	only.Recipients = notify.Recipients{Custom: []notify.Route{{Channel: "sms", Target: "+4915112345679"}}}
	e.enqueue(only)
}
