package webhook

import (
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// blockedPrefixes are special-purpose ranges (IANA IPv4/IPv6
// Special-Purpose Address Registries, RFC 6890 and successors) that an
// outgoing webhook must never reach unless explicitly allowed. Loopback,
// RFC 1918, link-local (incl. 169.254.169.254 cloud metadata), ULA and
// multicast are caught by netip predicates as well.
var blockedPrefixes = mustPrefixes(
	"0.0.0.0/8",       // "this network", incl. unspecified
	"10.0.0.0/8",      // private
	"100.64.0.0/10",   // CGNAT shared address space
	"127.0.0.0/8",     // loopback
	"169.254.0.0/16",  // link-local, cloud metadata
	"172.16.0.0/12",   // private
	"192.0.0.0/24",    // IETF protocol assignments
	"192.0.2.0/24",    // TEST-NET-1
	"192.88.99.0/24",  // 6to4 relay anycast
	"192.168.0.0/16",  // private
	"198.18.0.0/15",   // benchmarking
	"198.51.100.0/24", // TEST-NET-2
	"203.0.113.0/24",  // TEST-NET-3
	"224.0.0.0/4",     // multicast
	"240.0.0.0/4",     // reserved, incl. broadcast
	"::/128",          // unspecified
	"::1/128",         // loopback
	"::/96",           // IPv4-compatible (deprecated)
	"::ffff:0:0/96",   // IPv4-mapped (checked after unmapping, too)
	"64:ff9b::/96",    // NAT64 well-known prefix (reaches IPv4 space)
	"64:ff9b:1::/48",  // local-use NAT64
	"100::/64",        // discard-only
	"2001::/23",       // IETF protocol assignments (Teredo, ORCHID, ...)
	"2001:db8::/32",   // documentation
	"2002::/16",       // 6to4 (embeds IPv4)
	"3fff::/20",       // documentation
	"5f00::/16",       // segment routing SIDs
	"fc00::/7",        // unique local
	"fe80::/10",       // link-local
	"fec0::/10",       // site-local (deprecated)
	"ff00::/8",        // multicast
)

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// Guard refuses connections to special-purpose addresses at dial time,
// after DNS resolution, so DNS rebinding cannot bypass it. Install
// Control as net.Dialer.Control. The zero value blocks every range above
// and allows the public Internet.
type Guard struct {
	// Allow lists CIDR ranges that are reachable although special, e.g.
	// an on-premise receiver in 10.20.0.0/16 or, in tests, 127.0.0.0/8.
	Allow []netip.Prefix
}

// Check reports whether addr may be dialled.
func (g *Guard) Check(addr netip.Addr) error {
	addr = addr.WithZone("")
	if !addr.IsValid() {
		return &BlockedAddressError{Addr: addr}
	}
	for _, p := range g.Allow {
		if p.Contains(addr) || (addr.Is4In6() && p.Contains(addr.Unmap())) {
			return nil
		}
	}
	for _, a := range []netip.Addr{addr, addr.Unmap()} {
		if a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() || a.IsLinkLocalUnicast() ||
			a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() || a.IsMulticast() {
			return &BlockedAddressError{Addr: addr}
		}
		for _, p := range blockedPrefixes {
			if p.Contains(a) {
				return &BlockedAddressError{Addr: addr}
			}
		}
	}
	return nil
}

// Control is a net.Dialer.Control function enforcing the guard on
// "ip:port" addresses; only TCP is allowed.
func (g *Guard) Control(network, address string, _ syscall.RawConn) error {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return fmt.Errorf("%w: network %s", ErrBlockedAddress, network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: unparsable address", ErrBlockedAddress)
	}
	return g.Check(ap.Addr())
}

// Dialer returns a net.Dialer with the guard installed.
func (g *Guard) Dialer() *net.Dialer {
	return &net.Dialer{Control: g.Control}
}
