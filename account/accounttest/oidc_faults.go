package accounttest

import "time"

// OIDCFaults make the simulated OpenID provider break one rule on
// purpose. The zero value injects nothing. Every field maps to one check
// of oidc.Client (FinishLogin, VerifyIDToken, VerifyLogoutToken).
type OIDCFaults struct {
	// BadSignature flips a bit of the ID token's signature.
	BadSignature bool
	// Issuer replaces the iss claim.
	Issuer string
	// Audience replaces the aud claim.
	Audience []string
	// AuthorizedParty sets azp.
	AuthorizedParty string
	// OmitIssuedAt, OmitSubject, OmitExpiry drop iat, sub, exp.
	OmitIssuedAt, OmitSubject, OmitExpiry bool
	// Nonce replaces the nonce claim.
	Nonce string
	// ACR replaces the acr claim.
	ACR string
	// AuthTimeAge sets auth_time this long before now.
	AuthTimeAge time.Duration
	// AccessTokenHash replaces at_hash.
	AccessTokenHash string
	// TimeShift moves iat, exp, auth_time by this amount.
	TimeShift time.Duration
	// Algorithm signs with another algorithm: "none" (no signature) or
	// "HS256" keyed with the provider's public key in PEM (algorithm
	// confusion).
	Algorithm string
	// KeyID replaces the kid header (a kid the key set does not hold);
	// OmitKeyID drops it.
	KeyID     string
	OmitKeyID bool
	// Type sets the typ header of ID tokens (e.g. "logout+jwt").
	Type string
	// ResponseIssuer replaces the RFC 9207 iss parameter of the
	// authorization response; OmitResponseIssuer drops it.
	ResponseIssuer     string
	OmitResponseIssuer bool
	// AuthorizationError answers the authorization request with this
	// OAuth error code (e.g. "access_denied").
	AuthorizationError string
	// UserInfoSubject replaces sub in the userinfo answer.
	UserInfoSubject string
	// JWKSStatus makes the JWKS endpoint answer with this HTTP status.
	JWKSStatus int
	// Claims are set in (nil value: removed from) the ID token.
	Claims map[string]any
}
