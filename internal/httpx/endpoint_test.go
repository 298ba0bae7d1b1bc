package httpx

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAllowedEndpointDevelopment(t *testing.T) {
	t.Parallel()
	cases := []struct {
		raw string
		ok  bool
	}{
		{"http://idp.example.org/sso", false},
		{"http://10.0.0.1/sso", false},
		{"http://[::2]/sso", false},
		{"http://127.0.0.1.example.org/sso", false},
		{"http://localhost.example.org/sso", false},
		{"http://[fe80::1%25lo]/sso", false},
		{"https://user:pw@idp.example.org/sso", false},
		{"http://user@127.0.0.1/sso", false},
		{"https:///sso", false},
		{"https:idp.example.org", false},
		{"/sso", false},
		{"ftp://idp.example.org/sso", false},
		{"javascript://idp.example.org/%0aalert(1)", false},
		{"https://idp.example.org/sso", true},
		{"https://idp.example.org:8443/sso?x=1", true},
		{"http://127.0.0.1:8080/sso", true},
		{"http://127.8.9.10/sso", true},
		{"http://[::1]:8080/sso", true},
		{"http://[::ffff:127.0.0.1]/sso", true},
		{"http://LocalHost:8080/sso", true},
	}
	for _, tc := range cases {
		t.Run(tc.raw, func(t *testing.T) {
			u, err := url.Parse(tc.raw)
			require.NoError(t, err)
			assert.Equal(t, tc.ok, AllowedEndpoint(u, true))
		})
	}
	assert.False(t, AllowedEndpoint(nil, true))
}
