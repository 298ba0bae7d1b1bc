package xsd

import (
	"bytes"
	"encoding/xml"
	"io"

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

// parseSchemaDoc parses a schema document with internal/xmlsafe (DOCTYPE
// refused, limits applied) into a node tree.
func parseSchemaDoc(data []byte, lim xmlsafe.Limits) (*node, error) {
	dec := xmlsafe.NewDecoder(bytes.NewReader(data), lim)
	var root, cur *node
	skip := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 {
				skip++
				continue
			}
			if t.Name.Space == nsXSD && t.Name.Local == "annotation" && cur != nil {
				skip = 1
				continue
			}
			n := &node{Tag: t.Name.Local, space: t.Name.Space, parent: cur}
			if len(t.Attr) > 0 {
				n.Attr = make([]nattr, len(t.Attr))
				for i, a := range t.Attr {
					n.Attr[i] = nattr{Space: a.Name.Space, Key: a.Name.Local, Value: a.Value}
				}
			}
			if cur == nil {
				if root != nil {
					return nil, &xmlsafe.SyntaxError{Msg: "content after the root element"}
				}
				root = n
			} else {
				cur.kids = append(cur.kids, n)
			}
			cur = n
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			if cur != nil {
				cur = cur.parent
			}
		}
	}
	if root == nil {
		return nil, &xmlsafe.SyntaxError{Msg: "no root element"}
	}
	return root, nil
}
