package signature

import (
	"errors"
	"fmt"
	"strings"

	"github.com/egosaar/ozg/internal/redact"
)

// Sentinel errors. Every error returned by this module's signing, verifying
// and key-loading code wraps exactly one of them; test with [errors.Is].
var (
	// ErrInvalidSignature reports a signature value that does not verify.
	ErrInvalidSignature = errors.New("signature: invalid signature")
	// ErrUntrustedKey reports a key or certificate that does not chain to a
	// configured trust anchor and is not pinned.
	ErrUntrustedKey = errors.New("signature: untrusted key")
	// ErrAlgorithmNotAllowed reports an algorithm URI outside the policy's
	// allow-list (or one that is unknown).
	ErrAlgorithmNotAllowed = errors.New("signature: algorithm not allowed")
	// ErrCertificateExpired reports a certificate outside its validity window
	// (expired or not yet valid) at the configured time.
	ErrCertificateExpired = errors.New("signature: certificate expired or not yet valid")
	// ErrRevoked reports a certificate the revocation checker rejected.
	ErrRevoked = errors.New("signature: certificate revoked")
	// ErrKeyMismatch reports a private key that does not belong to the
	// certificate it is paired with.
	ErrKeyMismatch = errors.New("signature: private key does not match certificate")
	// ErrInvalidKey reports key material that cannot be used: unparsable,
	// wrongly encrypted, of an unsupported type or too weak.
	ErrInvalidKey = errors.New("signature: invalid key")
	// ErrInvalidConfig reports a configuration that the constructors of
	// this package refuse; every error they return wraps it.
	ErrInvalidConfig = errors.New("signature: invalid configuration")
	// ErrInvalidDigest reports a digest handed to [SignDigest] whose length
	// does not match the method's hash function.
	ErrInvalidDigest = errors.New("signature: digest does not match the method's hash")
)

// AlgorithmError reports an algorithm URI (or JOSE alg name) that is not
// allowed. It unwraps to [ErrAlgorithmNotAllowed].
type AlgorithmError struct {
	// URI is the refused algorithm identifier as found in the input.
	URI string
}

func (e *AlgorithmError) Error() string {
	return "signature: algorithm not allowed: " + redact.Clip(e.URI, 128)
}

// Unwrap returns [ErrAlgorithmNotAllowed].
func (e *AlgorithmError) Unwrap() error { return ErrAlgorithmNotAllowed }

// TrustReason classifies a [TrustError].
type TrustReason int

const (
	// TrustUnknownAuthority: no path to a configured anchor and not pinned.
	TrustUnknownAuthority TrustReason = iota + 1
	// TrustExpired: a certificate on the path is outside its validity window.
	TrustExpired
	// TrustRevoked: the revocation checker rejected the chain.
	TrustRevoked
	// TrustKeyUsage: no path satisfies the required extended key usages.
	TrustKeyUsage
	// TrustRevocationUnavailable: the revocation checker could not decide
	// (treated as a failure: fail closed).
	TrustRevocationUnavailable
	// TrustKeyNotPinned: a bare public key that is not one of
	// [TrustConfig.PinnedKeys] ([TrustStore.VerifyKey]).
	TrustKeyNotPinned
)

func (r TrustReason) String() string {
	switch r {
	case TrustUnknownAuthority:
		return "unknown authority"
	case TrustExpired:
		return "certificate expired or not yet valid"
	case TrustRevoked:
		return "certificate revoked"
	case TrustKeyUsage:
		return "key usage not permitted"
	case TrustRevocationUnavailable:
		return "revocation status unavailable"
	case TrustKeyNotPinned:
		return "public key not pinned"
	default:
		return "untrusted"
	}
}

// TrustError reports why [TrustStore.Verify] refused a certificate. It
// unwraps to [ErrUntrustedKey] and, depending on Reason, also to
// [ErrCertificateExpired] or [ErrRevoked], and to the underlying cause (for
// example an [x509.CertificateInvalidError] or the revocation checker's
// error).
type TrustError struct {
	// Reason classifies the failure.
	Reason TrustReason
	// Subject is the leaf certificate's subject. It is not part of Error()
	// because personal certificates name natural persons.
	Subject string
	// Err is the underlying cause; may be nil.
	Err error
}

// Error returns a message safe to show to an end user: it names the
// reason only. The certificate subject (which may name a person) is kept in
// the Subject field for the caller to log deliberately.
func (e *TrustError) Error() string {
	if e.Reason == TrustKeyNotPinned {
		return "signature: untrusted key: " + e.Reason.String()
	}
	return "signature: untrusted certificate: " + e.Reason.String()
}

// Unwrap returns the sentinels matching Reason and the cause.
func (e *TrustError) Unwrap() []error {
	errs := []error{ErrUntrustedKey}
	switch e.Reason {
	case TrustExpired:
		errs = append(errs, ErrCertificateExpired)
	case TrustRevoked:
		errs = append(errs, ErrRevoked)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// KeyError reports unusable key material. It unwraps to [ErrInvalidKey] (or
// [ErrKeyMismatch]) and the cause. Its message never contains passwords or
// key bytes.
type KeyError struct {
	// Op names what was attempted, e.g. "load PKCS#12", "parse PEM key".
	Op string
	// Err is the sentinel ([ErrInvalidKey] or [ErrKeyMismatch]).
	Err error
	// Cause is the underlying library error, if safe to expose.
	Cause error
	// Detail is a short, secret-free explanation.
	Detail string
}

func (e *KeyError) Error() string {
	msg := "signature: " + e.Op
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Unwrap returns the sentinel and the cause.
func (e *KeyError) Unwrap() []error {
	errs := []error{e.Err}
	if e.Cause != nil {
		errs = append(errs, e.Cause)
	}
	return errs
}

func keyErr(op, detail string, cause error) error {
	return &KeyError{Op: op, Err: ErrInvalidKey, Cause: cause, Detail: detail}
}

// ErrIncorrectPassword reports a PKCS#12 file whose password is wrong. It is
// always returned inside a [KeyError] that also unwraps to [ErrInvalidKey].
var ErrIncorrectPassword = errors.New("signature: incorrect password")

// invalidConfig marks err, returned by a constructor, as a configuration
// error: it wraps [ErrInvalidConfig] and err.
func invalidConfig(err error) error {
	return fmt.Errorf("%w: %w", ErrInvalidConfig, stripPrefix{err})
}

// stripPrefix drops the package prefix from a wrapped error's message so
// that it is not repeated after ErrInvalidConfig's.
type stripPrefix struct{ err error }

func (e stripPrefix) Error() string { return strings.TrimPrefix(e.err.Error(), "signature: ") }

func (e stripPrefix) Unwrap() error { return e.err }
