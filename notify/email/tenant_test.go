package email_test

import (
	"context"
	"net/mail"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/email"
	"github.com/egosaar/ozg/notify/notifytest"
)

const (
	tenantA = "100410000000" // ARS Saarbrücken
	tenantB = "100420000000" // ARS Völklingen
)

func tenantSender(t *testing.T, dir string, from string) *email.Sender {
	t.Helper()
	s, err := email.New(email.Config{PickupDir: dir, From: from, Tenants: map[string]email.Identity{
		tenantA: {From: "noreply@saarbruecken.example", FromName: "Landeshauptstadt Saarbrücken"},
		tenantB: {From: "noreply@voelklingen.example", FromName: "Stadt Völklingen", MessageIDDomain: "mail.voelklingen.example"},
	}})
	require.NoError(t, err)
	return s
}

// Each tenant's mail goes out From its own identity, and an event whose
// tenant has none is refused, at enqueue and at delivery.
func TestTenantFrom(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, tenant, from string // from "": refused
		msgIDDomain        string
	}{
		{"tenant A", tenantA, "noreply@saarbruecken.example", "saarbruecken.example"},
		{"tenant B", tenantB, "noreply@voelklingen.example", "mail.voelklingen.example"},
		{"no default sender", "", "", ""},
		{"unknown tenant", "100430000000", "", ""},
		{"tenant key of another case", "100410000000x", "", ""},
		{"prefix of a tenant", "10041", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			s := tenantSender(t, dir, "")
			d := event(t, "erika@example.org")
			d.Event.Tenant = tc.tenant
			verr := s.ValidateRoute(context.Background(), d.Event, d.Target)
			derr := s.Deliver(context.Background(), d)
			if tc.from == "" {
				assert.False(t, s.ServesTenant(tc.tenant))
				var te *notify.TenantError
				require.ErrorAs(t, verr, &te)
				assert.Equal(t, tc.tenant, te.Tenant)
				var de *notify.DeliveryError
				require.ErrorAs(t, derr, &de)
				assert.True(t, de.Permanent)
				assert.Equal(t, notify.ClassConfig, de.Class)
				assert.ErrorIs(t, derr, notify.ErrUnknownTenant)
				entries, err := os.ReadDir(dir)
				require.NoError(t, err)
				assert.Empty(t, entries, "nothing sent")
				return
			}
			require.NoError(t, verr)
			require.NoError(t, derr)
			f, err := os.Open(filepath.Join(dir, string(d.Event.ID)+".eml"))
			require.NoError(t, err)
			defer f.Close()
			msg, err := mail.ReadMessage(f)
			require.NoError(t, err)
			from, err := mail.ParseAddress(msg.Header.Get("From"))
			require.NoError(t, err)
			assert.Equal(t, tc.from, from.Address)
			assert.Equal(t, "<"+string(d.Event.ID)+"@"+tc.msgIDDomain+">", msg.Header.Get("Message-Id"))
		})
	}
}

// With a default From, events without a tenant use it, and tenants
// still never do.
func TestTenantDefaultFrom(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := tenantSender(t, dir, "noreply@land.example")
	assert.True(t, s.ServesTenant(""))
	assert.True(t, s.ServesTenant(tenantA))
	assert.False(t, s.ServesTenant("100430000000"))
	d := event(t, "erika@example.org")
	d.Event.Tenant = tenantA
	require.NoError(t, s.Deliver(context.Background(), d))
	raw, err := os.ReadFile(filepath.Join(dir, string(d.Event.ID)+".eml"))
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "land.example")
}

func TestTenantConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := map[string]map[string]email.Identity{
		"empty key":        {"": {From: "a@b.example"}},
		"key with slash":   {"a/b": {From: "a@b.example"}},
		"key with space":   {"a b": {From: "a@b.example"}},
		"key too long":     {string(make([]byte, 65)): {From: "a@b.example"}},
		"missing From":     {tenantA: {}},
		"malformed From":   {tenantA: {From: "not an address"}},
		"header injection": {tenantA: {From: "a@b.example\r\nBcc: x@y.example"}},
	}
	for name, tenants := range bad {
		_, err := email.New(email.Config{PickupDir: dir, Tenants: tenants})
		assert.ErrorIs(t, err, email.ErrInvalidConfig, name)
	}
	_, err := email.New(email.Config{PickupDir: dir})
	assert.ErrorIs(t, err, email.ErrInvalidConfig, "neither From nor Tenants")
	_, err = email.New(email.Config{PickupDir: dir, Tenants: map[string]email.Identity{tenantA: {From: "a@b.example"}}})
	assert.NoError(t, err, "Tenants without a default From")
}

func TestTenantConformance(t *testing.T) {
	dir := t.TempDir()
	sent := func() int { entries, _ := os.ReadDir(dir); return len(entries) }
	d := event(t, "erika@example.org")
	notifytest.TenantChannelConformance(t, tenantSender(t, dir, ""), d.Event, d.Target,
		[]string{tenantA, tenantB}, []string{"", "100430000000", tenantA[:4], tenantA + "0"}, sent)
	notifytest.TenantChannelConformance(t, tenantSender(t, dir, "noreply@land.example"), d.Event, d.Target,
		[]string{"", tenantA}, []string{"100430000000"}, sent)
}
