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

// putAttr is e.CreateAttr(space+":"+key, value) (e.CreateAttr(key, value)
// without a space) without building the qualified name: an attribute with
// the same space and key gets the new value, otherwise one is appended.
func putAttr(e *etree.Element, space, key, value string) {
	if space == "" {
		e.CreateAttr(key, value)
		return
	}
	n := len(e.Attr)
	if n == cap(e.Attr) || strings.IndexByte(space, ':') >= 0 || strings.IndexByte(key, ':') >= 0 {
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
