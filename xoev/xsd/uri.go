package xsd

import "strings"

// isAnyURI approximates the anyURI check of libxml2 (the oracle): after
// replacing characters that XLink would escape (Part 2 §3.2.17) with '_',
// the string must be an RFC 3986 URI-reference (§4.1).
func isAnyURI(v string) bool {
	s := v
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 32 || c >= 127 || strings.IndexByte(" <>\"{}|\\^`'", c) >= 0 {
			b := []byte(v)
			for j := i; j < len(b); j++ {
				if c := b[j]; c < 32 || c >= 127 || strings.IndexByte(" <>\"{}|\\^`'", c) >= 0 {
					b[j] = '_'
				}
			}
			s = string(b)
			break
		}
	}
	if s == "" {
		return true
	}
	frag := ""
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s, frag = s[:i], s[i+1:]
		if !allChars(frag, "/?") {
			return false
		}
	}
	if i := strings.IndexByte(s, '?'); i >= 0 {
		if !allChars(s[i+1:], "/?") {
			return false
		}
		s = s[:i]
	}
	// scheme ":" hier-part, or relative-part.
	if i := strings.IndexByte(s, ':'); i > 0 && isScheme(s[:i]) {
		s = s[i+1:]
	} else if j := strings.IndexByte(s, '/'); (j < 0 && strings.Contains(s, ":")) || (j >= 0 && strings.Contains(s[:j], ":")) {
		return false // path-noscheme: no colon in the first segment
	}
	if strings.HasPrefix(s, "//") {
		s = s[2:]
		end := strings.IndexByte(s, '/')
		if end < 0 {
			end = len(s)
		}
		if !isAuthority(s[:end]) {
			return false
		}
		s = s[end:]
	}
	return allChars(s, "/")
}

func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if i == 0 && !alpha || !alpha && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return s != ""
}

func isAuthority(a string) bool {
	if i := strings.LastIndexByte(a, '@'); i >= 0 {
		if !allCharsExcept(a[:i], "", "@") {
			return false
		}
		a = a[i+1:]
	}
	if strings.HasPrefix(a, "[") {
		end := strings.IndexByte(a, ']')
		if end < 0 {
			return false
		}
		for _, c := range a[1:end] {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.' || c == 'v' || c == 'V') {
				return false
			}
		}
		a = a[end+1:]
		if a == "" {
			return true
		}
		if a[0] != ':' {
			return false
		}
		return strings.Trim(a[1:], "0123456789") == ""
	}
	if i := strings.LastIndexByte(a, ':'); i >= 0 {
		if strings.Trim(a[i+1:], "0123456789") != "" {
			return false
		}
		a = a[:i]
	}
	return allCharsExcept(a, "", ":@")
}

// allChars reports whether s consists of pchar (RFC 3986 §3.3) and extra.
func allChars(s, extra string) bool { return allCharsExcept(s, extra, "") }

func allCharsExcept(s, extra, except string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte(except, c) >= 0 {
			return false
		}
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0:
		case strings.IndexByte(extra, c) >= 0:
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 2
		default:
			return false
		}
	}
	return true
}
