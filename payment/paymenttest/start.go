package paymenttest

import (
	"log/slog"
	"testing"
	"time"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/xbezahldienste"
)

// Sim is a running XBezahldienste simulator with test defaults, started by
// Start or StartWith and closed when the test ends. The embedded
// *XBezahldienste drives it (Pay, Cancel, Fail, fault injection).
type Sim struct {
	*XBezahldienste
	t testing.TB
}

// Start starts an XBezahldienste simulator with its defaults and closes it
// with t.Cleanup. An application's end-to-end test needs no more than:
//
//	sim := paymenttest.Start(t)
//	client, err := payment.New(sim.Config())
func Start(t testing.TB) *Sim { return StartWith(t, XConfig{}) }

// StartWith is Start with the simulator's own settings.
func StartWith(t testing.TB, cfg XConfig) *Sim {
	t.Helper()
	s := NewXBezahldienste(cfg)
	t.Cleanup(s.Close)
	return &Sim{XBezahldienste: s, t: t}
}

// ProviderConfig returns the adapter's configuration wired to the
// simulator (InsecureDevelopment: it serves plain http on loopback).
func (s *Sim) ProviderConfig() xbezahldienste.Config { return s.XBezahldienste.Config() }

// Config returns a fresh, ready payment.Config wired to the simulator: the
// XBezahldienste adapter, an explicit in-memory store, InsecureDevelopment
// (redirect URLs on http://127.0.0.1 are accepted), a silent logger and
// short poll intervals. Replace Store with a durable one to test restarts.
func (s *Sim) Config() payment.Config {
	s.t.Helper()
	p, err := xbezahldienste.New(s.ProviderConfig())
	if err != nil {
		s.t.Fatalf("paymenttest: %v", err)
	}
	return payment.Config{
		Provider:            p,
		Store:               paystore.NewMemoryStore(),
		InsecureDevelopment: true,
		Logger:              slog.New(slog.DiscardHandler),
		PollInitial:         time.Second,
		PollInterval:        100 * time.Millisecond,
		PollMax:             time.Second,
		CreateLeasePoll:     10 * time.Millisecond,
	}
}
