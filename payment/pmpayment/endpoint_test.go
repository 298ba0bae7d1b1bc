package pmpayment_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/egosaar/ozg/payment/pmpayment"
)

// BaseURL and NotifyURL follow the module's one rule for endpoints that
// receive credentials or signed messages: https, or plain http to a
// loopback host only with InsecureDevelopment.
func TestEndpointRule(t *testing.T) {
	cases := []struct {
		url string
		ok  bool
	}{
		{"https://payment-test.itebo.de", true},
		{"http://127.0.0.1:8080", true},
		{"http://127.0.0.2", true},
		{"http://[::1]:8080", true},
		{"http://LOCALHOST", true},
		{"http://[::ffff:127.0.0.1]", true},
		{"http://payment-test.itebo.de", false},
		{"http://localhost.itebo.de", false},
		{"http://127.0.0.1.nip.io", false},
		{"http://0.0.0.0", false},
		{"http://192.168.1.1", false},
		{"http://[fe80::1%25lo]", false},
		{"ftp://localhost", false},
		{"localhost:8080", false},
		{"//localhost", false},
		{"https://u:p@payment-test.itebo.de", false},
		{"http://u:p@127.0.0.1", false},
		{"", false},
	}
	good := pmpayment.Config{BaseURL: "https://payment-test.itebo.de", AGS: "09162000", Procedure: "parken", Salt: "s", NotifyURL: "https://s.example/n"}
	for _, dev := range []bool{true, false} {
		for _, c := range cases {
			ok := c.ok && (dev || strings.HasPrefix(c.url, "https:"))
			cfg := good
			cfg.InsecureDevelopment = dev
			cfg.BaseURL = c.url
			_, err := pmpayment.New(cfg)
			assert.Equal(t, ok, err == nil, "BaseURL %q dev %v: %v", c.url, dev, err)
			if !ok {
				assert.ErrorIs(t, err, pmpayment.ErrInvalidConfig)
			}
			cfg = good
			cfg.InsecureDevelopment = dev
			cfg.NotifyURL = c.url + "/n"
			if c.url == "" {
				cfg.NotifyURL = ""
			}
			_, err = pmpayment.New(cfg)
			assert.Equal(t, ok, err == nil, "NotifyURL %q dev %v: %v", c.url, dev, err)
		}
	}
}
