package xmlsafe

import (
	"strings"
)

// Document type declarations in trusted documents (StreamTrusted): XML 1.0
// (Fifth Edition) §2.8 doctypedecl with an internal subset of general
// entity declarations (§4.2, §4.2.2 EntityValue), the form W3C's own
// xmldsig-core-schema.xsd uses. What is accepted is deliberately small:
//
//   - the external ID (PUBLIC/SYSTEM) of the DOCTYPE is read and ignored:
//     no external subset is ever loaded;
//   - <!ENTITY name "value"> with a plain value (no '&', '%' or '<', so
//     no nesting and no markup): at most maxEntities, each at most
//     maxEntityValue bytes, all expansions together at most maxExpansion
//     bytes; the first declaration of a name binds (§4.2);
//   - <!ENTITY % name "value"> is read and never expanded; a parameter
//     entity reference (%name;) is refused;
//   - external entities (SYSTEM/PUBLIC in an entity declaration) are
//     refused;
//   - <!ELEMENT>, <!ATTLIST>, <!NOTATION>, comments and PIs are skipped:
//     attribute defaults are not applied (a non-validating parser need
//     not, §5.1).
//
// Untrusted input (Parse, Stream) still refuses any DOCTYPE with ErrDoctype.
const (
	maxEntities    = 64
	maxEntityValue = 4 << 10
	maxExpansion   = 1 << 20
)

// doctype parses the DOCTYPE at p.pos (trusted documents only).
func (p *parser) doctype() error {
	s := p.s
	start := p.pos
	p.pos += len("<!DOCTYPE")
	if !p.skipSpace() {
		return p.errAt(p.pos, "white space required after <!DOCTYPE (§2.8)")
	}
	if _, _, _, err := p.name(); err != nil {
		return err
	}
	p.skipSpace()
	// ExternalID (§4.2.2 [75]): SYSTEM S SystemLiteral or PUBLIC S
	// PubidLiteral S SystemLiteral, at most one of them.
	literals := 0
	switch {
	case strings.HasPrefix(s[p.pos:], "SYSTEM"):
		p.pos, literals = p.pos+len("SYSTEM"), 1
	case strings.HasPrefix(s[p.pos:], "PUBLIC"):
		p.pos, literals = p.pos+len("PUBLIC"), 2
	}
	for range literals {
		if !p.skipSpace() {
			return p.errAt(p.pos, "white space required before a literal of the external ID (§4.2.2)")
		}
		if _, err := p.literal(); err != nil {
			return err
		}
	}
	p.skipSpace()
	if p.pos < len(s) && s[p.pos] == '[' {
		p.pos++
		if err := p.internalSubset(); err != nil {
			return err
		}
		p.skipSpace()
	}
	if p.pos >= len(s) || s[p.pos] != '>' {
		return p.errAt(start, "malformed document type declaration (§2.8)")
	}
	p.pos++
	return nil
}

// literal reads a quoted literal and returns its content.
func (p *parser) literal() (string, error) {
	s := p.s
	if p.pos >= len(s) || s[p.pos] != '"' && s[p.pos] != '\'' {
		return "", p.errAt(p.pos, "quoted literal expected in document type declaration")
	}
	q := s[p.pos]
	k := strings.IndexByte(s[p.pos+1:], q)
	if k < 0 {
		return "", p.errAt(p.pos, "unterminated literal in document type declaration")
	}
	v := s[p.pos+1 : p.pos+1+k]
	p.pos += k + 2
	return v, nil
}

// internalSubset parses declarations up to the closing ']'.
func (p *parser) internalSubset() error {
	s := p.s
	for {
		p.skipSpace()
		i := p.pos
		switch {
		case i >= len(s):
			return p.errAt(i, "unterminated internal subset")
		case s[i] == ']':
			p.pos++
			return nil
		case strings.HasPrefix(s[i:], "<!--"):
			if err := p.comment(); err != nil {
				return err
			}
		case strings.HasPrefix(s[i:], "<?"):
			if err := p.pi(); err != nil {
				return err
			}
		case strings.HasPrefix(s[i:], "<!ENTITY"):
			if err := p.entityDecl(); err != nil {
				return err
			}
		case strings.HasPrefix(s[i:], "<!ELEMENT"), strings.HasPrefix(s[i:], "<!ATTLIST"), strings.HasPrefix(s[i:], "<!NOTATION"):
			if err := p.skipDecl(); err != nil {
				return err
			}
		case s[i] == '%':
			return p.errAt(i, "parameter entity references are not supported")
		default:
			return p.errAt(i, "unexpected content in the internal subset")
		}
	}
}

// skipDecl moves past a markup declaration, honouring quoted literals.
func (p *parser) skipDecl() error {
	s := p.s
	for i := p.pos + 2; i < len(s); i++ {
		switch s[i] {
		case '"', '\'':
			k := strings.IndexByte(s[i+1:], s[i])
			if k < 0 {
				return p.errAt(p.pos, "unterminated literal in a markup declaration")
			}
			i += k + 1
		case '%':
			return p.errAt(i, "parameter entity references are not supported")
		case '>':
			p.pos = i + 1
			return nil
		}
	}
	return p.errAt(p.pos, "unterminated markup declaration")
}

// entityDecl parses <!ENTITY (%)? name value>.
func (p *parser) entityDecl() error {
	s := p.s
	start := p.pos
	p.pos += len("<!ENTITY")
	if !p.skipSpace() {
		return p.errAt(p.pos, "white space required after <!ENTITY")
	}
	param := false
	if p.pos < len(s) && s[p.pos] == '%' {
		param = true
		p.pos++
		p.skipSpace()
	}
	name, _, _, err := p.name()
	if err != nil {
		return err
	}
	p.skipSpace()
	if strings.HasPrefix(s[p.pos:], "SYSTEM") || strings.HasPrefix(s[p.pos:], "PUBLIC") {
		return p.errAt(start, "external entity %s is not allowed", name)
	}
	v, err := p.literal()
	if err != nil {
		return err
	}
	p.skipSpace()
	if p.pos >= len(s) || s[p.pos] != '>' {
		return p.errAt(start, "malformed entity declaration %s", name)
	}
	p.pos++
	if param {
		return nil // declared, never expanded
	}
	switch {
	case strings.ContainsAny(v, "&%<"):
		return p.errAt(start, "entity %s: only plain replacement text is allowed (no references or markup)", name)
	case len(v) > maxEntityValue:
		return &LimitError{Limit: "entity bytes", Max: maxEntityValue, Offset: int64(start)}
	}
	if _, dup := p.entities[name]; dup {
		return nil // §4.2: the first declaration binds
	}
	switch name {
	case "lt", "gt", "amp", "apos", "quot":
		return nil // predefined (§4.6)
	}
	if len(p.entities) >= maxEntities {
		return &LimitError{Limit: "entities", Max: maxEntities, Offset: int64(start)}
	}
	if p.entities == nil {
		p.entities = map[string]string{}
	}
	p.entities[name] = v
	return nil
}

// entity returns the replacement text of a declared general entity and
// counts it against maxExpansion.
func (p *parser) entity(name string, at int) (string, bool, error) {
	v, ok := p.entities[name]
	if !ok {
		return "", false, nil
	}
	p.expansion += len(v)
	if p.expansion > maxExpansion {
		return "", false, &LimitError{Limit: "entity expansion bytes", Max: maxExpansion, Offset: int64(at)}
	}
	return v, true, nil
}
