package xmldsig

import (
	"io"
	"sync"
)

// Output side of the canonicalizer: a pooled write buffer in front of the
// hash and the C14N escaping rules (Canonical XML 1.0 §2.3, shared by
// C14N 1.1 and exc-C14N).

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, c14nBufSize); return &b }}

// flush writes the buffer out; the final flush (done) returns the buffer
// to the pool.
func (c *canonicalizer) flush() {
	if c.err == nil && len(c.buf) > 0 {
		_, c.err = c.w.Write(c.buf)
	}
	c.buf = c.buf[:0]
}

func (c *canonicalizer) start() {
	c.buf = (*bufPool.Get().(*[]byte))[:0]
}

func (c *canonicalizer) done() {
	c.flush()
	b := c.buf
	c.buf = nil
	bufPool.Put(&b)
}

func (c *canonicalizer) writeString(s string) {
	if len(c.buf)+len(s) > cap(c.buf) {
		c.flush()
		if len(s) > cap(c.buf) {
			if c.err == nil {
				_, c.err = io.WriteString(c.w, s)
			}
			return
		}
	}
	c.buf = append(c.buf, s...)
}

func (c *canonicalizer) writeByte(b byte) {
	if len(c.buf) == cap(c.buf) {
		c.flush()
	}
	c.buf = append(c.buf, b)
}

// escapeText writes s escaped as a C14N text node (C14N 1.0 §2.3: & < >
// and #xD are replaced).
func (c *canonicalizer) escapeText(s string) {
	start := 0
	for i := 0; i < len(s); i++ {
		var rep string
		switch s[i] {
		case '&':
			rep = "&amp;"
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '\r':
			rep = "&#xD;"
		default:
			continue
		}
		c.writeString(s[start:i])
		c.writeString(rep)
		start = i + 1
	}
	c.writeString(s[start:])
}

// escapeAttr writes s escaped as a C14N attribute value (& < " #x9 #xA
// #xD are replaced).
func (c *canonicalizer) escapeAttr(s string) {
	start := 0
	for i := 0; i < len(s); i++ {
		var rep string
		switch s[i] {
		case '&':
			rep = "&amp;"
		case '<':
			rep = "&lt;"
		case '"':
			rep = "&quot;"
		case '\t':
			rep = "&#x9;"
		case '\n':
			rep = "&#xA;"
		case '\r':
			rep = "&#xD;"
		default:
			continue
		}
		c.writeString(s[start:i])
		c.writeString(rep)
		start = i + 1
	}
	c.writeString(s[start:])
}
