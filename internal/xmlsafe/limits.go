package xmlsafe

import (
	"errors"
	"fmt"
)

// Default limits, applied to every zero field of Limits. Zero value =
// secure value: they bound what one untrusted document may cost (the tree
// takes roughly 10-20 times the input in memory) at what the module's
// inputs need, not at what a parser can survive:
//
//   - 16 MiB: an XÖV message with its attachments as base64 (XBau plans,
//     XWasser lab reports) stays well below; a SAML response is a few KiB,
//     metadata a few MiB. Larger transfers belong out of band (FIT-Connect
//     attachments) or need an explicit, larger Limits.MaxBytes.
//   - 250,000 elements: about one element per 64 bytes of a 16 MiB document
//     of small elements; XÖV messages have a few thousand.
//   - depth 256 and 256 attributes per element: far above any schema in use
//     (XÖV nests about 30 deep), low enough for recursive consumers.
//
// Callers that need more (the 20 MB benchmarks, bulk imports) set explicit
// limits; the former defaults were 64 MiB and 2,000,000 elements.
const (
	DefaultMaxBytes      = 16 << 20 // 16 MiB
	DefaultMaxDepth      = 256
	DefaultMaxElements   = 250_000
	DefaultMaxAttributes = 256 // per element, namespace declarations included
)

// Limits bounds the resources one document may use. A zero field takes the
// matching Default value; a negative field is invalid.
type Limits struct {
	MaxBytes      int64 // whole document, in bytes
	MaxDepth      int   // element nesting depth (the root is depth 1)
	MaxElements   int   // elements in the document
	MaxAttributes int   // attributes on one element
}

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	if l.MaxBytes == 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth == 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxElements == 0 {
		l.MaxElements = DefaultMaxElements
	}
	if l.MaxAttributes == 0 {
		l.MaxAttributes = DefaultMaxAttributes
	}
	return l
}

// Validate reports a negative limit.
func (l Limits) Validate() error {
	if l.MaxBytes < 0 || l.MaxDepth < 0 || l.MaxElements < 0 || l.MaxAttributes < 0 {
		return fmt.Errorf("%w: limits must not be negative", ErrInvalidConfig)
	}
	return nil
}

var (
	// ErrInvalidConfig: a Limits field is negative.
	ErrInvalidConfig = errors.New("xmlsafe: invalid configuration")
	// ErrDoctype: the document has a DOCTYPE or another markup declaration.
	// Refused outright: entity expansion (billion laughs) and external
	// entities (XXE) both need one.
	ErrDoctype = errors.New("DOCTYPE and entity declarations are not allowed")
	// ErrLimit: a size, depth, element or attribute limit was exceeded.
	ErrLimit = errors.New("XML limit exceeded")
	// ErrSyntax: the document is not well-formed XML.
	ErrSyntax = errors.New("XML is not well-formed")
)

// LimitError names the limit that was exceeded and where.
type LimitError struct {
	Limit  string // "bytes", "depth", "elements" or "attributes"
	Max    int64
	Offset int64 // byte offset at which the limit was hit
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("XML limit exceeded: more than %d %s (at byte %d)", e.Max, e.Limit, e.Offset)
}

// Unwrap returns ErrLimit.
func (e *LimitError) Unwrap() error { return ErrLimit }

// SyntaxError reports malformed XML with its position. Parse sets Line and
// Offset.
type SyntaxError struct {
	Line   int   // 1-based line, 0 if unknown
	Offset int64 // byte offset in the input (Parse only)
	Msg    string

	// rule names the well-formedness constraint when encoding/xml (the
	// former parser) would have accepted the input; the differential test
	// uses it to tell deliberate strictness from a regression.
	rule string
}

func (e *SyntaxError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("XML is not well-formed: line %d: %s", e.Line, e.Msg)
	}
	return "XML is not well-formed: " + e.Msg
}

// Unwrap returns ErrSyntax.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }
