package regex

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

var (
	// ErrSyntax reports a pattern that is not a valid XSD regular expression.
	ErrSyntax = errors.New("invalid XSD regular expression")
	// ErrUnsupported reports a valid pattern this translator cannot express.
	ErrUnsupported = errors.New("unsupported XSD regular expression")
)

// maxRepeat is RE2's limit for counted repetition.
const maxRepeat = 1000

// Compile translates an XSD pattern and compiles it into a Matcher.
func Compile(pattern string) (*Matcher, error) {
	goexpr, err := Translate(pattern)
	if err != nil {
		return nil, err
	}
	m := &Matcher{source: pattern, goexpr: goexpr}
	if err := m.init(); err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrUnsupported, pattern, err)
	}
	return m, nil
}

// Translate returns the anchored Go regexp syntax equivalent to pattern.
func Translate(pattern string) (string, error) {
	if !utf8.ValidString(pattern) {
		return "", fmt.Errorf("%w: pattern is not valid UTF-8", ErrSyntax)
	}
	p := &parser{src: []rune(pattern), pattern: pattern}
	var b strings.Builder
	b.WriteString(`\A(?:`)
	if err := p.regExp(&b); err != nil {
		return "", err
	}
	if p.pos < len(p.src) {
		return "", p.errf(ErrSyntax, "unexpected %q", p.src[p.pos])
	}
	b.WriteString(`)\z`)
	return b.String(), nil
}

type parser struct {
	src     []rune
	pos     int
	pattern string
	depth   int
}

func (p *parser) errf(kind error, format string, args ...any) error {
	return fmt.Errorf("%w: %q at offset %d: %s", kind, p.pattern, p.pos, fmt.Sprintf(format, args...))
}

func (p *parser) peek() (rune, bool) {
	if p.pos >= len(p.src) {
		return 0, false
	}
	return p.src[p.pos], true
}

// regExp ::= branch ( '|' branch )*
func (p *parser) regExp(b *strings.Builder) error {
	for {
		if err := p.branch(b); err != nil {
			return err
		}
		r, ok := p.peek()
		if !ok || r != '|' {
			return nil
		}
		p.pos++
		b.WriteByte('|')
	}
}

// branch ::= piece*
func (p *parser) branch(b *strings.Builder) error {
	for {
		r, ok := p.peek()
		if !ok || r == '|' || r == ')' {
			return nil
		}
		if err := p.piece(b); err != nil {
			return err
		}
	}
}

// piece ::= atom quantifier?
func (p *parser) piece(b *strings.Builder) error {
	if err := p.atom(b); err != nil {
		return err
	}
	r, ok := p.peek()
	if !ok {
		return nil
	}
	switch r {
	case '?', '*', '+':
		p.pos++
		b.WriteRune(r)
	case '{':
		if err := p.quantity(b); err != nil {
			return err
		}
	default:
		return nil
	}
	// XSD has no lazy or possessive quantifiers and no quantifier on a
	// quantifier; RE2 would read "a*?" as lazy, so refuse it.
	if r2, ok := p.peek(); ok && (r2 == '?' || r2 == '*' || r2 == '+' || r2 == '{') {
		return p.errf(ErrSyntax, "quantifier follows quantifier")
	}
	return nil
}

// quantity ::= '{' ( n | n ',' | n ',' m ) '}'
func (p *parser) quantity(b *strings.Builder) error {
	p.pos++ // '{'
	start := p.pos
	for p.pos < len(p.src) && p.src[p.pos] != '}' {
		p.pos++
	}
	if p.pos >= len(p.src) {
		return p.errf(ErrSyntax, "unterminated quantifier")
	}
	body := string(p.src[start:p.pos])
	p.pos++ // '}'
	lo, hi, hasComma := body, "", false
	if i := strings.IndexByte(body, ','); i >= 0 {
		lo, hi, hasComma = body[:i], body[i+1:], true
	}
	n, err := parseCount(lo)
	if err != nil {
		return p.errf(ErrSyntax, "bad quantifier {%s}", body)
	}
	b.WriteByte('{')
	b.WriteString(strconv.Itoa(n))
	if hasComma {
		b.WriteByte(',')
		if hi != "" {
			m, err := parseCount(hi)
			if err != nil || m < n {
				return p.errf(ErrSyntax, "bad quantifier {%s}", body)
			}
			b.WriteString(strconv.Itoa(m))
		}
	}
	b.WriteByte('}')
	return nil
}

func parseCount(s string) (int, error) {
	if s == "" {
		return 0, ErrSyntax
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, ErrSyntax
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > maxRepeat {
		return 0, fmt.Errorf("%w: repetition count above %d", ErrUnsupported, maxRepeat)
	}
	return n, nil
}

// atom ::= Char | charClass | '(' regExp ')'
func (p *parser) atom(b *strings.Builder) error {
	r := p.src[p.pos]
	switch r {
	case '(':
		p.depth++
		if p.depth > 100 {
			return p.errf(ErrUnsupported, "groups nested too deeply")
		}
		p.pos++
		b.WriteString("(?:")
		if err := p.regExp(b); err != nil {
			return err
		}
		if r, ok := p.peek(); !ok || r != ')' {
			return p.errf(ErrSyntax, "missing )")
		}
		p.pos++
		p.depth--
		b.WriteByte(')')
		return nil
	case ')', '?', '*', '+', '{', '}', ']', '|':
		return p.errf(ErrSyntax, "unexpected %q", r)
	case '.':
		p.pos++
		writeSet(b, complement(set{{'\n', '\n'}, {'\r', '\r'}}))
		return nil
	case '[':
		s, err := p.charClassExpr()
		if err != nil {
			return err
		}
		writeSet(b, s)
		return nil
	case '\\':
		s, single, err := p.escape()
		if err != nil {
			return err
		}
		if s != nil {
			writeSet(b, s)
		} else {
			b.WriteString(regexp.QuoteMeta(string(single)))
		}
		return nil
	}
	p.pos++
	b.WriteString(regexp.QuoteMeta(string(r)))
	return nil
}

// escape parses a backslash escape. It returns either a set (multi-character
// escape) or a single character.
func (p *parser) escape() (set, rune, error) {
	p.pos++ // '\'
	r, ok := p.peek()
	if !ok {
		return nil, 0, p.errf(ErrSyntax, "trailing backslash")
	}
	p.pos++
	switch r {
	case 'n':
		return nil, '\n', nil
	case 'r':
		return nil, '\r', nil
	case 't':
		return nil, '\t', nil
	case '\\', '|', '.', '?', '*', '+', '(', ')', '{', '}', '-', '[', ']', '^':
		return nil, r, nil
	case 's':
		return spaceSet, 0, nil
	case 'S':
		return complement(spaceSet), 0, nil
	case 'i':
		return nameStartSet(), 0, nil
	case 'I':
		return complement(nameStartSet()), 0, nil
	case 'c':
		return nameCharSet(), 0, nil
	case 'C':
		return complement(nameCharSet()), 0, nil
	case 'd':
		return mustCategory("Nd"), 0, nil
	case 'D':
		return complement(mustCategory("Nd")), 0, nil
	case 'w':
		return wordSet(), 0, nil
	case 'W':
		return complement(wordSet()), 0, nil
	case 'p', 'P':
		if c, ok := p.peek(); !ok || c != '{' {
			return nil, 0, p.errf(ErrSyntax, "\\%c without {", r)
		}
		end := p.pos
		for end < len(p.src) && p.src[end] != '}' {
			end++
		}
		if end >= len(p.src) {
			return nil, 0, p.errf(ErrSyntax, "unterminated \\%c{", r)
		}
		name := string(p.src[p.pos+1 : end])
		p.pos = end + 1
		s, err := property(name)
		if err != nil {
			return nil, 0, p.errf(ErrUnsupported, "%v", err)
		}
		if r == 'P' {
			s = complement(s)
		}
		return s, 0, nil
	}
	return nil, 0, p.errf(ErrSyntax, "unknown escape \\%c", r)
}

// charClassExpr ::= '[' charGroup ']'
// charGroup ::= ( posCharGroup | '^' posCharGroup ) ( '-' charClassExpr )?
func (p *parser) charClassExpr() (set, error) {
	p.depth++
	if p.depth > 100 {
		return nil, p.errf(ErrUnsupported, "classes nested too deeply")
	}
	defer func() { p.depth-- }()
	p.pos++ // '['
	neg := false
	if r, ok := p.peek(); ok && r == '^' {
		neg = true
		p.pos++
	}
	var acc set
	first := true
	for {
		r, ok := p.peek()
		if !ok {
			return nil, p.errf(ErrSyntax, "unterminated character class")
		}
		if r == ']' {
			if first {
				return nil, p.errf(ErrSyntax, "empty character class")
			}
			p.pos++
			break
		}
		if r == '-' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '[' {
			if first {
				return nil, p.errf(ErrSyntax, "subtraction without group")
			}
			p.pos++
			sub, err := p.charClassExpr()
			if err != nil {
				return nil, err
			}
			if r, ok := p.peek(); !ok || r != ']' {
				return nil, p.errf(ErrSyntax, "subtraction must end the class")
			}
			p.pos++
			if neg {
				acc = complement(normalize(acc))
				neg = false
			}
			return subtract(normalize(acc), sub), nil
		}
		first = false
		var lo rune
		if r == '\\' {
			s, single, err := p.escape()
			if err != nil {
				return nil, err
			}
			if s != nil {
				acc = append(acc, s...)
				continue
			}
			lo = single
		} else {
			if r == '[' {
				return nil, p.errf(ErrSyntax, "unescaped [ in character class")
			}
			p.pos++
			lo = r
		}
		// Range "lo-hi" unless the dash ends the group or starts a subtraction.
		if p.pos+1 < len(p.src) && p.src[p.pos] == '-' && p.src[p.pos+1] != ']' && p.src[p.pos+1] != '[' {
			p.pos++
			var hi rune
			if p.src[p.pos] == '\\' {
				s, single, err := p.escape()
				if err != nil {
					return nil, err
				}
				if s != nil {
					return nil, p.errf(ErrSyntax, "range ends in a multi-character escape")
				}
				hi = single
			} else {
				hi = p.src[p.pos]
				p.pos++
			}
			if hi < lo {
				return nil, p.errf(ErrSyntax, "range %q-%q is reversed", lo, hi)
			}
			acc = append(acc, rng{lo, hi})
			continue
		}
		acc = append(acc, rng{lo, lo})
	}
	acc = normalize(acc)
	if neg {
		acc = complement(acc)
	}
	return acc, nil
}

func writeSet(b *strings.Builder, s set) {
	s = normalize(s)
	if len(s) == 0 {
		b.WriteString(`[^\x00-\x{10FFFF}]`)
		return
	}
	b.WriteByte('[')
	for _, r := range s {
		fmt.Fprintf(b, `\x{%X}`, r.lo)
		if r.hi != r.lo {
			fmt.Fprintf(b, `-\x{%X}`, r.hi)
		}
	}
	b.WriteByte(']')
}
