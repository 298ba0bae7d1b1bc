package xmlsafe

import "unicode/utf8"

// name scans a Name (XML 1.0 §2.3, production [5]) at p.pos and returns it
// as a substring of the input, with the index of its first colon (or -1)
// and its number of colons.
func (p *parser) name() (string, int, int, error) {
	s := p.s
	start := p.pos
	i := start
	if i >= len(s) {
		return "", 0, 0, p.errAt(i, "expected a name, found end of input")
	}
	if c := s[i]; c < utf8.RuneSelf {
		if !asciiNameStart[c] {
			return "", 0, 0, p.errAt(i, "expected a name (§2.3)")
		}
	} else {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isNameStartRune(r) || r == utf8.RuneError && n <= 1 {
			return "", 0, 0, p.errAt(i, "expected a name (§2.3)")
		}
	}
	colon, colons := -1, 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if !asciiName[c] {
				break
			}
			if c == ':' {
				if colons == 0 {
					colon = i - start
				}
				colons++
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			return "", 0, 0, p.errRule(i, ruleChars, "invalid UTF-8")
		}
		if !isNameRune(r) {
			break
		}
		i += n
	}
	p.pos = i
	return s[start:i], colon, colons, nil
}

// qname scans a QName (Namespaces in XML 1.0 §4, production [7]): a Name
// with at most one colon, both parts non-empty NCNames. It returns the
// position of the colon, or -1.
func (p *parser) qname() (string, int, error) {
	start := p.pos
	n, colon, colons, err := p.name()
	if err != nil {
		return "", 0, err
	}
	if colons == 0 {
		return n, -1, nil
	}
	if colons > 1 || colon == 0 || colon == len(n)-1 || !startsNCName(n[colon+1:]) {
		return "", 0, p.errRule(start, ruleQName, "%q is not a qualified name (Namespaces in XML §4)", n)
	}
	return n, colon, nil
}

// startsNCName reports whether s (a valid Name tail) begins with a
// NameStartChar, as the local part of a QName must.
func startsNCName(s string) bool {
	if c := s[0]; c < utf8.RuneSelf {
		return asciiNameStart[c]
	}
	r, _ := utf8.DecodeRuneInString(s)
	return isNameStartRune(r)
}

// isNameByteAt reports whether a NameChar starts at s[i]; used after an end
// tag's name to make sure it is not a longer name.
func isNameByteAt(s string, i int) bool {
	if c := s[i]; c < utf8.RuneSelf {
		return asciiName[c]
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isNameRune(r)
}
