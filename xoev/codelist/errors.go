package codelist

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalidConfig: a Config is unusable (a negative limit); New wraps it.
	ErrInvalidConfig = errors.New("codelist: invalid configuration")
	// ErrInvalid: the document is not a valid genericode code list.
	ErrInvalid = errors.New("codelist: invalid genericode")
	// ErrNotFound: no list with the requested URI and version is known.
	ErrNotFound = errors.New("codelist: code list not found")
	// ErrMismatch: a fetched list is not the one that was requested.
	ErrMismatch = errors.New("codelist: fetched list does not match request")
	// ErrDuplicate: a list with the same URI and version is already registered.
	ErrDuplicate = errors.New("codelist: code list already registered")
	// ErrLimit: the document exceeds a size or structure limit.
	ErrLimit = errors.New("codelist: limit exceeded")
)

// InvalidError describes why a genericode document was refused. Path is
// an XPath-like location inside the document.
type InvalidError struct {
	Path   string
	Reason string
	Err    error // underlying parser error, if any
}

// Error describes the violation and its location.
func (e *InvalidError) Error() string {
	msg := "codelist: invalid genericode"
	if e.Path != "" {
		msg += " at " + e.Path
	}
	msg += ": " + e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns ErrInvalid and the underlying error.
func (e *InvalidError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrInvalid, e.Err}
	}
	return []error{ErrInvalid}
}

// NotFoundError names the list that was not found. URI and Version come
// from the request (often an untrusted message); Error quotes at most 64
// bytes of each.
type NotFoundError struct {
	URI, Version string
	Err          error // fetcher error, if a fetcher was asked
}

// Error names the list that was not found.
func (e *NotFoundError) Error() string {
	msg := fmt.Sprintf("codelist: code list %s version %s not found", quote(e.URI), quote(e.Version))
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns ErrNotFound and the fetcher error.
func (e *NotFoundError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrNotFound, e.Err}
	}
	return []error{ErrNotFound}
}
