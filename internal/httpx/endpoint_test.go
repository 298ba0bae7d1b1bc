package httpx

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAllowedEndpoint checks each URL with the development switch on (dev)
// and off (prod): off, only https is allowed.
func TestAllowedEndpoint(t *testing.T) {
	t.Parallel()
	cases := []struct {
		raw       string
		dev, prod bool
	}{
		{"http://idp.example.org/sso", false, false},
		{"http://10.0.0.1/sso", false, false},
		{"http://[::2]/sso", false, false},
		{"http://127.0.0.1.example.org/sso", false, false},
		{"http://localhost.example.org/sso", false, false},
		{"http://[fe80::1%25lo]/sso", false, false},
		{"https://user:pw@idp.example.org/sso", false, false},
		{"http://user@127.0.0.1/sso", false, false},
		{"https:///sso", false, false},
		{"https:idp.example.org", false, false},
		{"/sso", false, false},
		{"ftp://idp.example.org/sso", false, false},
		{"javascript://idp.example.org/%0aalert(1)", false, false},
		{"https://idp.example.org/sso", true, true},
		{"https://idp.example.org:8443/sso?x=1", true, true},
		{"http://127.0.0.1:8080/sso", true, false},
		{"http://127.8.9.10/sso", true, false},
		{"http://[::1]:8080/sso", true, false},
		{"http://[::ffff:127.0.0.1]/sso", true, false},
		{"http://LocalHost:8080/sso", true, false},
		{"https://example.org/x", true, true},
		{"http://localhost/x", true, false},
		{"http://[::1]/x", true, false},
		{"http://example.org/x", false, false},
		{"https:opaque", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.raw, func(t *testing.T) {
			u, err := url.Parse(tc.raw)
			require.NoError(t, err)
			assert.Equal(t, tc.dev, AllowedEndpoint(u, true), "development")
			assert.Equal(t, tc.prod, AllowedEndpoint(u, false), "production")
		})
	}
	assert.False(t, AllowedEndpoint(nil, true))
	assert.False(t, AllowedEndpoint(nil, false))
}
