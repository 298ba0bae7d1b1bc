// Package uuidfmt checks the textual UUID form used on the wire by XÖV
// (bn-uq-g2g:UUID) and by BundID attributes: 8-4-4-4-12 hexadecimal digits
// of either case (RFC 9562 §4), with no braces and no "urn:uuid:" prefix.
// github.com/google/uuid.Parse accepts those other forms too, which the
// wire formats do not allow.
//
// # Security
//
// Valid looks at exactly 36 bytes and allocates nothing, so it is safe on
// untrusted input of any length; it checks the form only, not the version
// or variant, and says nothing about uniqueness or who minted the value.
package uuidfmt
