package xmldsig

import (
	"io"
	"sync"
)

// Output side of the canonicalizer: a write buffer in front of the hash
// and the C14N escaping rules (Canonical XML 1.0 §2.3, shared by C14N 1.1
// and exc-C14N).

// canonicalizers recycles canonicalizers with their write buffer and
// scratch stacks (namespace scopes, attributes), so that a call costs no
// allocation for them once they have grown to a document's needs.
var canonicalizers = sync.Pool{New: func() any {
	return &canonicalizer{buf: make([]byte, 0, c14nBufSize)}
}}

// maxPooledScratch bounds the scratch entries a pooled canonicalizer keeps.
const maxPooledScratch = 1 << 10

// release clears every reference into the canonicalized tree and returns
// c to the pool.
func (c *canonicalizer) release() {
	keep := func(n int) bool { return n <= maxPooledScratch }
	clear(c.inscope[:cap(c.inscope)])
	clear(c.rendered[:cap(c.rendered)])
	clear(c.nsScratch[:cap(c.nsScratch)])
	clear(c.attrScratch[:cap(c.attrScratch)])
	r := canonicalizer{buf: c.buf[:0]}
	if keep(cap(c.inscope)) && keep(cap(c.rendered)) && keep(cap(c.nsScratch)) && keep(cap(c.attrScratch)) {
		r.inscope, r.rendered = c.inscope[:0], c.rendered[:0]
		r.nsScratch, r.attrScratch = c.nsScratch[:0], c.attrScratch[:0]
	}
	*c = r
	canonicalizers.Put(c)
}

// flush writes the buffer out.
func (c *canonicalizer) flush() {
	if c.err == nil && len(c.buf) > 0 {
		_, c.err = c.w.Write(c.buf)
	}
	c.buf = c.buf[:0]
}

func (c *canonicalizer) start() {
	c.buf = c.buf[:0]
}

func (c *canonicalizer) done() {
	c.flush()
}

// writeString appends s to the buffer (inlined for the usual case that
// it fits).
func (c *canonicalizer) writeString(s string) {
	if len(c.buf)+len(s) <= cap(c.buf) {
		c.buf = append(c.buf, s...)
		return
	}
	c.writeLong(s)
}

func (c *canonicalizer) writeLong(s string) {
	c.flush()
	if len(s) > cap(c.buf) {
		if c.err == nil {
			_, c.err = io.WriteString(c.w, s)
		}
		return
	}
	c.buf = append(c.buf, s...)
}

func (c *canonicalizer) writeByte(b byte) {
	if len(c.buf) == cap(c.buf) {
		c.flush()
	}
	c.buf = append(c.buf, b)
}

// writeTag writes a start tag's "<space:tag" or an end tag
// "</space:tag>" (no colon without a space), checking the buffer once.
func (c *canonicalizer) writeTag(end bool, space, tag string) {
	if !c.reserve(len(space) + len(tag) + 3) {
		if end {
			c.writeString("</")
		} else {
			c.writeByte('<')
		}
		c.writeName(space, tag)
		if end {
			c.writeByte('>')
		}
		return
	}
	b := c.buf
	if end {
		b = append(b, "</"...)
	} else {
		b = append(b, '<')
	}
	if space != "" {
		b = append(b, space...)
		b = append(b, ':')
	}
	b = append(b, tag...)
	if end {
		b = append(b, '>')
	}
	c.buf = b
}

// writeAttrName writes ` prefix:local="` (no colon without a prefix).
func (c *canonicalizer) writeAttrName(prefix, local string) {
	if !c.reserve(len(prefix) + len(local) + 4) {
		c.writeByte(' ')
		c.writeName(prefix, local)
		c.writeString(`="`)
		return
	}
	b := append(c.buf, ' ')
	if prefix != "" {
		b = append(b, prefix...)
		b = append(b, ':')
	}
	b = append(b, local...)
	c.buf = append(b, `="`...)
}

// writeName writes prefix:local piece by piece (names longer than the
// buffer).
func (c *canonicalizer) writeName(prefix, local string) {
	if prefix != "" {
		c.writeString(prefix)
		c.writeByte(':')
	}
	c.writeString(local)
}

// reserve makes room for n more bytes in the buffer, flushing it if
// needed; false when n exceeds the buffer.
func (c *canonicalizer) reserve(n int) bool {
	if len(c.buf)+n <= cap(c.buf) {
		return true
	}
	c.flush()
	return n <= cap(c.buf)
}

// textEscapes and attrEscapes mark the bytes C14N replaces in text nodes
// (& < > #xD) and in attribute values (& < " #x9 #xA #xD), C14N 1.0 §2.3.
var textEscapes, attrEscapes = escapeSet("&<>\r"), escapeSet("&<\"\t\n\r")

func escapeSet(chars string) (set [256]bool) {
	for i := range len(chars) {
		set[chars[i]] = true
	}
	return set
}

// escapeText writes s escaped as a C14N text node.
func (c *canonicalizer) escapeText(s string) {
	c.escape(s, &textEscapes)
}

// escapeAttr writes s escaped as a C14N attribute value.
func (c *canonicalizer) escapeAttr(s string) {
	c.escape(s, &attrEscapes)
}

func (c *canonicalizer) escape(s string, set *[256]bool) {
	start := 0
	for i := 0; i < len(s); i++ {
		if !set[s[i]] {
			continue
		}
		var rep string
		switch s[i] {
		case '&':
			rep = "&amp;"
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '"':
			rep = "&quot;"
		case '\t':
			rep = "&#x9;"
		case '\n':
			rep = "&#xA;"
		case '\r':
			rep = "&#xD;"
		}
		c.writeString(s[start:i])
		c.writeString(rep)
		start = i + 1
	}
	c.writeString(s[start:])
}
