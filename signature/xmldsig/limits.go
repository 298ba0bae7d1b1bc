package xmldsig

import "github.com/egosaar/ozg/internal/xmlsafe"

// Default limits of the zero [Limits].
const (
	DefaultMaxBytes      = xmlsafe.DefaultMaxBytes      // 16 MiB
	DefaultMaxDepth      = xmlsafe.DefaultMaxDepth      // 256
	DefaultMaxElements   = xmlsafe.DefaultMaxElements   // 250,000
	DefaultMaxAttributes = xmlsafe.DefaultMaxAttributes // 256 per element
	DefaultMaxReferences = 30                           // per SignedInfo (as Santuario's secure validation)
	DefaultMaxTransforms = 5                            // per Reference (as Santuario's secure validation)
)

// Limits bounds the resources one verification may use. A zero field takes
// the matching Default value; negative values are invalid.
type Limits struct {
	MaxBytes      int64 // whole document, in bytes
	MaxDepth      int   // element nesting depth (the root is depth 1)
	MaxElements   int   // elements in the document
	MaxAttributes int   // attributes (namespace declarations included) on one element
	MaxReferences int   // References in SignedInfo
	MaxTransforms int   // Transforms in one Reference
}

func (l Limits) withDefaults() Limits {
	// The parser limits and their defaults belong to internal/xmlsafe.
	x := l.xmlsafe().WithDefaults()
	l.MaxBytes, l.MaxDepth, l.MaxElements, l.MaxAttributes = x.MaxBytes, x.MaxDepth, x.MaxElements, x.MaxAttributes
	if l.MaxReferences == 0 {
		l.MaxReferences = DefaultMaxReferences
	}
	if l.MaxTransforms == 0 {
		l.MaxTransforms = DefaultMaxTransforms
	}
	return l
}

func (l Limits) valid() bool {
	return l.xmlsafe().Validate() == nil && l.MaxReferences >= 0 && l.MaxTransforms >= 0
}

func (l Limits) xmlsafe() xmlsafe.Limits {
	return xmlsafe.Limits{MaxBytes: l.MaxBytes, MaxDepth: l.MaxDepth, MaxElements: l.MaxElements, MaxAttributes: l.MaxAttributes}
}
