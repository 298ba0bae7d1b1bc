package xsd

import (
	"bytes"
	"encoding/xml"

	"github.com/egosaar/ozg/internal/xmlsafe"
)

// node is the element tree of a schema document. Annotations and character
// data carry no schema components, so they are not kept (Part 1 §3.13:
// annotations do not affect assessment).
type node struct {
	Tag    string
	space  string
	Attr   []nattr
	parent *node
	kids   []*node
}

// nattr is an attribute; namespace declarations keep the shape
// {Space: "xmlns", Key: prefix} and {Key: "xmlns"}; other qualified
// attributes carry the namespace URI in Space.
type nattr struct{ Space, Key, Value string }

func (n *node) NamespaceURI() string   { return n.space }
func (n *node) ChildElements() []*node { return n.kids }
func (n *node) Parent() *node          { return n.parent }

// parseSchemaDoc parses a schema document with the module's XML parser
// (limits applied; a DOCTYPE only with plain internal entities) into a
// node tree.
func parseSchemaDoc(data []byte, lim xmlsafe.Limits) (*node, error) {
	// Annotations are two thirds of the XÖV schema bytes and are dropped
	// below anyway; removing them before tokenising halves compile time.
	// What is removed is still checked by xmlsafe (limits, no DOCTYPE).
	// A DOCTYPE (allowed in schema files only) is left to the parser.
	if names := annotationNames(data); len(names) > 0 && !bytes.Contains(data, []byte("<!DOCTYPE")) {
		stripped, err := xmlsafe.StripElements(data, lim, names...)
		if err != nil {
			return nil, err
		}
		data = stripped
	}
	var sb schemaBuilder
	// Schema files are the caller's trusted choice: a DOCTYPE with plain
	// internal entities (W3C's xmldsig-core-schema.xsd) is accepted here,
	// never in instance documents.
	if err := xmlsafe.StreamTrusted(data, lim, &sb); err != nil {
		return nil, err
	}
	return sb.root, nil
}

// schemaBuilder builds the node tree from the parser's events.
type schemaBuilder struct {
	root, cur *node
	skip      int
}

func (b *schemaBuilder) StartElement(t xml.StartElement, _ int) error {
	if b.skip > 0 {
		b.skip++
		return nil
	}
	if t.Name.Space == nsXSD && t.Name.Local == "annotation" && b.cur != nil {
		b.skip = 1
		return nil
	}
	n := &node{Tag: t.Name.Local, space: t.Name.Space, parent: b.cur}
	if len(t.Attr) > 0 {
		n.Attr = make([]nattr, len(t.Attr))
		for i, a := range t.Attr {
			n.Attr[i] = nattr{Space: a.Name.Space, Key: a.Name.Local, Value: a.Value}
		}
	}
	if b.cur == nil {
		b.root = n
	} else {
		b.cur.kids = append(b.cur.kids, n)
	}
	b.cur = n
	return nil
}

func (b *schemaBuilder) EndElement() error {
	if b.skip > 0 {
		b.skip--
		return nil
	}
	b.cur = b.cur.parent
	return nil
}

func (b *schemaBuilder) CharData(string) error { return nil }

// annotationNames returns the raw tag names xs:annotation is written with in
// data, for the prefixes (or the default namespace) that every namespace
// declaration in data binds to the XSD namespace and nothing else. A prefix
// also bound to another namespace anywhere is left out, so its elements go
// through the tokeniser and the namespace-aware check in parseSchemaDoc.
func annotationNames(data []byte) []string {
	bound := map[string]bool{} // prefix → bound only to nsXSD so far
	for i := 0; ; {
		k := bytes.Index(data[i:], []byte("xmlns"))
		if k < 0 {
			break
		}
		i += k + len("xmlns")
		prefix := ""
		if i < len(data) && data[i] == ':' {
			j := i + 1
			for j < len(data) && !isNameEnd(data[j]) {
				j++
			}
			prefix, i = string(data[i+1:j]), j
		}
		j := i
		for j < len(data) && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r') {
			j++
		}
		if j >= len(data) || data[j] != '=' {
			continue // "xmlns" in text or in a longer name
		}
		j++
		for j < len(data) && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r') {
			j++
		}
		if j >= len(data) || (data[j] != '"' && data[j] != '\'') {
			continue
		}
		end := bytes.IndexByte(data[j+1:], data[j])
		if end < 0 {
			break
		}
		uri := string(data[j+1 : j+1+end])
		ok, seen := bound[prefix]
		bound[prefix] = (ok || !seen) && uri == nsXSD
		i = j + 1 + end
	}
	var names []string
	for prefix, ok := range bound {
		switch {
		case !ok:
		case prefix == "":
			names = append(names, "annotation")
		default:
			names = append(names, prefix+":annotation")
		}
	}
	return names
}

func isNameEnd(c byte) bool {
	return c == '=' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '>' || c == '/'
}
