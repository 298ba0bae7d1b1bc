package httpx

import (
	"net/netip"
	"net/url"
	"strings"
)

// AllowedEndpoint reports whether u may receive requests that carry
// credentials, signed messages or personal data, or serve as a redirect or
// callback target: an absolute https URL with a host and no user info; and,
// only when development is true (the module's one development switch,
// Config.InsecureDevelopment in every package), plain http to a loopback
// host, for local simulators and tests whose traffic never leaves the
// machine. It is the module's one rule for endpoint URLs.
func AllowedEndpoint(u *url.URL, development bool) bool {
	if u == nil || u.Host == "" || u.User != nil || u.Opaque != "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		return development && Loopback(u.Hostname())
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
