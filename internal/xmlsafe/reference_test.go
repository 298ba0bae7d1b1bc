package xmlsafe

import (
	"strings"

	"github.com/beevik/etree"
)

// parseReference is the former implementation of Parse (pre-scan Check,
// then etree over encoding/xml), kept as the oracle of the differential
// tests and the anchor of the benchmarks.
func parseReference(data []byte, lim Limits) (*etree.Document, error) {
	if err := lim.Validate(); err != nil {
		return nil, err
	}
	if err := Check(data, lim); err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	doc.ReadSettings = etree.ReadSettings{CharsetReader: utf8Only}
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, &SyntaxError{Msg: stripPrefix(err.Error())}
	}
	if doc.Root() == nil {
		return nil, &SyntaxError{Msg: "no root element"}
	}
	for _, tok := range doc.Child {
		if cd, ok := tok.(*etree.CharData); ok && strings.TrimSpace(cd.Data) != "" {
			return nil, &SyntaxError{Msg: "text outside the root element"}
		}
	}
	return doc, nil
}

func stripPrefix(s string) string {
	const p = "XML syntax error "
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}
