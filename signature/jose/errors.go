package jose

import (
	"errors"
	"fmt"

	"github.com/egosaar/ozg/signature"
)

var (
	// ErrMalformed reports a token that is not a well-formed compact JWS or
	// JWE (wrong number of segments, bad base64url, bad JSON, unsupported
	// header such as crit or b64).
	ErrMalformed = errors.New("jose: malformed token")
	// ErrInvalidType reports a token whose typ header is not the expected
	// one (e.g. an access token presented as a Security Event Token).
	ErrInvalidType = errors.New("jose: unexpected token type")
	// ErrClaims reports a missing or invalid claim.
	ErrClaims = errors.New("jose: invalid claims")
	// ErrExpired reports a token outside its time window (iat in the
	// future, too old, exp passed, nbf not reached).
	ErrExpired = errors.New("jose: token expired or not yet valid")
	// ErrKeyNotFound reports that no configured key matches the token's kid.
	ErrKeyNotFound = errors.New("jose: no matching key")
	// ErrLimit reports that a configured limit was reached: a token larger
	// than MaxTokenBytes, or a full DPoP replay memory
	// ([DPoPVerifierConfig].MaxEntries). Such errors are [*LimitError].
	ErrLimit = errors.New("jose: limit exceeded")
	// ErrReplay reports a DPoP proof whose jti was already seen.
	ErrReplay = errors.New("jose: replayed proof")
	// ErrInvalidConfig reports an invalid configuration passed to a
	// constructor (missing key or issuer, negative limit, contradicting
	// options).
	ErrInvalidConfig = errors.New("jose: invalid configuration")
	// ErrDecrypt reports a JWE that does not decrypt; no further detail is
	// given (no padding or format oracle).
	ErrDecrypt = errors.New("jose: decryption failed")

	// ErrInvalidSignature is [signature.ErrInvalidSignature].
	ErrInvalidSignature = signature.ErrInvalidSignature
	// ErrAlgorithmNotAllowed is [signature.ErrAlgorithmNotAllowed]; refused
	// algorithms are reported as [*signature.AlgorithmError] with the JOSE
	// alg name in URI.
	ErrAlgorithmNotAllowed = signature.ErrAlgorithmNotAllowed
	// ErrInvalidKey is [signature.ErrInvalidKey].
	ErrInvalidKey = signature.ErrInvalidKey
)

// ClaimError names the claim that failed. It unwraps to [ErrClaims] or,
// for time claims out of their window, [ErrExpired].
type ClaimError struct {
	// Claim is the JWT claim name, e.g. "iat", "events".
	Claim string
	// Reason is a short explanation without claim values.
	Reason  string
	expired bool
}

func (e *ClaimError) Error() string { return "jose: claim " + e.Claim + ": " + e.Reason }

// Unwrap returns [ErrExpired] for time-window failures and [ErrClaims]
// otherwise.
func (e *ClaimError) Unwrap() error {
	if e.expired {
		return ErrExpired
	}
	return ErrClaims
}

// LimitError names the limit that was reached. It unwraps to [ErrLimit].
type LimitError struct {
	// Limit is the configuration field, e.g. "MaxTokenBytes", "MaxEntries".
	Limit string
	// Max is its effective value.
	Max int
}

func (e *LimitError) Error() string {
	if e.Limit == "MaxEntries" {
		return fmt.Sprintf("jose: limit exceeded: DPoP replay memory holds %d live proofs (MaxEntries)", e.Max)
	}
	return fmt.Sprintf("jose: limit exceeded: token of more than %d bytes (%s)", e.Max, e.Limit)
}

// Unwrap returns [ErrLimit].
func (e *LimitError) Unwrap() error { return ErrLimit }

func claimErr(claim, reason string) error { return &ClaimError{Claim: claim, Reason: reason} }

func timeErr(claim, reason string) error {
	return &ClaimError{Claim: claim, Reason: reason, expired: true}
}

func malformed(what string) error { return &malformedError{what} }

type malformedError struct{ what string }

func (e *malformedError) Error() string { return "jose: malformed token: " + e.what }
func (e *malformedError) Unwrap() error { return ErrMalformed }
