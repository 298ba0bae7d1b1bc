package xsd

import (
	"fmt"

	"github.com/egosaar/ozg/internal/xmlsafe"
)

// Default limits applied when a Config field is zero.
const (
	DefaultMaxViolations      = 1000
	DefaultMaxSchemaDocuments = 512
	DefaultMaxSchemaBytes     = 16 << 20
	DefaultMaxContentStates   = 20000
)

// Config controls compilation and validation. The zero value is usable.
type Config struct {
	// Catalog maps absolute schemaLocation URIs (http://, https://, urn:
	// …) to paths inside the fs.FS given to Compile. Absolute locations
	// not listed are refused: the compiler never opens a network
	// connection and never reads outside the fs.FS.
	Catalog map[string]string

	// AbsoluteImportsAsHints treats the absolute schemaLocation of an
	// xs:import that is in no catalog as the hint XML Schema Part 1
	// §4.2.3 says it is: Compile warns (Schema.Warnings) and goes on, as
	// xmllint does, instead of refusing the schema set. The default
	// (false) refuses it, so that a missing catalog entry cannot silently
	// drop a namespace's declarations. Includes stay fatal.
	AbsoluteImportsAsHints bool

	// Sources are further file systems of schema documents (each with the
	// catalog of the absolute locations it provides), e.g. a bundle of
	// shared core schemas imported by URI. Relative locations never cross
	// from one file system into another.
	Sources []Source

	// Precompiled is the output of Precompile for the same schema files:
	// the compiled model with the SHA-256 of each source file. Compile
	// reads and hashes every file it names and refuses the form
	// (ErrSchema) when one differs, so a stale form is an error, never a
	// silent fallback; it then decodes the model instead of compiling,
	// when entry, Catalog, Sources and AbsoluteImportsAsHints are those the
	// form was made with and MaxContentStates is not below the form's
	// (otherwise it compiles from the files). Nil: compile from the files.
	// LoadPrecompiled decodes a form without reading the files.
	Precompiled []byte

	// MaxDocumentBytes, MaxDepth, MaxElements and MaxAttributes bound each
	// instance document. Zero: the module-wide XML defaults, 16 MiB,
	// depth 256, 250,000 elements, 256 attributes per element, sized for
	// XÖV messages with base64 attachments; set larger values explicitly
	// for larger documents.
	MaxDocumentBytes int64
	MaxDepth         int
	MaxElements      int
	MaxAttributes    int

	// StrictIDs additionally enforces cvc-id.1 (every xs:IDREF value
	// matches an xs:ID in the document) and ID uniqueness for IDs in
	// element content (Part 1 §3.15.5). The default follows libxml2,
	// the oracle: only duplicate ID attributes are violations.
	StrictIDs bool

	// MaxViolations caps the violations collected per document.
	MaxViolations int
	// MaxSchemaDocuments caps the number of schema documents loaded.
	MaxSchemaDocuments int
	// MaxSchemaBytes caps the size of one schema document.
	MaxSchemaBytes int64
	// MaxContentStates caps the automaton size of one content model
	// (occurrence bounds are unrolled); larger models are refused.
	MaxContentStates int
}

// Validate reports a negative limit (zero means the default).
func (c Config) Validate() error {
	if c.MaxDocumentBytes < 0 || c.MaxDepth < 0 || c.MaxElements < 0 || c.MaxAttributes < 0 ||
		c.MaxViolations < 0 || c.MaxSchemaDocuments < 0 || c.MaxSchemaBytes < 0 || c.MaxContentStates < 0 {
		return fmt.Errorf("%w: limits must not be negative", ErrInvalidConfig)
	}
	seen := map[string]bool{}
	for _, s := range c.Sources {
		if err := s.validate(seen); err != nil {
			return err
		}
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.MaxViolations <= 0 {
		c.MaxViolations = DefaultMaxViolations
	}
	if c.MaxSchemaDocuments <= 0 {
		c.MaxSchemaDocuments = DefaultMaxSchemaDocuments
	}
	if c.MaxSchemaBytes <= 0 {
		c.MaxSchemaBytes = DefaultMaxSchemaBytes
	}
	if c.MaxContentStates <= 0 {
		c.MaxContentStates = DefaultMaxContentStates
	}
	return c
}

func (c Config) limits() xmlsafe.Limits {
	return xmlsafe.Limits{
		MaxBytes:      c.MaxDocumentBytes,
		MaxDepth:      c.MaxDepth,
		MaxElements:   c.MaxElements,
		MaxAttributes: c.MaxAttributes,
	}
}
