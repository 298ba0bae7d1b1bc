package xmlsafe

import (
	"strings"
	"sync"

	"github.com/beevik/etree"
)

// builder allocates the etree nodes of one document in chunks and gives
// every Child and Attr slice its exact length as capacity, so the finished
// tree carries no append slack and costs a handful of allocations per
// thousand nodes instead of several per node.
//
// etree keeps parent, index and the attribute's owner in unexported fields;
// they are set only through etree's own API (AddChild, CreateAttr,
// CharData.SetData), which writes in place into the pre-sized slices.
type builder struct {
	elems []etree.Element
	texts []etree.CharData
	toks  []etree.Token
	attrs []etree.Attr

	// Nodes used so far; with the parse position they predict how many
	// more the rest of the document needs, so chunks fit the document.
	nElems, nTexts, nToks, nAttrs int
	size                          int  // document length
	pos                           *int // parse position

	// kids holds the children of all open elements, each element's run
	// starting where its frame says; the document's own children start at 0.
	kids []etree.Token
	high int // high-water mark of len(kids), for release
}

const (
	minChunk = 8
	maxChunk = 4096
)

// chunk returns the size of the next chunk for a node kind of which used
// have been allocated so far: the estimate for the rest of the document if
// it continues like its parsed part, plus a small margin.
func (b *builder) chunk(used int) int {
	pos := max(*b.pos, 1)
	rest := used*(b.size-pos)/pos + minChunk/2
	return min(max(rest, minChunk), maxChunk)
}

// presize allocates the first chunk of each node kind of a small document
// (up to presizeMax bytes) from a count of its markup, so that it needs
// one allocation per node kind with little slack; larger documents are
// left to the adaptive chunks, whose estimate converges there. Every
// element, comment, processing instruction and CDATA section starts with
// '<', every end tag with "</"; a text node ends at a '<' that does not
// directly follow a '>' (or at the end); every attribute has a '='. The
// counts are estimates (the same characters in text, comments or values
// miscount) and each chunk is capped at maxChunk nodes.
func (b *builder) presize(s string) {
	if len(s) > presizeMax {
		return
	}
	lt, ends, adjacent := 0, 0, 0
	for i := 0; ; i++ {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		i += j
		lt++
		if i+1 < len(s) && s[i+1] == '/' {
			ends++
		}
		if i > 0 && s[i-1] == '>' {
			adjacent++
		}
	}
	if lt == 0 {
		return
	}
	nodes := lt - ends
	texts := lt + 1 - adjacent
	attrs := strings.Count(s, "=")
	first := func(n int) int { return min(max(n, minChunk), maxChunk) }
	b.elems = make([]etree.Element, first(nodes))
	b.texts = make([]etree.CharData, first(texts))
	b.toks = make([]etree.Token, first(nodes+texts))
	if attrs > 0 {
		b.attrs = make([]etree.Attr, first(attrs))
	}
}

// presizeMax is the largest document presize counts.
const presizeMax = 64 << 10

func (b *builder) element(space, tag string) *etree.Element {
	if len(b.elems) == 0 {
		b.elems = make([]etree.Element, b.chunk(b.nElems))
	}
	e := &b.elems[0]
	b.elems = b.elems[1:]
	b.nElems++
	e.Space, e.Tag = space, tag
	return e
}

// text appends a CharData child; SetData computes etree's white-space flag
// exactly as etree's reader does (CDATA sections are plain text there too).
func (b *builder) text(data string) {
	if len(b.texts) == 0 {
		b.texts = make([]etree.CharData, b.chunk(b.nTexts))
	}
	c := &b.texts[0]
	b.texts = b.texts[1:]
	b.nTexts++
	c.SetData(data)
	b.kids = append(b.kids, c)
}

// attach moves the children collected since from into parent's Child slice.
func (b *builder) attach(parent *etree.Element, from int) {
	b.high = max(b.high, len(b.kids))
	kids := b.kids[from:]
	n := len(kids)
	if n == 0 {
		parent.Child = make([]etree.Token, 0)
	} else {
		if n > len(b.toks) {
			b.toks = make([]etree.Token, max(n, b.chunk(b.nToks)))
		}
		parent.Child = b.toks[:0:n]
		b.toks = b.toks[n:]
		b.nToks += n
		for _, k := range kids {
			parent.AddChild(k)
		}
	}
	b.kids = b.kids[:from]
}

// setAttrs gives e its attributes in document order. Each CreateAttr call
// sees a one-element window of the exact-size slice, so etree's duplicate
// scan is O(1) (duplicates were refused before) and the append lands in
// place.
func (p *parser) setAttrs(e *etree.Element, attrs []rawAttr) {
	b := &p.b
	n := len(attrs)
	if n == 0 {
		e.Attr = make([]etree.Attr, 0)
		return
	}
	if n > len(b.attrs) {
		b.attrs = make([]etree.Attr, max(n, b.chunk(b.nAttrs)))
	}
	all := b.attrs[:n:n]
	b.attrs = b.attrs[n:]
	b.nAttrs += n
	for i := range attrs {
		e.Attr = all[i : i : i+1]
		e.CreateAttr(p.attrName(&attrs[i]), p.attrValue(&attrs[i]))
	}
	e.Attr = all
}

// parsers recycles the parsers' scratch space (stacks, buffers, maps); the
// tree itself is never pooled.
var parsers = sync.Pool{New: func() any { return new(parser) }}

// maxPooled bounds the scratch a pooled parser keeps (elements of a slice,
// bytes of the buffer); larger scratch from a big document is dropped.
const maxPooled = 1 << 12

func newParser(s string, lim Limits) *parser {
	p := parsers.Get().(*parser)
	p.s, p.lim = s, lim
	p.b.size, p.b.pos = len(s), &p.pos
	if p.b.kids == nil {
		p.b.kids, p.stack, p.open, p.attrs = p.kidsArr[:0], p.stackArr[:0], p.openArr[:0], p.attrsArr[:0]
	}
	return p
}

// release resets p and returns it to the pool.
func (p *parser) release(failed bool) {
	p.reset(failed)
	parsers.Put(p)
}

// reset clears every reference into the document (and into its input).
// After an error the kids' high-water mark is unknown.
func (p *parser) reset(failed bool) {
	if failed {
		p.b.high = cap(p.b.kids)
	}
	clear(p.b.kids[:p.b.high])
	clear(p.kidsArr[:])
	clear(p.openArr[:])
	clear(p.open[:cap(p.open)])
	clear(p.ns[:cap(p.ns)])
	clear(p.values[:cap(p.values)])
	// A map keeps its buckets after clear: drop those a big document grew
	// (the slices' capacities are the high-water marks).
	if cap(p.ns) > maxPooled {
		p.scope = nil
	}
	if cap(p.attrs) > maxPooled {
		p.seen, p.expanded = nil, nil
	}
	clear(p.scope)
	clear(p.seen)
	clear(p.expanded)

	p.b = builder{kids: reuse(p.b.kids, p.kidsArr[:])}
	p.stack = reuse(p.stack, p.stackArr[:])
	p.open = reuse(p.open, p.openArr[:])
	p.attrs = reuse(p.attrs, p.attrsArr[:])
	p.ns = reuse(p.ns, nil)
	p.values = reuse(p.values, nil)
	p.buf = p.buf[:0]
	if cap(p.buf) > 16*maxPooled {
		p.buf = nil
	}
	p.s, p.pos, p.elements, p.lim = "", 0, 0, Limits{}
	p.h, p.lines, p.lineOff = nil, 0, 0
	p.trusted, p.doctyped, p.entities, p.expansion = false, false, nil, 0
	if cap(p.xattrs) > maxPooled {
		p.xattrs = nil
	}
}

// reuse returns s emptied, or the fixed initial array if s grew too big
// to keep.
func reuse[T any](s, initial []T) []T {
	if cap(s) > maxPooled {
		return initial[:0]
	}
	return s[:0]
}
