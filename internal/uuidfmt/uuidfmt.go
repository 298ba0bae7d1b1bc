// Package uuidfmt checks the textual UUID form used on the wire by XÖV
// (bn-uq-g2g:UUID) and by BundID attributes: 8-4-4-4-12 hexadecimal digits
// of either case (RFC 9562 §4), with no braces and no "urn:uuid:" prefix.
// github.com/google/uuid.Parse accepts those other forms too, which the
// wire formats do not allow.
package uuidfmt

// Valid reports whether s is a UUID in the 8-4-4-4-12 hexadecimal form.
func Valid(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}
