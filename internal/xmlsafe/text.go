package xmlsafe

import (
	"strings"
	"unicode/utf8"
)

// Character data, attribute values and references: XML 1.0 (Fifth Edition)
// §2.4 (CharData), §2.11 (end-of-line handling), §3.1 (AttValue), §3.3.3
// (attribute-value normalization) and §4.1 (CharRef, EntityRef with only the
// five predefined entities of §4.6, since no DTD is accepted).

// charData scans character data starting at p.pos up to the next '<' (or
// the end of input) and appends it as one CharData child. The common case
// (no reference, no CR) is a substring of the input.
func (p *parser) charData() error {
	s := p.s
	start := p.pos
	i := start
	for {
		i = skipPlainText(s, i)
		if i >= len(s) {
			break
		}
		c := s[i]
		if c == '<' {
			break
		}
		switch {
		case c == '&' || c == '\r':
			return p.charDataSlow(start, i)
		case c == ']':
			if strings.HasPrefix(s[i:], "]]>") {
				return p.errRule(i, ruleCDEnd, "']]>' not allowed in character data (§2.4)")
			}
			i++
		default:
			n, err := p.char(i)
			if err != nil {
				return err
			}
			i += n
		}
	}
	p.pos = i
	return p.emitText(s[start:i])
}

// charDataSlow continues charData at i, where a reference or a CR needs the
// text rewritten into p.buf.
func (p *parser) charDataSlow(start, i int) error {
	s := p.s
	buf := append(p.buf[:0], s[start:i]...)
	for i < len(s) {
		j := skipPlainText(s, i)
		buf = append(buf, s[i:j]...)
		i = j
		if i >= len(s) || s[i] == '<' {
			break
		}
		switch c := s[i]; {
		case c == '&':
			var err error
			if buf, i, err = p.reference(buf, i); err != nil {
				return err
			}
		case c == '\r': // §2.11: CRLF and lone CR become LF.
			buf = append(buf, '\n')
			i++
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case c == ']':
			if strings.HasPrefix(s[i:], "]]>") {
				return p.errRule(i, ruleCDEnd, "']]>' not allowed in character data (§2.4)")
			}
			buf = append(buf, c)
			i++
		default:
			n, err := p.char(i)
			if err != nil {
				return err
			}
			buf = append(buf, s[i:i+n]...)
			i += n
		}
	}
	p.pos = i
	p.buf = buf
	return p.emitText(string(buf))
}

// attValue scans a quoted attribute value; p.pos is at the opening quote.
// literal reports that the value is the input between the quotes.
//
// Attribute-value normalization (§3.3.3) for CDATA-typed attributes (all of
// them, as there is no DTD): a literal TAB, LF or CR (a CRLF pair counts as
// one, §2.11) becomes a space; characters produced by character references
// are kept as they are. encoding/xml skipped this step (it only folds CR
// into LF), so such values differ from the former parser's; libxml2, xmlsec1
// and the JDK normalize like this, and exclusive C14N (which signatures
// digest) serializes the normalized value.
func (p *parser) attValue() (string, bool, error) {
	s := p.s
	q := s[p.pos]
	start := p.pos + 1
	end := strings.IndexByte(s[start:], q)
	if end < 0 {
		return "", false, p.errAt(len(s), "unterminated attribute value")
	}
	end += start
	v := s[:end] // bounds the scans below
	i := skipPlain(v, start, &attrPlain)
	simple := true
	for i < end {
		c := s[i]
		switch {
		case c == '<':
			return "", false, p.errAt(i, "'<' not allowed in an attribute value (§3.1)")
		case c == '&' || c == '\t' || c == '\n' || c == '\r':
			simple = false
			i++
		case c < utf8.RuneSelf:
			return "", false, p.errRule(i, ruleChars, "illegal character %#02x (§2.2)", c)
		default:
			n, err := p.char(i)
			if err != nil {
				return "", false, err
			}
			i += n
		}
		i = skipPlain(v, i, &attrPlain)
	}
	p.pos = end + 1
	if simple {
		return s[start:end], true, nil
	}
	buf := p.buf[:0]
	for i := start; i < end; {
		j := skipPlain(v, i, &attrPlain)
		for j < end && s[j] >= utf8.RuneSelf {
			j = skipPlain(v, j+1, &attrPlain)
		}
		buf = append(buf, s[i:j]...)
		i = j
		if i >= end {
			break
		}
		switch s[i] {
		case '&':
			var err error
			if buf, i, err = p.reference(buf, i); err != nil {
				return "", false, err
			}
		case '\r':
			buf = append(buf, ' ')
			i++
			if i < end && s[i] == '\n' {
				i++
			}
		default: // TAB, LF
			buf = append(buf, ' ')
			i++
		}
	}
	p.buf = buf
	return string(buf), false, nil
}

// reference decodes the reference at s[i] ('&') and appends its text.
func (p *parser) reference(buf []byte, i int) ([]byte, int, error) {
	s := p.s
	j := i + 1
	for j < len(s) && (s[j] == '#' || s[j] >= utf8.RuneSelf || asciiName[s[j]]) {
		j++
	}
	if j >= len(s) || s[j] != ';' {
		return buf, i, p.errAt(i, "'&' not starting a reference; write &amp; (§4.1)")
	}
	ref := s[i+1 : j]
	next := j + 1
	switch ref {
	case "lt":
		return append(buf, '<'), next, nil
	case "gt":
		return append(buf, '>'), next, nil
	case "amp":
		return append(buf, '&'), next, nil
	case "apos":
		return append(buf, '\''), next, nil
	case "quot":
		return append(buf, '"'), next, nil
	}
	if len(ref) < 2 || ref[0] != '#' {
		if v, ok, err := p.entity(ref, i); err != nil || ok {
			return append(buf, v...), next, err
		}
		return buf, i, p.errAt(i, "undefined entity &%s; (only the predefined entities are allowed, §4.1, §4.6)", ref)
	}
	digits, base := ref[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if digits == "" {
		return buf, i, p.errAt(i, "malformed character reference (§4.1)")
	}
	var r rune
	for k := 0; k < len(digits); k++ {
		c := digits[k]
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return buf, i, p.errAt(i, "malformed character reference (§4.1)")
		}
		r = r*base + d
		if r > utf8.MaxRune {
			return buf, i, p.errRule(i, ruleCharRef, "character reference out of range (§4.1)")
		}
	}
	if !isChar(r) {
		return buf, i, p.errRule(i, ruleCharRef, "character reference to %U, not a legal character (§4.1 WFC: Legal Character)", r)
	}
	return utf8.AppendRune(buf, r), next, nil
}

// char checks the UTF-8 sequence at s[i] (i < len) and returns its length.
func (p *parser) char(i int) (int, error) {
	c := p.s[i]
	if c < utf8.RuneSelf {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return 0, p.errRule(i, ruleChars, "illegal character %#02x (§2.2)", c)
		}
		return 1, nil
	}
	r, n := utf8.DecodeRuneInString(p.s[i:])
	if r == utf8.RuneError && n <= 1 {
		return 0, p.errRule(i, ruleChars, "invalid UTF-8")
	}
	if !isChar(r) {
		return 0, p.errRule(i, ruleChars, "illegal character %U (§2.2)", r)
	}
	return n, nil
}

// markup validates s[start:end] (comment, PI or CDATA content) as Chars and
// returns it with line ends normalized (§2.11).
func (p *parser) markup(start, end int) (string, error) {
	s := p.s[:end]
	cr := false
	for i := skipPlain(s, start, &markupPlain); i < end; i = skipPlain(s, i, &markupPlain) {
		if s[i] == '\r' {
			cr = true
			i++
			continue
		}
		n, err := p.char(i)
		if err != nil {
			return "", err
		}
		i += n
	}
	if !cr {
		return s[start:end], nil
	}
	buf := p.buf[:0]
	for i := start; i < end; i++ {
		switch c := s[i]; {
		case c != '\r':
			buf = append(buf, c)
		case i+1 < end && s[i+1] == '\n':
		default:
			buf = append(buf, '\n')
		}
	}
	p.buf = buf
	return string(buf), nil
}
