package account

import (
	"errors"
	"fmt"
	"github.com/egosaar/ozg/internal/redact"
)

var (
	// ErrInvalidLevel reports a trust level value that is not recognised.
	ErrInvalidLevel = errors.New("account: invalid trust level")
	// ErrInvalidAttribute reports an attribute value that does not have the
	// form its specification requires (birth date, gender, country, …).
	ErrInvalidAttribute = errors.New("account: invalid attribute value")
	// ErrMissingAttribute reports a required attribute that the identity
	// provider did not send.
	ErrMissingAttribute = errors.New("account: required attribute missing")
)

// LevelError reports an unrecognised trust level value. Input holds at
// most 64 bytes of the offending value; level words carry no personal data.
type LevelError struct {
	Input string
}

func (e *LevelError) Error() string {
	in := e.Input
	if len(in) > 32 {
		in = in[:32]
	}
	return fmt.Sprintf("account: invalid trust level %q", in)
}

// Unwrap returns ErrInvalidLevel.
func (e *LevelError) Unwrap() error { return ErrInvalidLevel }

// AttributeError reports a malformed attribute. It names the attribute by
// its Name URN and the rule that failed; it never contains the value, which
// is personal data.
type AttributeError struct {
	Name   string // attribute Name URN (or MUK attribute name)
	Reason string // what is wrong, e.g. "not an ISO 8601 date"
	// Missing reports a required attribute that was not sent at all
	// (Unwrap then returns ErrMissingAttribute instead of
	// ErrInvalidAttribute).
	Missing bool
}

func (e *AttributeError) Error() string {
	return fmt.Sprintf("account: attribute %s: %s", e.Name, e.Reason)
}

// Unwrap returns ErrMissingAttribute for a missing attribute and
// ErrInvalidAttribute otherwise.
func (e *AttributeError) Unwrap() error {
	if e.Missing {
		return ErrMissingAttribute
	}
	return ErrInvalidAttribute
}

// MissingAttribute returns the *AttributeError for a required attribute
// that was not sent.
func MissingAttribute(name string) *AttributeError {
	return &AttributeError{Name: name, Reason: "required attribute missing", Missing: true}
}

// fingerprint tags a subject for logs with a per-process key: a NameID
// may be an e-mail address (generic IdPs), which an unkeyed hash would
// give away to a dictionary.
func fingerprint(v string) string { return redact.LogFingerprint(v) }
