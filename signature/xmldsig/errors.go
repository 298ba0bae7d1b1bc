package xmldsig

import (
	"errors"
	"fmt"
	"strings"

	"github.com/egosaar/ozg/internal/xmlsafe"
	"github.com/egosaar/ozg/signature"
)

// Sentinel errors. Every verification failure wraps at least one of them
// (a weak signing key wraps [signature.ErrInvalidKey], a cancelled context
// returns the context's error); test with [errors.Is]. Any non-nil error
// from a Verify method means nothing in the document may be trusted.
// Errors of [NewSigner] and [NewVerifier] wrap [ErrInvalidConfig]; usage
// errors (SignElement on an element without ID) are plain errors.
var (
	// ErrInvalidSignature: the signature does not verify or the Signature
	// element is not acceptable. It is [signature.ErrInvalidSignature], so
	// errors.Is works with either name. [ErrDigestMismatch] and structural
	// errors in the Signature element ([*StructureError]) wrap it too.
	ErrInvalidSignature = signature.ErrInvalidSignature
	// ErrDigestMismatch: a Reference's digest does not match the referenced
	// content (the content was changed after signing).
	ErrDigestMismatch = errors.New("xmldsig: digest mismatch")
	// ErrUntrustedKey: the signing certificate does not chain to a trust
	// anchor of the TrustStore and is not pinned, KeyInfo is inconsistent,
	// or KeyInfo is missing and no pinned certificate verifies the
	// signature. It is [signature.ErrUntrustedKey].
	ErrUntrustedKey = signature.ErrUntrustedKey
	// ErrAlgorithmNotAllowed: a signature or digest method outside the
	// policy, unknown URIs included. It is [signature.ErrAlgorithmNotAllowed].
	// (An unknown canonicalization method is [ErrUnsupported].)
	ErrAlgorithmNotAllowed = signature.ErrAlgorithmNotAllowed
	// ErrUnsupported: a feature this package refuses by design (XPath
	// other than the enveloped idiom, XSLT and other transforms, external
	// or foreign references, enveloping and detached signatures,
	// Manifests).
	ErrUnsupported = errors.New("xmldsig: unsupported")
	// ErrLimit: a size, depth, element, attribute, reference or transform
	// limit was exceeded.
	ErrLimit = errors.New("xmldsig: limit exceeded")
	// ErrMissingSignature: no Signature references the processed element.
	ErrMissingSignature = errors.New("xmldsig: no signature references the element")
	// ErrMalformed: the document is not well-formed XML, has a DOCTYPE, or
	// its signature structure is wrong (see [*StructureError]).
	ErrMalformed = errors.New("xmldsig: malformed")
	// ErrInvalidConfig reports a configuration that the constructors of
	// this package refuse; every error they return wraps it.
	ErrInvalidConfig = errors.New("xmldsig: invalid configuration")
)

// StructureError reports a document or Signature element that does not
// have the shape this package accepts (XML-DSig 1.1 §4 schema plus the
// restrictions listed in the package documentation). It unwraps to
// [ErrMalformed] and [ErrInvalidSignature].
type StructureError struct {
	// Reason is a short description; it may name elements and prefixes,
	// never text or attribute values.
	Reason string
}

func (e *StructureError) Error() string { return "xmldsig: malformed signature: " + e.Reason }

// Unwrap returns [ErrMalformed] and [ErrInvalidSignature].
func (e *StructureError) Unwrap() []error { return []error{ErrMalformed, ErrInvalidSignature} }

// UnsupportedError names a refused feature or algorithm. It unwraps to
// [ErrUnsupported].
type UnsupportedError struct {
	// Feature describes what was refused.
	Feature string
	// Algorithm is the algorithm URI, if any.
	Algorithm string
}

func (e *UnsupportedError) Error() string {
	if e.Algorithm != "" {
		return "xmldsig: unsupported " + e.Feature + ": " + quote(e.Algorithm)
	}
	return "xmldsig: unsupported " + e.Feature
}

// Unwrap returns [ErrUnsupported].
func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }

// ReferenceError reports a Reference that failed validation. It unwraps to
// its Err ([ErrDigestMismatch] also unwraps to [ErrInvalidSignature]).
type ReferenceError struct {
	// URI is the Reference's URI attribute.
	URI string
	// Err is the cause.
	Err error
}

func (e *ReferenceError) Error() string {
	return fmt.Sprintf("xmldsig: reference %s: %s", quote(e.URI), strings.TrimPrefix(e.Err.Error(), "xmldsig: "))
}

// Unwrap returns the cause, and [ErrInvalidSignature] for a digest
// mismatch.
func (e *ReferenceError) Unwrap() []error {
	if errors.Is(e.Err, ErrDigestMismatch) {
		return []error{e.Err, ErrInvalidSignature}
	}
	return []error{e.Err}
}

// LimitError names the exceeded limit. It unwraps to [ErrLimit].
type LimitError struct {
	// Limit is "bytes", "depth", "elements", "attributes", "references" or
	// "transforms".
	Limit string
	// Max is the configured maximum.
	Max int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("xmldsig: limit exceeded: more than %d %s", e.Max, e.Limit)
}

// Unwrap returns [ErrLimit].
func (e *LimitError) Unwrap() error { return ErrLimit }

// parseError maps internal/xmlsafe errors to this package's sentinels.
func parseError(err error) error {
	var le *xmlsafe.LimitError
	switch {
	case errors.As(err, &le):
		return &LimitError{Limit: le.Limit, Max: le.Max}
	case errors.Is(err, xmlsafe.ErrLimit):
		return fmt.Errorf("%w: %v", ErrLimit, err)
	case errors.Is(err, xmlsafe.ErrDoctype):
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	default:
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
}

// invalidConfig marks err, returned by a constructor, as a configuration
// error: it wraps [ErrInvalidConfig] and err.
func invalidConfig(err error) error {
	return fmt.Errorf("%w: %w", ErrInvalidConfig, stripPrefix{err})
}

// stripPrefix drops the package prefix from a wrapped error's message so
// that it is not repeated after ErrInvalidConfig's.
type stripPrefix struct{ err error }

func (e stripPrefix) Error() string { return strings.TrimPrefix(e.err.Error(), "xmldsig: ") }

func (e stripPrefix) Unwrap() error { return e.err }
