package xmlsafe

import "unicode/utf8"

// Character classes of XML 1.0 (Fifth Edition) §2.2 (Char) and §2.3 (Name),
// and of Namespaces in XML 1.0 (Third Edition) §3 (NCName, QName).

// isChar reports whether r is a Char (XML 1.0 §2.2, production [2]).
func isChar(r rune) bool {
	switch {
	case r < 0x20:
		return r == 0x09 || r == 0x0A || r == 0x0D
	case r <= 0xD7FF:
		return true
	case r < 0xE000:
		return false // surrogates
	case r <= 0xFFFD:
		return true
	default:
		return r >= 0x10000 && r <= 0x10FFFF
	}
}

// isNameStartRune reports whether r is a NameStartChar (XML 1.0 §2.3,
// production [4]) of the Fifth Edition, which also libxml2 implements.
func isNameStartRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiNameStart[r]
	}
	switch {
	case r >= 0xC0 && r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x2FF,
		r >= 0x370 && r <= 0x37D, r >= 0x37F && r <= 0x1FFF, r >= 0x200C && r <= 0x200D,
		r >= 0x2070 && r <= 0x218F, r >= 0x2C00 && r <= 0x2FEF, r >= 0x3001 && r <= 0xD7FF,
		r >= 0xF900 && r <= 0xFDCF, r >= 0xFDF0 && r <= 0xFFFD, r >= 0x10000 && r <= 0xEFFFF:
		return true
	}
	return false
}

// isNameRune reports whether r is a NameChar (XML 1.0 §2.3, production [4a]).
func isNameRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiName[r]
	}
	return isNameStartRune(r) || r == 0xB7 || r >= 0x300 && r <= 0x36F || r >= 0x203F && r <= 0x2040
}

var (
	asciiNameStart [utf8.RuneSelf]bool
	asciiName      [utf8.RuneSelf]bool
	// textPlain marks bytes that need no attention inside character data
	// (§2.4): ASCII Chars other than '<', '&', ']' and CR.
	textPlain [256]bool
	// attrPlain marks bytes that need no attention inside an attribute value
	// (§3.1 AttValue, §3.3.3): ASCII Chars other than '<', '&', TAB, LF, CR.
	attrPlain [256]bool
	// markupPlain marks the bytes of comments, PIs and CDATA sections that
	// need no check: ASCII Chars other than CR.
	markupPlain [256]bool
)

func init() {
	for c := 'a'; c <= 'z'; c++ {
		asciiNameStart[c], asciiNameStart[c-'a'+'A'] = true, true
	}
	asciiNameStart['_'], asciiNameStart[':'] = true, true
	asciiName = asciiNameStart
	for c := '0'; c <= '9'; c++ {
		asciiName[c] = true
	}
	asciiName['-'], asciiName['.'] = true, true

	for c := 0x20; c < 0x80; c++ {
		textPlain[c], attrPlain[c], markupPlain[c] = true, true, true
	}
	textPlain['\t'], textPlain['\n'] = true, true
	markupPlain['\t'], markupPlain['\n'] = true, true
	textPlain['<'], textPlain['&'], textPlain[']'] = false, false, false
	attrPlain['<'], attrPlain['&'] = false, false
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// load64 reads s[i:i+8] as a little-endian word (the compiler merges the
// byte loads into one).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// hasByte is non-zero when some byte of x equals b (exact as a boolean).
func hasByte(x uint64, b byte) uint64 {
	y := x ^ (lsb * uint64(b))
	return (y - lsb) & ^y & msb
}

// skipPlainText returns the index of the first byte at or after i that is
// not textPlain. Long runs (base64 payloads) are tested eight bytes at a time.
func skipPlainText(s string, i int) int {
	for {
		for i+8 <= len(s) {
			x := load64(s, i)
			// Any byte >= 0x80, < 0x20 (TAB and LF are checked one by one
			// below), '<', '&' or ']' stops the fast loop.
			if (x|((x-lsb*0x20)&^x))&msb|hasByte(x, '<')|hasByte(x, '&')|hasByte(x, ']') != 0 {
				break
			}
			i += 8
		}
		end := min(i+8, len(s))
		for ; i < end; i++ {
			if !textPlain[s[i]] {
				return i
			}
		}
		if i >= len(s) {
			return i
		}
	}
}

// skipPlain returns the index of the first byte at or after i that is not
// marked in table.
func skipPlain(s string, i int, table *[256]bool) int {
	for i < len(s) && table[s[i]] {
		i++
	}
	return i
}
