package xmlsafe

import "strings"

// encoding refuses input that is recognisably not UTF-8 before anything
// else is parsed (XML 1.0 §4.3.3, Appendix F.1 autodetection): UTF-16 and
// UTF-32 with or without byte order mark. A legacy encoding declared in
// the XML declaration (ISO-8859-1, windows-1252, …) is refused by
// xmlDecl; undeclared non-UTF-8 bytes fail as invalid UTF-8 (§2.2).
func (p *parser) encoding() error {
	s := p.s[p.pos:]
	for _, sig := range []struct{ prefix, name string }{
		{"\x00\x00\xFE\xFF", "UTF-32"},
		{"\xFF\xFE\x00\x00", "UTF-32"},
		{"\x00\x00\x00<", "UTF-32"},
		{"<\x00\x00\x00", "UTF-32"},
		{"\xFE\xFF", "UTF-16"},
		{"\xFF\xFE", "UTF-16"},
		{"\x00<", "UTF-16"},
		{"<\x00", "UTF-16"},
	} {
		if strings.HasPrefix(s, sig.prefix) {
			return p.errAt(p.pos, "%s input is not supported: only UTF-8 (XML 1.0 §4.3.3)", sig.name)
		}
	}
	return nil
}
