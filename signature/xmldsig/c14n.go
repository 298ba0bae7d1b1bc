package xmldsig

import (
	"io"
	"slices"
	"strings"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/internal/redact"
)

// Canonicalization method URIs.
const (
	// C14N10 is Canonical XML 1.0 (W3C Rec 15 March 2001), without comments.
	C14N10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
	// C14N10WithComments is Canonical XML 1.0 with comments.
	C14N10WithComments = C14N10 + "#WithComments"
	// C14N11 is Canonical XML 1.1 (W3C Rec 2 May 2008), without comments.
	C14N11 = "http://www.w3.org/2006/12/xml-c14n11"
	// C14N11WithComments is Canonical XML 1.1 with comments.
	C14N11WithComments = C14N11 + "#WithComments"
	// ExcC14N is Exclusive XML Canonicalization 1.0 (W3C Rec 18 July 2002),
	// without comments; the default of this package.
	ExcC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
	// ExcC14NWithComments is Exclusive XML Canonicalization 1.0 with
	// comments.
	ExcC14NWithComments = ExcC14N + "WithComments"
)

const (
	nsXML   = "http://www.w3.org/XML/1998/namespace"
	nsDSig  = "http://www.w3.org/2000/09/xmldsig#"
	nsXMLNS = "http://www.w3.org/2000/xmlns/"
)

// c14nMode selects one of the six canonicalization variants.
type c14nMode struct {
	exclusive bool
	v11       bool
	comments  bool
	// inclusive is the exc-C14N InclusiveNamespaces PrefixList ("" stands
	// for #default).
	inclusive []string
}

// modeFor maps a canonicalization URI to its mode; ok is false for any
// other URI.
func modeFor(uri string, prefixList []string) (c14nMode, bool) {
	switch uri {
	case ExcC14N:
		return c14nMode{exclusive: true, inclusive: prefixList}, true
	case ExcC14NWithComments:
		return c14nMode{exclusive: true, comments: true, inclusive: prefixList}, true
	case C14N10:
		return c14nMode{}, true
	case C14N10WithComments:
		return c14nMode{comments: true}, true
	case C14N11:
		return c14nMode{v11: true}, true
	case C14N11WithComments:
		return c14nMode{v11: true, comments: true}, true
	}
	return c14nMode{}, false
}

type nsBind struct{ prefix, uri string }

// ancestorContext appends to ns the namespace bindings in scope at el's
// parent (nearest declaration wins, in document order of the winners) and
// to xmlAttrs the xml:* attributes inherited from el's ancestors (nearest
// wins), as needed to canonicalize el as the apex of a document subset
// (C14N 1.0 §2.4, C14N 1.1 §2.4, exc-C14N §3). The caller passes stack
// buffers (usually empty), so the common case allocates nothing.
func ancestorContext(el *etree.Element, ns []nsBind, xmlAttrs []etree.Attr) ([]nsBind, []etree.Attr) {
	var chainArr [16]*etree.Element
	chain := chainArr[:0]
	for p := el.Parent(); p != nil; p = p.Parent() {
		chain = append(chain, p)
	}
	// Walk from the top down so that nearer declarations override.
	for i := len(chain) - 1; i >= 0; i-- {
		for _, a := range chain[i].Attr {
			switch {
			case a.Space == "xmlns":
				ns = setBind(ns, a.Key, a.Value)
			case a.Space == "" && a.Key == "xmlns":
				ns = setBind(ns, "", a.Value)
			case a.Space == "xml":
				xmlAttrs = setXMLAttr(xmlAttrs, a)
			}
		}
	}
	return ns, xmlAttrs
}

func setBind(ns []nsBind, prefix, uri string) []nsBind {
	for i := range ns {
		if ns[i].prefix == prefix {
			ns[i].uri = uri
			return ns
		}
	}
	return append(ns, nsBind{prefix, uri})
}

func setXMLAttr(list []etree.Attr, a etree.Attr) []etree.Attr {
	for i := range list {
		if list[i].Key == a.Key {
			list[i] = a
			return list
		}
	}
	return append(list, a)
}

// redeclared refuses a prefix declared twice among one element's
// declarations own (XML 1.0 §3.1: attribute names are unique per
// element). A tree not built by a conforming parser may hold that, and
// which declaration a reader takes is up to the reader: etree takes the
// first, a binding stack the last.
func redeclared(own []nsBind) error {
	for i := 1; i < len(own); i++ {
		if lookupIndex(own[:i], own[i].prefix) >= 0 {
			return &StructureError{Reason: "namespace prefix " + quote(own[i].prefix) + " declared twice on one element"}
		}
	}
	return nil
}

// lookup finds prefix in a binding stack, innermost last.
func lookup(stack []nsBind, prefix string) (string, bool) {
	if i := lookupIndex(stack, prefix); i >= 0 {
		return stack[i].uri, true
	}
	return "", false
}

// lookupIndex returns the index of prefix's innermost binding in stack
// (-1 when none).
func lookupIndex(stack []nsBind, prefix string) int {
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i].prefix == prefix {
			return i
		}
	}
	return -1
}

// canonicalizer writes the canonical form of a subtree (minus one excluded
// element, the enveloped signature) straight into w, typically a hash, and
// optionally builds an etree copy of exactly the nodes it wrote. It never
// holds the canonical octets of more than its write buffer.
type canonicalizer struct {
	mode  c14nMode
	skip  *etree.Element
	w     io.Writer
	buf   []byte
	err   error
	build bool
	// inplace rewrites the processed tree itself into the canonical
	// node-set (Signature and, without comments, comments removed; text
	// merged; namespace declarations as rendered) instead of building a
	// copy. Only for trees the caller owns.
	inplace bool

	inscope  []nsBind
	rendered []nsBind
	// fixBase: the apex's own xml:base is replaced by the C14N 1.1
	// fix-up value passed in with the inherited xml:* attributes.
	fixBase bool
	// parentSpace is the prefix of the element whose children are being
	// written (parentDone: there is one); exclusive C14N has rendered its
	// binding already.
	parentSpace string
	parentDone  bool

	// depth guards the recursion on trees that did not come through the
	// parser's limits (SignElement on a caller's tree).
	depth int

	nsScratch   []nsBind
	attrScratch []outAttr
	// attrChunk holds room for the attribute lists that grow in place
	// (exclusive C14N renders declarations where they are used), carved
	// off one allocation; it belongs to the tree once handed out.
	attrChunk []etree.Attr
	slab      copySlab
	// size, when sized, is the node count of the copy to build, counted
	// by the caller's own walk (else sizeSlab walks the tree once more).
	size  slabSize
	sized bool
}

type outAttr struct {
	uri, prefix, local, value string
}

const (
	c14nBufSize   = 32 << 10
	maxCanonDepth = 4096
)

// newCanonicalizer returns a pooled canonicalizer for one call of subtree
// or document, which returns it to the pool: it must not be used after.
func newCanonicalizer(w io.Writer, mode c14nMode, skip *etree.Element, build bool) *canonicalizer {
	c := canonicalizers.Get().(*canonicalizer)
	c.mode, c.skip, c.w, c.build = mode, skip, w, build
	return c
}

// subtree canonicalizes apex and its descendants as a document subset
// whose apex's ancestors are omitted: their namespace bindings in scope
// and xml:* attributes are taken into account (see ancestorContext).
func (c *canonicalizer) subtree(apex *etree.Element) (*etree.Element, error) {
	defer c.release()
	var nsArr [8]nsBind
	var xmlArr [2]etree.Attr
	inherited, xmlAttrs := ancestorContext(apex, nsArr[:0], xmlArr[:0])
	c.inscope = append(c.inscope[:0], inherited...)
	c.rendered = c.rendered[:0]
	c.fixBase, c.parentDone = false, false
	switch {
	case c.mode.exclusive:
		// exc-C14N §3 (and its §2.4 discussion): attributes in the xml
		// namespace are not imported from omitted ancestors.
		xmlAttrs = nil
	case c.mode.v11:
		// C14N 1.1 §2.4: xml:lang and xml:space are inherited as in 1.0,
		// xml:id is not, and xml:base is fixed up (joined) instead.
		var keep []etree.Attr
		for _, a := range xmlAttrs {
			if a.Key != "id" && a.Key != "base" && !hasAttr(apex, "xml", a.Key) {
				keep = append(keep, a)
			}
		}
		if v, ok := xmlBaseFixup(apex); ok {
			c.fixBase = true
			if v != "" {
				keep = append(keep, etree.Attr{Space: "xml", Key: "base", Value: v})
			}
		}
		xmlAttrs = keep
	case len(xmlAttrs) > 0:
		// C14N 1.0 §2.4: the nearest xml:* attributes of the omitted
		// ancestors (xml:base included, copied unchanged) unless the apex
		// has its own.
		var keep []etree.Attr
		for _, a := range xmlAttrs {
			if !hasAttr(apex, "xml", a.Key) {
				keep = append(keep, a)
			}
		}
		xmlAttrs = keep
	}
	var out *etree.Element
	if c.build && !c.inplace {
		out = &etree.Element{}
		if c.sized {
			c.slab = newSlab(c.size)
		} else {
			c.slab = sizeSlab(apex, c.skip)
		}
	}
	c.start()
	c.element(apex, out, true, xmlAttrs)
	c.done()
	if c.err != nil {
		return nil, c.err
	}
	if c.inplace {
		if p := apex.Parent(); p != nil {
			p.RemoveChild(apex)
		}
		return apex, nil
	}
	if out != nil {
		for _, t := range out.Child {
			if e, ok := t.(*etree.Element); ok {
				e.Parent().RemoveChild(e)
				return e, nil
			}
		}
	}
	return nil, nil
}

// document canonicalizes a whole document (the node-set of a same-document
// URI="" reference, XML-DSig 1.1 §4.5.3.3): processing instructions
// outside the root element and, in a with-comments mode, comments, plus the
// root subtree.
func (c *canonicalizer) document(doc *etree.Element, root *etree.Element) (*etree.Element, error) {
	if doc == nil || doc == root {
		return c.subtree(root)
	}
	defer c.release()
	c.inscope = c.inscope[:0]
	c.rendered = c.rendered[:0]
	c.fixBase, c.parentDone = false, false
	var out *etree.Element
	if c.build && !c.inplace {
		out = &etree.Element{}
		if c.sized {
			c.slab = newSlab(c.size)
		} else {
			c.slab = sizeSlab(root, c.skip)
		}
	}
	after := false
	c.start()
	for _, t := range doc.Child {
		switch t := t.(type) {
		case *etree.Element:
			if t == root {
				c.element(t, out, true, nil)
				after = true
			}
		case *etree.ProcInst:
			if t.Target == "xml" {
				continue // the XML declaration is not a PI node
			}
			if after {
				c.writeByte('\n')
			}
			c.procInst(t)
			if !after {
				c.writeByte('\n')
			}
		case *etree.Comment:
			if !c.mode.comments {
				continue
			}
			if after {
				c.writeByte('\n')
			}
			c.writeString("<!--")
			c.writeString(t.Data)
			c.writeString("-->")
			if !after {
				c.writeByte('\n')
			}
		}
	}
	c.done()
	if c.err != nil {
		return nil, c.err
	}
	if c.inplace {
		doc.RemoveChild(root)
		return root, nil
	}
	if out != nil {
		for _, t := range out.Child {
			if e, ok := t.(*etree.Element); ok {
				out.RemoveChild(e)
				return e, nil
			}
		}
	}
	return nil, nil
}

func hasAttr(el *etree.Element, space, key string) bool {
	for _, a := range el.Attr {
		if a.Space == space && a.Key == key {
			return true
		}
	}
	return false
}

func (c *canonicalizer) procInst(p *etree.ProcInst) {
	c.writeString("<?")
	c.writeString(p.Target)
	if p.Inst != "" {
		c.writeByte(' ')
		c.writeString(p.Inst)
	}
	c.writeString("?>")
}

// element writes el. parent is the builder element (nil when not
// building); apex marks the first element of the subset.
func (c *canonicalizer) element(el *etree.Element, parent *etree.Element, apex bool, xmlAttrs []etree.Attr) {
	if c.err != nil {
		return
	}
	c.depth++
	if c.depth > maxCanonDepth {
		c.fail(&LimitError{Limit: "depth", Max: maxCanonDepth})
		return
	}
	inMark, rMark := len(c.inscope), len(c.rendered)

	// Namespace declarations of el enter the in-scope stack.
	for i := range el.Attr {
		a := &el.Attr[i]
		if a.Space == "xmlns" {
			c.inscope = append(c.inscope, nsBind{a.Key, a.Value})
		} else if a.Space == "" && a.Key == "xmlns" {
			c.inscope = append(c.inscope, nsBind{"", a.Value})
		}
	}
	if err := redeclared(c.inscope[inMark:]); err != nil {
		c.fail(err)
		return
	}

	// Decide which namespace nodes to render (C14N 1.0 §2.3 and §4.7,
	// exc-C14N §3).
	nsOut := c.nsScratch[:0]
	if c.mode.exclusive {
		// The parent's prefix is rendered with its in-scope binding once
		// the parent is written; an element with the same prefix that
		// declares nothing needs no second look (the usual case).
		if !c.parentDone || c.parentSpace != el.Space || len(c.inscope) > inMark {
			nsOut = c.consider(nsOut, el.Space)
		}
		for i := range el.Attr {
			if sp := el.Attr[i].Space; sp != "" && sp != "xmlns" {
				nsOut = c.consider(nsOut, sp)
			}
		}
		for _, p := range c.mode.inclusive {
			if _, ok := lookup(c.inscope, p); ok || p == "" {
				nsOut = c.consider(nsOut, p)
			}
		}
	} else if _, ok := lookup(c.inscope, el.Space); !ok && el.Space != "" {
		// Inclusive modes render declarations rather than usages; a tree
		// not built by a namespace-aware parser may still use an
		// undeclared prefix.
		c.fail(&StructureError{Reason: "undeclared namespace prefix " + quote(el.Space)})
	} else if apex {
		// Every namespace node in scope is rendered at the apex (the
		// innermost declaration of each prefix).
		for i := len(c.inscope) - 1; i >= 0; i-- {
			p := c.inscope[i].prefix
			if lookupIndex(c.inscope, p) == i {
				nsOut = c.consider(nsOut, p)
			}
		}
	} else {
		for i := inMark; i < len(c.inscope); i++ {
			nsOut = c.consider(nsOut, c.inscope[i].prefix)
		}
	}
	if c.err != nil {
		return
	}
	if len(nsOut) > 1 {
		slices.SortFunc(nsOut, func(a, b nsBind) int { return strings.Compare(a.prefix, b.prefix) })
	}
	if len(nsOut) > 0 {
		c.rendered = append(c.rendered, nsOut...)
	}

	// Attributes, sorted by namespace URI then local name.
	attrs := c.attrScratch[:0]
	for _, a := range el.Attr {
		if a.Space == "xmlns" || (a.Space == "" && a.Key == "xmlns") {
			continue
		}
		if apex && c.fixBase && a.Space == "xml" && a.Key == "base" {
			continue // replaced by the fix-up value in xmlAttrs
		}
		oa := outAttr{prefix: a.Space, local: a.Key, value: a.Value}
		switch a.Space {
		case "":
		case "xml":
			oa.uri = nsXML
		default:
			uri, ok := lookup(c.inscope, a.Space)
			if !ok {
				c.fail(&StructureError{Reason: "undeclared namespace prefix " + quote(a.Space)})
				return
			}
			oa.uri = uri
		}
		attrs = append(attrs, oa)
	}
	for _, a := range xmlAttrs {
		attrs = append(attrs, outAttr{uri: nsXML, prefix: "xml", local: a.Key, value: a.Value})
	}
	if len(attrs) > 1 {
		slices.SortFunc(attrs, func(a, b outAttr) int {
			if r := strings.Compare(a.uri, b.uri); r != 0 {
				return r
			}
			return strings.Compare(a.local, b.local)
		})
		// Two attributes with one expanded name (Namespaces in XML 1.0
		// §6.3), possible in a tree not built by a conforming parser.
		for i := 1; i < len(attrs); i++ {
			if attrs[i].local == attrs[i-1].local && attrs[i].uri == attrs[i-1].uri {
				c.fail(&StructureError{Reason: "attribute " + quote(attrs[i].local) + " twice on one element"})
				return
			}
		}
	}

	c.writeTag(false, el.Space, el.Tag)
	for _, n := range nsOut {
		if n.prefix == "" {
			c.writeString(` xmlns="`)
		} else {
			c.writeString(" xmlns:")
			c.writeString(n.prefix)
			c.writeString(`="`)
		}
		c.escapeAttr(n.uri)
		c.writeByte('"')
	}
	for _, a := range attrs {
		c.writeAttrName(a.prefix, a.local)
		c.escapeAttr(a.value)
		c.writeByte('"')
	}
	c.writeByte('>')

	var copyEl *etree.Element
	if parent != nil {
		copyEl = c.slab.element(parent, el.Space, el.Tag, len(el.Child), len(nsOut)+len(attrs))
		setOutAttrs(copyEl, nsOut, attrs)
	}
	if c.inplace && !attrsAre(el.Attr, nsOut, attrs) {
		n := len(nsOut) + len(attrs)
		if cap(el.Attr) < n {
			el.Attr = c.growAttrs(n)
		}
		setOutAttrs(el, nsOut, attrs)
	}
	// The scratch slices are reused by children; keep nothing from them.
	c.nsScratch, c.attrScratch = nsOut[:0], attrs[:0]

	// Adjacent text nodes (split by a dropped comment) are merged, so the
	// result reads as the canonical text does.
	var first string
	var firstTok *etree.CharData
	var more []string
	pending := false
	// In place, the kept children are compacted to the front of el.Child
	// (a write never overtakes the read position of the loop below); kept
	// counts them, and nothing is written before the first one dropped.
	kept := 0
	keep := func(i int, t etree.Token) {
		if kept != i {
			el.Child[kept] = t
		}
		kept++
	}
	outerDone, outerSpace := c.parentDone, c.parentSpace
	c.parentDone, c.parentSpace = true, el.Space
	flushText := func() {
		if pending {
			switch {
			case copyEl != nil && more != nil:
				c.slab.text(copyEl, first+strings.Join(more, ""))
			case copyEl != nil:
				c.slab.text(copyEl, first)
			case c.inplace && more != nil:
				firstTok.SetData(first + strings.Join(more, ""))
			}
			more = nil
		}
		pending = false
	}
	for i, t := range el.Child {
		switch t := t.(type) {
		case *etree.Element:
			if t == c.skip {
				continue
			}
			flushText()
			c.element(t, copyEl, false, nil)
			if c.inplace {
				keep(i, t)
			}
		case *etree.CharData:
			c.escapeText(t.Data)
			if pending {
				more = append(more, t.Data)
			} else {
				first, firstTok = t.Data, t
				pending = true
				if c.inplace {
					keep(i, t)
				}
			}
		case *etree.Comment:
			if !c.mode.comments {
				continue
			}
			flushText()
			c.writeString("<!--")
			c.writeString(t.Data)
			c.writeString("-->")
			if copyEl != nil {
				copyEl.CreateComment(t.Data)
			}
			if c.inplace {
				keep(i, t)
			}
		case *etree.ProcInst:
			flushText()
			c.procInst(t)
			if copyEl != nil {
				copyEl.CreateProcInst(t.Target, t.Inst)
			}
			if c.inplace {
				keep(i, t)
			}
		case *etree.Directive:
			c.fail(&StructureError{Reason: "directive inside an element"})
		}
		if c.err != nil {
			return
		}
	}
	flushText()
	c.parentDone, c.parentSpace = outerDone, outerSpace
	if c.inplace && kept < len(el.Child) {
		// Something was dropped: the kept tokens moved to the front.
		clear(el.Child[kept:])
		el.Child = el.Child[:kept]
		el.ReindexChildren()
	}

	c.writeTag(true, el.Space, el.Tag)

	c.inscope = c.inscope[:inMark]
	c.rendered = c.rendered[:rMark]
	// Only here: after a failure the canonicalizer is not used again.
	c.depth--
}

// consider appends the namespace node of prefix to nsOut unless it is
// the xml prefix, already in nsOut, or rendered with the same URI by an
// output ancestor; an undeclared prefix fails c.
func (c *canonicalizer) consider(nsOut []nsBind, prefix string) []nsBind {
	if prefix == "xml" {
		return nsOut
	}
	for i := range nsOut {
		if nsOut[i].prefix == prefix {
			return nsOut
		}
	}
	uri, ok := lookup(c.inscope, prefix)
	if !ok && prefix != "" {
		c.fail(&StructureError{Reason: "undeclared namespace prefix " + quote(prefix)})
		return nsOut
	}
	if have, _ := lookup(c.rendered, prefix); uri == have {
		return nsOut
	}
	return append(nsOut, nsBind{prefix, uri})
}

func (c *canonicalizer) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

func quote(s string) string { return redact.Quote(s, 64) }
