package webhook_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/notifytest"
	"github.com/egosaar/ozg/notify/webhook"
)

// Endpoint IDs are resolved in the event's tenant's source only: a
// tenant cannot name another tenant's endpoint (and so never signs with
// its secret), and an event of a tenant without a source is refused.
func TestTenantEndpoints(t *testing.T) {
	t.Parallel()
	secret, err := webhook.NewSecret()
	require.NoError(t, err)
	ep := func(id string) webhook.Endpoint {
		return webhook.Endpoint{ID: id, URL: "https://" + id + ".example/hook", Secrets: []webhook.Secret{secret}}
	}
	s, err := webhook.NewSender(webhook.SenderConfig{Tenants: map[string]webhook.EndpointSource{
		"100410000000": webhook.StaticEndpoints{"a-only": ep("a-only"), "shared": ep("shared")},
		"100420000000": webhook.StaticEndpoints{"b-only": ep("b-only"), "shared": ep("shared")},
	}})
	require.NoError(t, err)
	cases := []struct {
		name, tenant, endpoint string
		want                   error // nil: accepted
	}{
		{"A's endpoint as A", "100410000000", "a-only", nil},
		{"shared ID as B", "100420000000", "shared", nil},
		{"B's endpoint as A", "100410000000", "b-only", webhook.ErrUnknownEndpoint},
		{"A's endpoint as B", "100420000000", "a-only", webhook.ErrUnknownEndpoint},
		{"A's endpoint without tenant", "", "a-only", notify.ErrUnknownTenant},
		{"unknown tenant", "100430000000", "shared", notify.ErrUnknownTenant},
		{"prefix of a tenant", "10041", "a-only", notify.ErrUnknownTenant},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ev := notify.Event{ID: "01950a6e-0000-7000-8000-000000000001", Tenant: tc.tenant, ApplicationID: "A-1",
				Transition: "RECEIVED", Status: notify.StatusReceived}
			err := s.ValidateRoute(context.Background(), ev, tc.endpoint)
			if tc.want == nil {
				assert.NoError(t, err)
				assert.True(t, s.ServesTenant(tc.tenant))
				return
			}
			require.ErrorIs(t, err, tc.want)
			derr := s.Deliver(context.Background(), notify.Delivery{Event: ev, Target: tc.endpoint, Attempt: 1})
			var de *notify.DeliveryError
			require.ErrorAs(t, derr, &de)
			assert.True(t, de.Permanent, "nothing sent, not retried")
			assert.Equal(t, notify.ClassConfig, de.Class)
		})
	}
}

func TestTenantSenderConfig(t *testing.T) {
	t.Parallel()
	src := webhook.StaticEndpoints{}
	for name, tenants := range map[string]map[string]webhook.EndpointSource{
		"no sources":     {},
		"empty key":      {"": src},
		"key with slash": {"a/b": src},
		"nil source":     {"100410000000": nil},
	} {
		_, err := webhook.NewSender(webhook.SenderConfig{Tenants: tenants})
		assert.ErrorIs(t, err, webhook.ErrInvalidConfig, name)
	}
	s, err := webhook.NewSender(webhook.SenderConfig{Endpoints: src, Tenants: map[string]webhook.EndpointSource{"100410000000": src}})
	require.NoError(t, err)
	assert.True(t, s.ServesTenant(""))
	assert.True(t, s.ServesTenant("100410000000"))
	assert.False(t, s.ServesTenant("100420000000"))
}

func TestTenantConformance(t *testing.T) {
	ts := notifytest.StartTenants(t, "100410000000", "100420000000")
	sent := func() int {
		return len(ts.Sims["100410000000"].Receiver.Received()) + len(ts.Sims["100420000000"].Receiver.Received())
	}
	ev := notify.Event{ID: "01950a6e-0000-7000-8000-000000000001", ApplicationID: "A-1", Transition: "RECEIVED", Status: notify.StatusReceived}
	notifytest.TenantChannelConformance(t, ts.Sender(t), ev, notifytest.EndpointID,
		[]string{"100410000000", "100420000000"}, []string{"", "100430000000", "1004"}, sent)
}
