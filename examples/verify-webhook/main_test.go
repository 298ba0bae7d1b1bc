package main

import (
	"bytes"
	"context"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/webhook"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestRun starts the program, sends it a webhook with notify's sender
// (twice, as a retry would) and a forged one.
func TestRun(t *testing.T) {
	secret, err := webhook.NewSecret()
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	var out syncBuf
	done := make(chan error, 1)
	go func() { done <- run(ctx, "127.0.0.1:0", secret.Encode(), &out, ready) }()
	addr := <-ready
	url := "http://" + addr + "/webhook"

	sender, err := webhook.NewSender(webhook.SenderConfig{
		Endpoints:           webhook.StaticEndpoints{"muni": {ID: "muni", URL: url, Secrets: []webhook.Secret{secret}}},
		Guard:               &webhook.Guard{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}},
		InsecureDevelopment: true,
	})
	require.NoError(t, err)
	id, _ := notify.NewEventID()
	d := notify.Delivery{Target: "muni", Event: notify.Event{ID: id, ApplicationID: "WG-1", Transition: "RECEIVED",
		Status: notify.StatusReceived, OccurredAt: time.Now()}}
	require.NoError(t, sender.Deliver(ctx, d))
	require.NoError(t, sender.Deliver(ctx, d)) // redelivery: acknowledged, printed once

	resp, err := http.Post(url, "application/json", strings.NewReader(`{"type":"forged"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)

	cancel()
	require.NoError(t, <-done)
	assert.Equal(t, "verified "+string(id)+" application.status.received application=WG-1 status=RECEIVED\n", out.String())
}
