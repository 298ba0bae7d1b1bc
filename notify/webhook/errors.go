package webhook

import (
	"errors"
	"net/netip"
)

// Sentinel errors. Their text is safe to return to a sender; details stay
// in wrapped errors.
var (
	// ErrMissingHeaders: a required signature header is absent.
	ErrMissingHeaders = errors.New("webhook: missing signature headers")
	// ErrInvalidHeaders: a header is malformed (timestamp, id, signature list).
	ErrInvalidHeaders = errors.New("webhook: invalid signature headers")
	// ErrNoMatchingSignature: no signature verified with any configured secret.
	ErrNoMatchingSignature = errors.New("webhook: no matching signature")
	// ErrTimestampTooOld / ErrTimestampTooNew: outside the tolerance.
	ErrTimestampTooOld = errors.New("webhook: timestamp too old")
	ErrTimestampTooNew = errors.New("webhook: timestamp too new")
	// ErrReplay: the message ID was already processed.
	ErrReplay = errors.New("webhook: message already processed")
	// ErrBodyTooLarge: the request body exceeds the limit.
	ErrBodyTooLarge = errors.New("webhook: body too large")
	// ErrInvalidConfig: NewSender or NewVerifier rejected the configuration.
	ErrInvalidConfig = errors.New("webhook: invalid configuration")
	// ErrInvalidSecret: a secret is malformed or shorter than 24 bytes.
	ErrInvalidSecret = errors.New("webhook: invalid secret")
	// ErrBlockedAddress: the SSRF guard refused the destination address.
	ErrBlockedAddress = errors.New("webhook: destination address not allowed")
	// ErrInsecureURL: the endpoint URL is not https (nor loopback http
	// with InsecureDevelopment), or it carries credentials.
	ErrInsecureURL = errors.New("webhook: endpoint URL must be https")
	// ErrUnknownEndpoint: the endpoint source does not know the endpoint ID.
	ErrUnknownEndpoint = errors.New("webhook: unknown endpoint")
)

// BlockedAddressError names the refused address. It wraps ErrBlockedAddress.
type BlockedAddressError struct {
	Addr netip.Addr
}

func (e *BlockedAddressError) Error() string {
	return "webhook: destination address not allowed: " + e.Addr.String()
}

// Unwrap returns ErrBlockedAddress.
func (e *BlockedAddressError) Unwrap() error { return ErrBlockedAddress }

// VerifyError is returned by Verifier.Verify. Its text is one of the
// sentinels' (safe to answer); Unwrap gives the sentinel and the detail.
type VerifyError struct {
	Kind   error  // one of the sentinels
	Detail string // for logs; no secrets or payload bytes
}

func (e *VerifyError) Error() string { return e.Kind.Error() }

// Unwrap returns the sentinel.
func (e *VerifyError) Unwrap() error { return e.Kind }

func verr(kind error, detail string) error { return &VerifyError{Kind: kind, Detail: detail} }
