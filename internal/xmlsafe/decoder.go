package xmlsafe

import (
	"encoding/xml"
	"errors"
	"io"
)

// Decoder is a streaming tokenizer with the same limits as Parse, for
// consumers that need positions (line numbers) or cannot hold a tree. It
// wraps encoding/xml in strict mode and refuses directives (DOCTYPE).
type Decoder struct {
	dec      *xml.Decoder
	lim      Limits
	counter  *countingReader
	depth    int
	elements int
}

// NewDecoder returns a Decoder reading from r under lim.
func NewDecoder(r io.Reader, lim Limits) *Decoder {
	lim = lim.WithDefaults()
	c := &countingReader{r: r, max: lim.MaxBytes}
	d := xml.NewDecoder(c)
	d.Strict = true
	return &Decoder{dec: d, lim: lim, counter: c}
}

// InputPos returns the line and column of the end of the last token.
func (d *Decoder) InputPos() (line, column int) { return d.dec.InputPos() }

// Token returns the next namespace-resolved token, as xml.Decoder.Token
// does, or an error wrapping ErrDoctype, ErrLimit or ErrSyntax. At the end
// of input it returns io.EOF.
func (d *Decoder) Token() (xml.Token, error) {
	tok, err := d.dec.Token()
	if err != nil {
		if d.counter.exceeded {
			return nil, &LimitError{Limit: "bytes", Max: d.lim.MaxBytes, Offset: d.lim.MaxBytes}
		}
		if err == io.EOF {
			return nil, io.EOF
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, &SyntaxError{Line: se.Line, Msg: se.Msg}
		}
		return nil, err
	}
	switch t := tok.(type) {
	case xml.Directive:
		return nil, ErrDoctype
	case xml.StartElement:
		d.elements++
		d.depth++
		off := d.dec.InputOffset()
		if d.elements > d.lim.MaxElements {
			return nil, &LimitError{Limit: "elements", Max: int64(d.lim.MaxElements), Offset: off}
		}
		if d.depth > d.lim.MaxDepth {
			return nil, &LimitError{Limit: "depth", Max: int64(d.lim.MaxDepth), Offset: off}
		}
		if len(t.Attr) > d.lim.MaxAttributes {
			return nil, &LimitError{Limit: "attributes", Max: int64(d.lim.MaxAttributes), Offset: off}
		}
	case xml.EndElement:
		d.depth--
	}
	return tok, nil
}

type countingReader struct {
	r        io.Reader
	n, max   int64
	exceeded bool
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.n >= c.max {
		// Probe one byte to tell "exactly max" from "more than max".
		var one [1]byte
		k, err := c.r.Read(one[:])
		if k > 0 {
			c.exceeded = true
			return 0, ErrLimit
		}
		return 0, err
	}
	if rem := c.max - c.n; int64(len(p)) > rem {
		p = p[:rem]
	}
	k, err := c.r.Read(p)
	c.n += int64(k)
	return k, err
}
