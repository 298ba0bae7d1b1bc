package postfach_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/notifytest"
	"github.com/egosaar/ozg/notify/postfach"
)

const (
	tenantA = "100410000000" // ARS Saarbrücken
	tenantB = "100420000000" // ARS Völklingen
)

// recTransport records what it was given.
type recTransport struct {
	msgs     []postfach.Message
	statuses []postfach.StatusUpdate
}

func (r *recTransport) SendMessage(_ context.Context, m postfach.Message) error {
	r.msgs = append(r.msgs, m)
	return nil
}

func (r *recTransport) SendStatus(_ context.Context, u postfach.StatusUpdate) error {
	r.statuses = append(r.statuses, u)
	return nil
}

// Each tenant's message goes out in its own name and over its own
// transport; an event whose tenant has no identity is refused.
func TestTenantSender(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, tenant, sender string // sender "": refused
		own                  bool   // sent over the tenant's own transport
	}{
		{"tenant A, shared transport", tenantA, "Landeshauptstadt Saarbrücken", false},
		{"tenant B, own transport", tenantB, "Stadt Völklingen", true},
		{"no default sender", "", "", false},
		{"unknown tenant", "100430000000", "", false},
		{"prefix of a tenant", "1004", "", false},
		{"case of a tenant", "x" + tenantA, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			shared, own := &recTransport{}, &recTransport{}
			ch, err := postfach.NewChannel(postfach.ChannelConfig{Transport: shared, StorkQaaLevel: postfach.LevelSubstantial,
				Tenants: map[string]postfach.Identity{
					tenantA: {Sender: "Landeshauptstadt Saarbrücken", Service: "Bauantrag"},
					tenantB: {Sender: "Stadt Völklingen", Service: "Bauantrag", Transport: own},
				}})
			require.NoError(t, err)
			ev := routeEvent()
			ev.Tenant = tc.tenant
			mbox := uuid.NewString()
			verr := ch.ValidateRoute(context.Background(), ev, mbox)
			derr := ch.Deliver(context.Background(), notify.Delivery{Event: ev, Target: mbox, Attempt: 1})
			if tc.sender == "" {
				assert.False(t, ch.ServesTenant(tc.tenant))
				var te *notify.TenantError
				require.ErrorAs(t, verr, &te)
				assert.ErrorIs(t, derr, notify.ErrUnknownTenant)
				var de *notify.DeliveryError
				require.ErrorAs(t, derr, &de)
				assert.True(t, de.Permanent)
				assert.Empty(t, shared.msgs)
				assert.Empty(t, shared.statuses)
				assert.Empty(t, own.msgs)
				return
			}
			require.NoError(t, verr)
			require.NoError(t, derr)
			used, unused := shared, own
			if tc.own {
				used, unused = own, shared
			}
			require.Len(t, used.msgs, 1)
			assert.Equal(t, tc.sender, used.msgs[0].Sender)
			assert.Len(t, used.statuses, 1)
			assert.Empty(t, unused.msgs, "never over another tenant's transport")
			assert.Empty(t, unused.statuses)
		})
	}
}

func TestTenantChannelConfig(t *testing.T) {
	t.Parallel()
	tr := &nopTransport{}
	bad := map[string]postfach.ChannelConfig{
		"empty key":            {Transport: tr, StorkQaaLevel: postfach.LevelBasic, Tenants: map[string]postfach.Identity{"": {Sender: "S"}}},
		"key with colon":       {Transport: tr, StorkQaaLevel: postfach.LevelBasic, Tenants: map[string]postfach.Identity{"a:b": {Sender: "S"}}},
		"no sender":            {Transport: tr, StorkQaaLevel: postfach.LevelBasic, Tenants: map[string]postfach.Identity{tenantA: {}}},
		"no transport at all":  {StorkQaaLevel: postfach.LevelBasic, Tenants: map[string]postfach.Identity{tenantA: {Sender: "S"}}},
		"default without one":  {Sender: "Land", StorkQaaLevel: postfach.LevelBasic, Tenants: map[string]postfach.Identity{tenantA: {Sender: "S", Transport: tr}}},
		"tenants and no level": {Transport: tr, Tenants: map[string]postfach.Identity{tenantA: {Sender: "S"}}},
	}
	for name, cfg := range bad {
		_, err := postfach.NewChannel(cfg)
		assert.ErrorIs(t, err, postfach.ErrInvalidConfig, name)
	}
	ch, err := postfach.NewChannel(postfach.ChannelConfig{StorkQaaLevel: postfach.LevelBasic,
		Tenants: map[string]postfach.Identity{tenantA: {Sender: "S", Transport: tr}}})
	require.NoError(t, err, "every tenant with its own transport, no default")
	assert.True(t, ch.ServesTenant(tenantA))
	assert.False(t, ch.ServesTenant(""))
	ch, err = postfach.NewChannel(postfach.ChannelConfig{Transport: tr, Sender: "Land", StorkQaaLevel: postfach.LevelBasic,
		Tenants: map[string]postfach.Identity{tenantA: {Sender: "S"}}})
	require.NoError(t, err)
	assert.True(t, ch.ServesTenant(""), "a default Sender serves the default tenant")
}

func TestTenantConformance(t *testing.T) {
	tr := &recTransport{}
	ch, err := postfach.NewChannel(postfach.ChannelConfig{Transport: tr, StorkQaaLevel: postfach.LevelHigh,
		Tenants: map[string]postfach.Identity{tenantA: {Sender: "A", Service: "Bauantrag"}, tenantB: {Sender: "B", Service: "Bauantrag"}}})
	require.NoError(t, err)
	notifytest.TenantChannelConformance(t, ch, routeEvent(), uuid.NewString(), []string{tenantA, tenantB},
		[]string{"", "100430000000", "1004", tenantB + "1"}, func() int { return len(tr.msgs) + len(tr.statuses) })
}
