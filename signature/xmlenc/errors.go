package xmlenc

import (
	"errors"
	"fmt"
	"strings"

	"github.com/egosaar/ozg/signature"
)

var (
	// ErrDecrypt reports that decryption failed. It deliberately carries no
	// detail (wrong key, bad OAEP padding, bad CEK length, failed GCM tag,
	// bad CBC padding and, for CBC, a plaintext that is not well-formed all
	// look the same) so that it cannot serve as a padding or format oracle
	// (Bleichenbacher 1998, Manger 2001, Jager & Somorovsky 2011).
	ErrDecrypt = errors.New("xmlenc: decryption failed")
	// ErrUnsupported reports a well-formed but unsupported construct:
	// CipherReference, an external RetrievalMethod, a non-element Type for
	// DecryptElement, a key type other than RSA.
	ErrUnsupported = errors.New("xmlenc: unsupported")
	// ErrLimit reports input or plaintext over a configured limit.
	ErrLimit = errors.New("xmlenc: limit exceeded")
	// ErrMalformed reports EncryptedData or EncryptedKey that does not
	// follow the XML Encryption syntax (missing CipherValue, bad base64,
	// no EncryptedKey, ...).
	ErrMalformed = errors.New("xmlenc: malformed encrypted data")
	// ErrInvalidConfig reports a configuration that the constructors of
	// this package refuse; every error they return wraps it.
	ErrInvalidConfig = errors.New("xmlenc: invalid configuration")
	// ErrAlgorithmNotAllowed is [signature.ErrAlgorithmNotAllowed]; refused
	// algorithms are reported as [*signature.AlgorithmError].
	ErrAlgorithmNotAllowed = signature.ErrAlgorithmNotAllowed
)

// MalformedError names the part of the structure that is malformed.
type MalformedError struct {
	// What describes the problem, e.g. "EncryptedData has no CipherValue".
	What string
}

func (e *MalformedError) Error() string { return "xmlenc: malformed: " + e.What }

// Unwrap returns [ErrMalformed].
func (e *MalformedError) Unwrap() error { return ErrMalformed }

func malformed(what string) error { return &MalformedError{What: what} }

// invalidConfig marks err, returned by a constructor, as a configuration
// error: it wraps [ErrInvalidConfig] and err.
func invalidConfig(err error) error {
	return fmt.Errorf("%w: %w", ErrInvalidConfig, stripPrefix{err})
}

// stripPrefix drops the package prefix from a wrapped error's message so
// that it is not repeated after ErrInvalidConfig's.
type stripPrefix struct{ err error }

func (e stripPrefix) Error() string { return strings.TrimPrefix(e.err.Error(), "xmlenc: ") }

func (e stripPrefix) Unwrap() error { return e.err }
