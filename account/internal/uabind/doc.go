// Package uabind binds a pending login (SAML RelayState, OIDC state) to the
// user agent that started it, with a random value in an HttpOnly cookie.
//
// The store keeps only the SHA-256 of the value (Hash); the cookie carries
// the value itself. A login can be finished only by a request that presents
// a value whose hash the pending login holds (Match), so an attacker who
// makes a victim's browser deliver the attacker's authorization response
// (login CSRF, code or assertion injection) fails: the victim's cookie does
// not hold the attacker's value. RFC 9700 (OAuth 2.0 Security BCP) §4.7.1
// requires state or nonce to be "securely bound to the user agent"; the
// same design serves SAML's RelayState.
//
// # Security
//
// Every login start mints a fresh 256-bit value (Fresh); a value that
// arrives from the user agent is never the one a new login is bound to, so
// a planted cookie gives the planter nothing. The cookie keeps up to Max
// values (logins pending in several tabs). With the __Host- name prefix,
// the browser accepts the cookie only from this host over https with
// Path "/" and no Domain (RFC 6265bis §4.1.3.2).
package uabind
