package notifytest

import (
	"context"
	"errors"
	"testing"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/webhook"
)

// Tenants is one Sim per tenant behind one webhook channel: each
// tenant's events to EndpointID reach that tenant's own receiver, signed
// with that tenant's own secret. The receivers are strict, so a request
// signed with another tenant's secret is answered 401 and shows up in
// Received with Valid false.
type Tenants struct {
	// Sims holds each tenant's Sim by tenant key.
	Sims map[string]*Sim
}

// StartTenants starts a strict Sim for each tenant key; they stop when t
// ends.
func StartTenants(t testing.TB, tenants ...string) *Tenants {
	t.Helper()
	ts := &Tenants{Sims: make(map[string]*Sim, len(tenants))}
	for _, tn := range tenants {
		ts.Sims[tn] = StartWith(t, ReceiverConfig{Strict: true})
	}
	return ts
}

// Sender returns the webhook channel with one endpoint source per tenant
// (SenderConfig.Tenants) and no default endpoints, so an event without a
// tenant, or of a tenant not started, is refused at enqueue.
func (ts *Tenants) Sender(t testing.TB) *webhook.Sender {
	t.Helper()
	sources := make(map[string]webhook.EndpointSource, len(ts.Sims))
	for tn, s := range ts.Sims {
		sources[tn] = s.Endpoints
	}
	return newSender(t, webhook.SenderConfig{Tenants: sources})
}

// Config returns a notify.Config with the tenants' webhook channel and
// TestSettings.
func (ts *Tenants) Config(t testing.TB) notify.Config {
	t.Helper()
	return TestSettings(notify.Config{Channels: []notify.Channel{ts.Sender(t)}})
}

// TenantChannelConformance checks the tenancy contract of a channel that
// sends in the name of tenants ([notify.TenantChannel]): every tenant in
// served is served and its event passes ValidateRoute; for every tenant
// in refused, ServesTenant is false, ValidateRoute (if the channel has
// it) refuses with notify.ErrUnknownTenant, and Deliver fails permanently
// with notify.ErrUnknownTenant, so nothing is sent or retried. ev must be
// a valid event for target (its Tenant is replaced). sent, if not nil,
// reports how many messages the channel has handed to its counterpart so
// far; it must not grow for a refused tenant. Deliver is never called for
// a served tenant.
func TenantChannelConformance(t *testing.T, ch notify.Channel, ev notify.Event, target string, served, refused []string, sent func() int) {
	t.Helper()
	tc, ok := ch.(notify.TenantChannel)
	if !ok {
		t.Fatalf("notifytest: channel %s does not implement notify.TenantChannel", ch.Name())
	}
	rv, _ := ch.(notify.RouteValidator)
	ctx := context.Background()
	for _, tn := range served {
		t.Run("served/"+tn, func(t *testing.T) {
			if !tc.ServesTenant(tn) {
				t.Errorf("ServesTenant(%q) = false, want true", tn)
			}
			ev := ev
			ev.Tenant = tn
			if rv != nil {
				if err := rv.ValidateRoute(ctx, ev, target); err != nil {
					t.Errorf("ValidateRoute for tenant %q: %v", tn, err)
				}
			}
		})
	}
	for _, tn := range refused {
		t.Run("refused/"+tn, func(t *testing.T) {
			if tc.ServesTenant(tn) {
				t.Errorf("ServesTenant(%q) = true, want false", tn)
			}
			ev := ev
			ev.Tenant = tn
			if rv != nil {
				if err := rv.ValidateRoute(ctx, ev, target); !errors.Is(err, notify.ErrUnknownTenant) {
					t.Errorf("ValidateRoute for tenant %q: %v, want notify.ErrUnknownTenant", tn, err)
				}
			}
			before := 0
			if sent != nil {
				before = sent()
			}
			err := ch.Deliver(ctx, notify.Delivery{Event: ev, Target: target, Attempt: 1})
			var de *notify.DeliveryError
			if !errors.As(err, &de) || !de.Permanent || !errors.Is(err, notify.ErrUnknownTenant) {
				t.Errorf("Deliver for tenant %q: %v, want a permanent *notify.DeliveryError wrapping notify.ErrUnknownTenant", tn, err)
			}
			if sent != nil && sent() != before {
				t.Errorf("Deliver for tenant %q sent a message", tn)
			}
		})
	}
}
