package webhook_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/webhook"
)

func TestGuardBlocks(t *testing.T) {
	blocked := []string{
		"127.0.0.1", "127.1.2.3", "::1", "10.0.0.1", "172.16.5.4", "192.168.1.1",
		"169.254.169.254", "169.254.0.1", "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3", "::",
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1",
		"64:ff9b::a9fe:a9fe", "2002:7f00:1::", "2001::1", "2001:db8::1",
		"fc00::1", "fd12:3456::1", "fe80::1", "fe80::1%eth0", "ff02::1", "224.0.0.1", "239.1.1.1",
		"255.255.255.255", "240.0.0.1", "198.18.0.1", "192.0.2.1", "198.51.100.7", "203.0.113.9", "192.0.0.8",
	}
	g := &webhook.Guard{}
	for _, s := range blocked {
		t.Run(s, func(t *testing.T) {
			err := g.Check(netip.MustParseAddr(s))
			require.ErrorIs(t, err, webhook.ErrBlockedAddress)
			var be *webhook.BlockedAddressError
			require.ErrorAs(t, err, &be)
		})
	}
	for _, s := range []string{"8.8.8.8", "1.1.1.1", "2a00:1450:4001::1", "193.99.144.80"} {
		require.NoError(t, g.Check(netip.MustParseAddr(s)), s)
	}
}

func TestGuardAllowList(t *testing.T) {
	g := &webhook.Guard{Allow: []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16"), netip.MustParsePrefix("127.0.0.0/8")}}
	require.NoError(t, g.Check(netip.MustParseAddr("10.20.3.4")))
	require.NoError(t, g.Check(netip.MustParseAddr("::ffff:10.20.3.4")))
	require.NoError(t, g.Check(netip.MustParseAddr("127.0.0.1")))
	require.ErrorIs(t, g.Check(netip.MustParseAddr("10.21.0.1")), webhook.ErrBlockedAddress)
	require.ErrorIs(t, g.Check(netip.MustParseAddr("169.254.169.254")), webhook.ErrBlockedAddress)
	require.ErrorIs(t, g.Control("udp", "8.8.8.8:53", nil), webhook.ErrBlockedAddress)
	require.ErrorIs(t, g.Control("tcp", "not-an-ip:80", nil), webhook.ErrBlockedAddress)
}

// The guard acts at dial time: a name resolving to loopback is refused
// even though the URL looked harmless (DNS rebinding).
func TestGuardAtDialTime(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	d := (&webhook.Guard{}).Dialer()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	_, err = d.DialContext(context.Background(), "tcp", net.JoinHostPort("localhost", port))
	require.ErrorIs(t, err, webhook.ErrBlockedAddress)
}

type oneEndpoint struct{ ep webhook.Endpoint }

func (o oneEndpoint) Endpoint(context.Context, string) (webhook.Endpoint, error) { return o.ep, nil }

func TestSenderRefusesInsecureURLs(t *testing.T) {
	s := mustSecret(t)
	for name, url := range map[string]string{
		"http":       "http://example.org/hook",
		"userinfo":   "https://user:pw@example.org/hook",
		"no host":    "https:///hook",
		"ftp":        "ftp://example.org",
		"unparsable": "https://[::1",
	} {
		t.Run(name, func(t *testing.T) {
			snd, err := webhook.NewSender(webhook.SenderConfig{Endpoints: oneEndpoint{webhook.Endpoint{ID: "e", URL: url, Secrets: []webhook.Secret{s}}}})
			require.NoError(t, err)
			err = snd.Deliver(context.Background(), notify.Delivery{Event: notify.Event{ID: "x"}, Target: "e"})
			var de *notify.DeliveryError
			require.ErrorAs(t, err, &de)
			assert.True(t, de.Permanent)
			assert.Equal(t, notify.ClassConfig, de.Class)
		})
	}
}

func TestSenderClassifiesStatus(t *testing.T) {
	s := mustSecret(t)
	cases := []struct {
		status int
		class  notify.ErrorClass
		gone   bool
		ra     time.Duration
	}{
		{410, notify.ClassGone, true, 0},
		{429, notify.ClassThrottled, false, 30 * time.Second},
		{503, notify.ClassUnavailable, false, 30 * time.Second},
		{500, notify.ClassServer, false, 0},
		{404, notify.ClassClient, false, 0},
		{301, notify.ClassRedirect, false, 0},
	}
	for _, tc := range cases {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			srv := newStatusServer(t, tc.status)
			snd, err := webhook.NewSender(webhook.SenderConfig{
				Endpoints:           oneEndpoint{webhook.Endpoint{ID: "e", URL: srv, Secrets: []webhook.Secret{s}}},
				Guard:               &webhook.Guard{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}},
				InsecureDevelopment: true,
			})
			require.NoError(t, err)
			err = snd.Deliver(context.Background(), notify.Delivery{Event: notify.Event{ID: "x", Status: notify.StatusReceived}, Target: "e"})
			var de *notify.DeliveryError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tc.class, de.Class)
			assert.Equal(t, tc.status, de.StatusCode)
			assert.Equal(t, tc.gone, de.Gone)
			assert.Equal(t, tc.ra, de.RetryAfter)
			if tc.gone {
				assert.True(t, errors.Is(err, notify.ErrEndpointGone))
			}
		})
	}
}

func TestSenderTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	s := mustSecret(t)
	snd, err := webhook.NewSender(webhook.SenderConfig{
		Endpoints:           oneEndpoint{webhook.Endpoint{ID: "e", URL: srv.URL, Secrets: []webhook.Secret{s}}},
		Guard:               &webhook.Guard{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}},
		InsecureDevelopment: true,
		Timeout:             100 * time.Millisecond,
	})
	require.NoError(t, err)
	err = snd.Deliver(context.Background(), notify.Delivery{Event: notify.Event{ID: "x", Status: notify.StatusReceived}, Target: "e"})
	var de *notify.DeliveryError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, notify.ClassTimeout, de.Class)
	assert.False(t, de.Permanent)
}
