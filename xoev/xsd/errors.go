package xsd

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrInvalidConfig: the Config is unusable (a negative limit); Compile
	// wraps it.
	ErrInvalidConfig = errors.New("xsd: invalid configuration")
	// ErrInvalid: the document is well-formed but violates the schema.
	// A *ValidationError carrying every violation unwraps to it.
	ErrInvalid = errors.New("xsd: document is not valid")
	// ErrNotWellFormed: the document is not well-formed XML.
	ErrNotWellFormed = errors.New("xsd: document is not well-formed XML")
	// ErrDoctype: the document contains a DOCTYPE; refused outright.
	ErrDoctype = errors.New("xsd: DOCTYPE is not allowed")
	// ErrLimit: the document or schema exceeds a configured limit.
	ErrLimit = errors.New("xsd: limit exceeded")
	// ErrSchema: the schema set is faulty (unresolvable reference, bad
	// syntax, duplicate component, location outside the file system or
	// not in the catalog).
	ErrSchema = errors.New("xsd: invalid schema")
	// ErrUnsupported: the schema uses a construct this package does not
	// implement. Compile refuses it instead of silently accepting it.
	ErrUnsupported = errors.New("xsd: unsupported schema construct")
)

// Violation is one schema-validity violation in an instance document.
type Violation struct {
	Line       int    // 1-based line on which the element's start tag ends, as xmllint reports it (0 if unknown)
	Path       string // element path from the root by local name, with the position among same-named siblings when not 1, e.g. /nachricht/anlage[8199]/datei
	Constraint string // the violated constraint, e.g. "cvc-complex-type.2.4"
	Msg        string
}

func (v Violation) String() string {
	return fmt.Sprintf("line %d: %s: %s: %s", v.Line, v.Path, v.Constraint, v.Msg)
}

// ValidationError lists all violations found in one document (up to
// Config.MaxViolations; Truncated reports whether more were dropped).
type ValidationError struct {
	Violations []Violation
	Truncated  bool
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("xsd: document is not valid: ")
	for i, v := range e.Violations {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Violations)-3)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
	}
	if e.Truncated {
		b.WriteString(" (truncated)")
	}
	return b.String()
}

// Unwrap returns ErrInvalid.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// SyntaxError reports an instance document that is not well-formed XML
// (XML 1.0 Fifth Edition, Namespaces in XML 1.0 Third Edition), with the
// position of the first violation. It unwraps to ErrNotWellFormed.
type SyntaxError struct {
	Line   int   // 1-based line
	Offset int64 // byte offset in the document
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("xsd: document is not well-formed XML: line %d: %s", e.Line, e.Msg)
}

// Unwrap returns ErrNotWellFormed.
func (e *SyntaxError) Unwrap() error { return ErrNotWellFormed }

// SchemaError reports a problem in one schema document. It unwraps to
// ErrSchema or ErrUnsupported.
type SchemaError struct {
	File string // path within the fs.FS
	Line int    // 0 when unknown
	Msg  string
	Err  error // ErrSchema, ErrUnsupported or ErrLimit
}

func (e *SchemaError) Error() string {
	kind := "invalid schema"
	switch {
	case errors.Is(e.Err, ErrUnsupported):
		kind = "unsupported schema construct"
	case errors.Is(e.Err, ErrLimit):
		kind = "schema limit exceeded"
	}
	if e.Line > 0 {
		return fmt.Sprintf("xsd: %s: %s:%d: %s", kind, e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("xsd: %s: %s: %s", kind, e.File, e.Msg)
}

// Unwrap returns the sentinel.
func (e *SchemaError) Unwrap() error { return e.Err }
