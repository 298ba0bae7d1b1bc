package xmldsig

import (
	"strings"

	"github.com/beevik/etree"
)

// Tree side of the canonicalizer: the attributes of the copy of the
// verified node-set built for a caller's tree (Result.Element) and of the
// in-place rewrite of a tree the verifier parsed itself, exactly as etree's
// CreateAttr would set them, without building qualified names.

// setOutAttrs replaces e's attributes by the rendered namespace
// declarations and attributes, in output order. e.Attr's capacity should
// hold them all (it is grown otherwise).
func setOutAttrs(e *etree.Element, nsOut []nsBind, attrs []outAttr) {
	e.Attr = e.Attr[:0]
	for _, ns := range nsOut {
		if ns.prefix == "" {
			putAttr(e, "", "xmlns", ns.uri)
		} else {
			putAttr(e, "xmlns", ns.prefix, ns.uri)
		}
	}
	for _, a := range attrs {
		putAttr(e, a.prefix, a.local, a.value)
	}
}

// growAttrs returns an empty attribute list of capacity n for an element
// rewritten in place, cut from c.attrChunk.
func (c *canonicalizer) growAttrs(n int) []etree.Attr {
	if n > len(c.attrChunk) {
		c.attrChunk = make([]etree.Attr, max(n, 32))
	}
	out := c.attrChunk[:0:n]
	c.attrChunk = c.attrChunk[n:]
	return out
}

// attrsAre reports whether have already is what setOutAttrs would make
// of nsOut and attrs (the usual case in place: an element that declares
// nothing and whose attributes are in canonical order).
func attrsAre(have []etree.Attr, nsOut []nsBind, attrs []outAttr) bool {
	if len(have) != len(nsOut)+len(attrs) {
		return false
	}
	for i, ns := range nsOut {
		a := &have[i]
		if ns.prefix == "" {
			if a.Space != "" || a.Key != "xmlns" || a.Value != ns.uri {
				return false
			}
		} else if a.Space != "xmlns" || a.Key != ns.prefix || a.Value != ns.uri {
			return false
		}
	}
	for i, o := range attrs {
		a := &have[len(nsOut)+i]
		if a.Space != o.prefix || a.Key != o.local || a.Value != o.value {
			return false
		}
	}
	return true
}

// putAttr is e.CreateAttr(space+":"+key, value) (e.CreateAttr(key, value)
// without a space) without building the qualified name: an attribute with
// the same space and key gets the new value, otherwise one is appended.
func putAttr(e *etree.Element, space, key, value string) {
	n := len(e.Attr)
	if n == cap(e.Attr) || strings.IndexByte(space, ':') >= 0 || strings.IndexByte(key, ':') >= 0 {
		if space == "" {
			e.CreateAttr(key, value)
			return
		}
		e.CreateAttr(space+":"+key, value)
		return
	}
	for i := range e.Attr {
		if e.Attr[i].Space == space && e.Attr[i].Key == key {
			e.Attr[i].Value = value
			return
		}
	}
	// CreateAttr on a window holding no attribute appends at all[n] in
	// place (and sets the attribute's owner, which only etree can).
	all := e.Attr[:n+1]
	e.Attr = all[n : n : n+1]
	e.CreateAttr(key, value)
	e.Attr = all
	all[n].Space = space
}

// copySlab holds the nodes of one copied tree, allocated at once for the
// counted size of the source (see sizeSlab), and gives every Child and
// Attr slice its final capacity: a copy costs a handful of allocations
// instead of several per node. The nodes are returned together as
// Result.Element, so no chunk outlives the copy. A node the count did not
// foresee gets a fresh chunk.
type copySlab struct {
	elems []etree.Element
	texts []etree.CharData
	toks  []etree.Token
	attrs []etree.Attr
}

// slabSize counts the nodes of a subtree to copy: elements, child tokens,
// text nodes and attributes.
type slabSize struct{ elems, toks, texts, attrs int }

// add counts e itself: one element, its child tokens, its text children
// and its attributes.
func (n *slabSize) add(e *etree.Element) {
	n.elems++
	n.toks += len(e.Child)
	n.attrs += len(e.Attr)
	for _, t := range e.Child {
		if _, ok := t.(*etree.CharData); ok {
			n.texts++
		}
	}
}

// subtree counts e and its descendants except skip's subtree.
func (n *slabSize) subtree(e, skip *etree.Element, depth int) {
	n.add(e)
	if depth > maxCanonDepth {
		return
	}
	for _, t := range e.Child {
		if c, ok := t.(*etree.Element); ok && c != skip {
			n.subtree(c, skip, depth+1)
		}
	}
}

// minus returns n without the nodes counted in o.
func (n slabSize) minus(o slabSize) slabSize {
	return slabSize{n.elems - o.elems, n.toks - o.toks, n.texts - o.texts, n.attrs - o.attrs}
}

// sizeSlab counts the elements, child tokens, text nodes and attributes
// of apex's subtree without skip and allocates them.
func sizeSlab(apex, skip *etree.Element) copySlab {
	var n slabSize
	n.subtree(apex, skip, 1)
	return newSlab(n)
}

// newSlab allocates the nodes counted in n. Rendered namespace
// declarations can outnumber the declarations of the source (the apex
// renders those it inherits); a few spare attributes cover the usual case.
func newSlab(n slabSize) copySlab {
	return copySlab{
		elems: make([]etree.Element, max(n.elems, 0)),
		texts: make([]etree.CharData, max(n.texts, 0)),
		toks:  make([]etree.Token, max(n.toks, 0)),
		attrs: make([]etree.Attr, max(n.attrs, 0)+8),
	}
}

// element appends to parent a new element with room for nChild children
// and nAttr attributes, as parent.CreateElement(tag) with Space set does.
func (s *copySlab) element(parent *etree.Element, space, tag string, nChild, nAttr int) *etree.Element {
	if len(s.elems) == 0 {
		s.elems = make([]etree.Element, 1)
	}
	e := &s.elems[0]
	s.elems = s.elems[1:]
	e.Space, e.Tag = space, tag
	e.Child = take(&s.toks, nChild)
	e.Attr = take(&s.attrs, nAttr)
	parent.AddChild(e)
	return e
}

// take returns an empty slice of capacity n cut from the front of *chunk
// (a fresh one when *chunk is too short), as make([]T, 0, n) would.
func take[T any](chunk *[]T, n int) []T {
	if n == 0 {
		return make([]T, 0)
	}
	if n > len(*chunk) {
		*chunk = make([]T, n)
	}
	out := (*chunk)[:0:n]
	*chunk = (*chunk)[n:]
	return out
}

// text appends a text node to parent, as parent.CreateText(data) does
// (etree's white-space flag left unset, as there).
func (s *copySlab) text(parent *etree.Element, data string) {
	if len(s.texts) == 0 {
		s.texts = make([]etree.CharData, 1)
	}
	c := &s.texts[0]
	s.texts = s.texts[1:]
	c.Data = data
	parent.AddChild(c)
}
