package httpx

import (
	"net/netip"
	"net/url"
	"strings"
)

// SecureEndpoint reports whether u may receive requests that carry
// credentials, signed messages or personal data: an absolute https URL
// with a host and no user info, or plain http to a loopback host (local
// simulators and tests; the traffic never leaves the machine). It is the
// module's one rule for "https, or http on loopback".
func SecureEndpoint(u *url.URL) bool {
	if u == nil || u.Host == "" || u.User != nil || u.Opaque != "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		return Loopback(u.Hostname())
	}
	return false
}

// Loopback reports whether host (without port or brackets, as returned by
// url.URL.Hostname) names the local machine: "localhost" or a loopback IP
// address (127.0.0.0/8, ::1, and 127.0.0.0/8 mapped into IPv6). Other
// names that may resolve to loopback are not trusted, since resolution is
// outside the caller's control.
func Loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Zone() == "" && a.Unmap().IsLoopback()
}
