package xbezahldienste_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/egosaar/ozg/payment/xbezahldienste"
)

// BaseURL and TokenURL follow the module's one rule for endpoints that
// receive credentials (internal/httpx.AllowedEndpoint): https, or plain
// http to a loopback host only.
func TestEndpointRule(t *testing.T) {
	t.Parallel()
	cases := []struct {
		url string
		ok  bool
	}{
		{"https://bd.example/api", true},
		{"http://127.0.0.1:8080/api", true},
		{"http://127.0.0.2/api", true},
		{"http://[::1]:8080/api", true},
		{"http://LOCALHOST/api", true},
		{"http://[::ffff:127.0.0.1]/api", true},
		{"http://bd.example/api", false},
		{"http://localhost.bd.example/api", false},
		{"http://127.0.0.1.nip.io/api", false},
		{"http://0.0.0.0/api", false},
		{"http://10.0.0.1/api", false},
		{"http://[fe80::1%25lo]/api", false},
		{"ftp://localhost/api", false},
		{"file:///etc/passwd", false},
		{"localhost:8080", false},
		{"//localhost/api", false},
		{"https://u:p@bd.example/api", false},
		{"http://u:p@127.0.0.1/api", false},
		{"", false},
	}
	for _, dev := range []bool{true, false} {
		for _, c := range cases {
			ok := c.ok && (dev || strings.HasPrefix(c.url, "https:"))
			_, err := xbezahldienste.New(xbezahldienste.Config{BaseURL: c.url, OriginatorID: "od", EndpointID: "09162000", InsecureDevelopment: dev})
			assert.Equal(t, ok, err == nil, "BaseURL %q dev %v: %v", c.url, dev, err)
			if !ok {
				assert.ErrorIs(t, err, xbezahldienste.ErrInvalidConfig)
			}
			_, err = xbezahldienste.NewOAuth2(xbezahldienste.OAuth2Config{TokenURL: c.url, ClientID: "c", ClientSecret: "s", InsecureDevelopment: dev})
			assert.Equal(t, ok, err == nil, "TokenURL %q dev %v: %v", c.url, dev, err)
		}
	}
}
