package xmlsafe

import (
	"strings"

	"github.com/beevik/etree"
)

// xmlDecl parses the XML declaration (XML 1.0 §2.8, production [23]):
//
//	XMLDecl ::= '<?xml' VersionInfo EncodingDecl? SDDecl? S? '?>'
//
// p.pos is at "<?xml" followed by white space, at offset 0 or after a byte
// order mark. Only version 1.0 and UTF-8 (or its subset US-ASCII, §4.3.3)
// are accepted: XÖV and SAML require UTF-8, and a declared legacy encoding
// would otherwise be read as if it were UTF-8. The declaration is kept in
// the tree as ProcInst "xml" with the raw pseudo-attributes, as etree does.
func (p *parser) xmlDecl() error {
	s := p.s
	start := p.pos
	p.pos += len("<?xml")
	p.skipSpace()
	instStart := p.pos
	end := strings.Index(s[p.pos:], "?>")
	if end < 0 {
		return p.errAt(start, "unterminated XML declaration")
	}
	end += p.pos
	d := declScanner{p: p, end: end}

	version, err := d.pseudoAttr("version", true)
	if err != nil {
		return err
	}
	if !validVersionNum(version) {
		return p.errRule(start, ruleXMLDecl, "malformed version %q in XML declaration (§2.8)", version)
	}
	if version != "1.0" {
		return p.errAt(start, "unsupported XML version %q: only 1.0", version)
	}
	enc, err := d.pseudoAttr("encoding", false)
	if err != nil {
		return err
	}
	if enc != "" {
		if !validEncName(enc) {
			return p.errRule(start, ruleXMLDecl, "malformed encoding name %q in XML declaration (§4.3.3)", enc)
		}
		switch strings.ToLower(enc) {
		case "utf-8", "utf8", "us-ascii", "ascii":
		default:
			return p.errAt(start, "encoding %q not supported: only UTF-8", enc)
		}
	}
	sd, err := d.pseudoAttr("standalone", false)
	if err != nil {
		return err
	}
	if d.found && sd != "yes" && sd != "no" {
		return p.errRule(start, ruleXMLDecl, "standalone must be yes or no (§2.9)")
	}
	p.skipSpace()
	if p.pos != end {
		return p.errRule(p.pos, ruleXMLDecl, "unexpected content in XML declaration (§2.8)")
	}
	p.pos = end + 2
	if p.h == nil {
		p.b.kids = append(p.b.kids, etree.NewProcInst("xml", s[instStart:end]))
	}
	return nil
}

// declScanner reads the pseudo-attributes of the XML declaration in their
// fixed order; each must be preceded by white space (the first one's was
// skipped by the caller).
type declScanner struct {
	p     *parser
	end   int
	found bool
	first bool
}

func (d *declScanner) pseudoAttr(name string, required bool) (string, error) {
	p := d.p
	s := p.s[:d.end]
	at := p.pos
	ws := true
	if d.first {
		ws = p.skipSpace()
	}
	d.first = true
	d.found = false
	if !strings.HasPrefix(s[p.pos:], name) {
		if required {
			return "", p.errRule(p.pos, ruleXMLDecl, "XML declaration must start with version (§2.8)")
		}
		p.pos = at
		return "", nil
	}
	if !ws {
		return "", p.errRule(p.pos, ruleXMLDecl, "white space required before %s in XML declaration (§2.8)", name)
	}
	p.pos += len(name)
	p.skipSpace()
	if p.pos >= len(s) || s[p.pos] != '=' {
		return "", p.errRule(p.pos, ruleXMLDecl, "expected '=' after %s in XML declaration (§2.8)", name)
	}
	p.pos++
	p.skipSpace()
	if p.pos >= len(s) || s[p.pos] != '"' && s[p.pos] != '\'' {
		return "", p.errRule(p.pos, ruleXMLDecl, "%s value in XML declaration must be quoted (§2.8)", name)
	}
	q := s[p.pos]
	k := strings.IndexByte(s[p.pos+1:], q)
	if k < 0 {
		return "", p.errRule(p.pos, ruleXMLDecl, "unterminated %s value in XML declaration (§2.8)", name)
	}
	v := s[p.pos+1 : p.pos+1+k]
	p.pos += k + 2
	d.found = true
	return v, nil
}

// validVersionNum: VersionNum ::= '1.' [0-9]+ (§2.8, production [26]).
func validVersionNum(v string) bool {
	if len(v) < 3 || v[:2] != "1." {
		return false
	}
	for i := 2; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// validEncName: EncName ::= [A-Za-z] ([A-Za-z0-9._] | '-')* (§4.3.3 [81]).
func validEncName(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i] | 0x20
		switch {
		case c >= 'a' && c <= 'z':
		case i > 0 && (v[i] >= '0' && v[i] <= '9' || v[i] == '.' || v[i] == '_' || v[i] == '-'):
		default:
			return false
		}
	}
	return true
}
