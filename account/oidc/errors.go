package oidc

import (
	"errors"
	"fmt"

	"github.com/egosaar/ozg/internal/redact"
)

// Sentinels. Every error of this package wraps one of them; match with
// errors.Is. The verifiers return a *CheckError naming the check.
var (
	// ErrInvalidConfig reports a Config that New refuses.
	ErrInvalidConfig = errors.New("oidc: invalid configuration")
	// ErrDiscovery reports a discovery document that cannot be used.
	ErrDiscovery = errors.New("oidc: discovery failed")
	// ErrJWKS reports a key set that cannot be fetched or parsed.
	ErrJWKS = errors.New("oidc: key set unavailable")
	// ErrLimit reports untrusted input above its size limit.
	ErrLimit = errors.New("oidc: input too large")
	// ErrMalformed reports a token or document that is not well-formed.
	ErrMalformed = errors.New("oidc: malformed input")

	// ErrSubject: sub missing or empty (or not the ID token's sub).
	ErrSubject = errors.New("oidc: subject invalid")
	// ErrIssuer: iss is not the configured issuer.
	ErrIssuer = errors.New("oidc: issuer mismatch")
	// ErrAudience: aud does not contain the client ID.
	ErrAudience = errors.New("oidc: audience mismatch")
	// ErrAuthorizedParty: azp present and not the client ID, or missing
	// with several audiences.
	ErrAuthorizedParty = errors.New("oidc: authorized party mismatch")
	// ErrAlgorithm: alg not in the allow-list (none, HS*, …).
	ErrAlgorithm = errors.New("oidc: signature algorithm not allowed")
	// ErrUnknownKey: no key of the provider's key set fits the token.
	ErrUnknownKey = errors.New("oidc: no matching key")
	// ErrSignature: the signature does not verify.
	ErrSignature = errors.New("oidc: signature invalid")
	// ErrExpired: exp missing or passed (with skew).
	ErrExpired = errors.New("oidc: token expired")
	// ErrNotYetValid: nbf in the future (with skew).
	ErrNotYetValid = errors.New("oidc: token not yet valid")
	// ErrIssuedAt: iat missing, in the future or too old.
	ErrIssuedAt = errors.New("oidc: issued-at invalid")
	// ErrNonce: nonce missing or not the one sent (ID token), or present
	// (logout token).
	ErrNonce = errors.New("oidc: nonce mismatch")
	// ErrLevel: acr unknown or below the required level.
	ErrLevel = errors.New("oidc: authentication level too low")
	// ErrAuthTime: auth_time missing or older than max_age.
	ErrAuthTime = errors.New("oidc: authentication too old")
	// ErrAccessTokenHash: at_hash does not match the access token.
	ErrAccessTokenHash = errors.New("oidc: at_hash mismatch")
	// ErrTokenType: typ header or token kind wrong (a logout token offered
	// as ID token or the reverse).
	ErrTokenType = errors.New("oidc: wrong token type")
	// ErrEvents: logout token without the back-channel logout event.
	ErrEvents = errors.New("oidc: logout event missing")
	// ErrReplay: a logout token's jti was seen before.
	ErrReplay = errors.New("oidc: token replayed")

	// ErrState: the authorization response does not answer a login this
	// user agent started (state unknown, used, expired, or bound to
	// another user agent).
	ErrState = errors.New("oidc: state invalid")
	// ErrResponseIssuer: RFC 9207 iss response parameter missing (when
	// the provider advertises it) or not the issuer.
	ErrResponseIssuer = errors.New("oidc: authorization response issuer mismatch")
	// ErrAuthorization: the provider answered the authorization request
	// with an error (see *ProviderError).
	ErrAuthorization = errors.New("oidc: authorization refused")
	// ErrTokenEndpoint: the token endpoint refused the code or answered
	// unusably.
	ErrTokenEndpoint = errors.New("oidc: token request failed")
	// ErrUserInfo: the userinfo endpoint failed or its sub is not the ID
	// token's.
	ErrUserInfo = errors.New("oidc: userinfo failed")
	// ErrNotFound: a store has no such entry.
	ErrNotFound = errors.New("oidc: not found")
	// ErrStoreFull: a store at its capacity refused a new entry.
	ErrStoreFull = errors.New("oidc: store full")
	// ErrCertificate: the provider's TLS certificate was refused (never
	// retried).
	ErrCertificate = errors.New("oidc: provider certificate refused")
)

// CheckError reports which check of a verifier failed. Token is
// "id_token", "logout_token", "userinfo" or "authorization_response";
// Check is the claim or rule ("iss", "aud", "signature", …). It never
// holds claim values (personal data).
type CheckError struct {
	Token string
	Check string
	Err   error
}

func (e *CheckError) Error() string {
	return fmt.Sprintf("oidc: %s: %s: %v", e.Token, e.Check, e.Err)
}

// Unwrap returns the sentinel.
func (e *CheckError) Unwrap() error { return e.Err }

// ProviderError is an OAuth error answer of the provider (RFC 6749 §4.1.2.1
// authorization error, §5.2 token error). Code is the error code;
// Description is clipped and quoted untrusted text.
type ProviderError struct {
	Endpoint    string // "authorization" or "token"
	Code        string
	Description string
	Status      int // HTTP status (token endpoint)
	err         error
}

func (e *ProviderError) Error() string {
	s := fmt.Sprintf("oidc: %s endpoint: error %s", e.Endpoint, redact.Quote(e.Code, 64))
	if e.Description != "" {
		s += " (" + redact.Quote(e.Description, 200) + ")"
	}
	return s
}

// Unwrap returns ErrAuthorization or ErrTokenEndpoint.
func (e *ProviderError) Unwrap() error { return e.err }

// LoginRequired reports whether the provider refused because the user must
// log in or consent interactively (RFC 6749/OIDC Core §3.1.2.6 codes
// login_required, interaction_required, consent_required,
// account_selection_required) or cancelled (access_denied): show the
// user a page with a new login link rather than an error.
func (e *ProviderError) LoginRequired() bool {
	switch e.Code {
	case "login_required", "interaction_required", "consent_required", "account_selection_required", "access_denied":
		return true
	}
	return false
}

func check(token, name string, err error) error {
	return &CheckError{Token: token, Check: name, Err: err}
}

func checkf(token, name string, sentinel error, format string, args ...any) error {
	return &CheckError{Token: token, Check: name, Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)}
}
