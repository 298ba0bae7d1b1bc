package main

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/database"
)

// TestHaConfigRefused: settings of the multi-instance operation that New
// refuses before it opens anything.
func TestHaConfigRefused(t *testing.T) {
	ts := defaults(t)
	w, stop, err := newWorld(ts)
	require.NoError(t, err)
	t.Cleanup(stop)
	keys, err := GenerateKeys(ts)
	require.NoError(t, err)
	cases := []struct {
		name string
		set  func(*Config)
		want error
	}{
		{"negative lease", func(c *Config) { c.Ha.Lease = -time.Second }, ErrInvalidConfig},
		{"negative resumer interval", func(c *Config) { c.Ha.ResumeEvery = -time.Second }, ErrInvalidConfig},
		{"negative payment poll", func(c *Config) { c.Ha.PaymentPoll = -time.Second }, ErrInvalidConfig},
		{"keys without SAML signing key", func(c *Config) { c.Ha.Keys = &Keys{SAMLEncryption: keys.SAMLEncryption, Tenants: keys.Tenants} }, ErrInvalidConfig},
		{"keys without SAML encryption key", func(c *Config) { c.Ha.Keys = &Keys{SAMLSigning: keys.SAMLSigning, Tenants: keys.Tenants} }, ErrInvalidConfig},
		{"no signing key for a tenant", func(c *Config) {
			c.Ha.Keys = &Keys{SAMLSigning: keys.SAMLSigning, SAMLEncryption: keys.SAMLEncryption}
		}, ErrInvalidConfig},
		{"unparsable PostgreSQL DSN", func(c *Config) { c.Postgres = "postgres://%zz" }, database.ErrInvalidConfig},
		{"negative notice rescue", func(c *Config) { c.Ha.RescueAfter = -time.Second }, ErrInvalidConfig},
		{"mail relay not on loopback", func(c *Config) { c.Counterparts.MailRelay = "192.0.2.1:25" }, ErrInvalidConfig},
		{"mail relay by name", func(c *Config) { c.Counterparts.MailRelay = "localhost:25" }, ErrInvalidConfig},
		{"mail relay without port", func(c *Config) { c.Counterparts.MailRelay = "127.0.0.1" }, ErrInvalidConfig},
		{"mail relay bad port", func(c *Config) { c.Counterparts.MailRelay = "127.0.0.1:smtp" }, ErrInvalidConfig},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Tenants: ts, BaseURL: "https://127.0.0.1:1", Dir: t.TempDir(), Counterparts: w.counterparts()}
			tc.set(&cfg)
			p, err := New(context.Background(), cfg)
			if p != nil {
				p.Close()
			}
			require.True(t, errors.Is(err, tc.want), "%v", err)
		})
	}
}
