package xmlsafe

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseLimitErrors(t *testing.T) {
	t.Parallel()
	manyAttrs := func(n int) string {
		var b strings.Builder
		b.WriteString("<r><e")
		for i := range n {
			fmt.Fprintf(&b, ` a%d="%d"`, i, i)
		}
		b.WriteString("/></r>")
		return b.String()
	}
	tests := []struct {
		name   string
		in     string
		lim    Limits
		limit  string
		max    int64
		offset int64
	}{
		{name: "bytes", in: "<r>" + strings.Repeat("x", 100) + "</r>", lim: Limits{MaxBytes: 50}, limit: "bytes", max: 50, offset: 50},
		{name: "depth", in: "<r><a><b></b></a></r>", lim: Limits{MaxDepth: 2}, limit: "depth", max: 2, offset: 6},
		{name: "depth by empty element", in: "<r><a><b/></a></r>", lim: Limits{MaxDepth: 2}, limit: "depth", max: 2, offset: 6},
		{name: "elements", in: "<r><a/><b/></r>", lim: Limits{MaxElements: 2}, limit: "elements", max: 2, offset: 7},
		{name: "attributes", in: manyAttrs(5), lim: Limits{MaxAttributes: 4}, limit: "attributes", max: 4, offset: 3},
		{name: "attributes default", in: manyAttrs(257), limit: "attributes", max: DefaultMaxAttributes, offset: 3},
		{name: "elements before syntax error", in: "<r><a/><b/><c></r>", lim: Limits{MaxElements: 2}, limit: "elements", max: 2, offset: 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc, err := Parse([]byte(tc.in), tc.lim)
			require.ErrorIs(t, err, ErrLimit)
			assert.Nil(t, doc)
			var le *LimitError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, LimitError{Limit: tc.limit, Max: tc.max, Offset: tc.offset}, *le)
		})
	}
}

func TestParseSyntaxErrorPosition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		line   int
		offset int64
	}{
		{in: "<r>\n<a>\n&bad;</a></r>", line: 3, offset: 8},
		{in: "<r a='1'\n a='2'/>", line: 1, offset: 0},
		{in: "<r>\r\n</s>", line: 2, offset: 5},
		{in: "<r>", line: 1, offset: 3},
		{in: "<r>\xff</r>", line: 1, offset: 3},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.in), Limits{})
			var se *SyntaxError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tc.line, se.Line)
			assert.Equal(t, tc.offset, se.Offset)
		})
	}
}

func TestParseDoctypeAnywhere(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`<!DOCTYPE r><r/>`,
		`<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://example.org/x.dtd"><r/>`,
		`<r><!DOCTYPE r></r>`,
		`<r/><!DOCTYPE r>`,
		`<r><!ENTITY x "y"></r>`,
		`<r><!ELEMENT r ANY></r>`,
		`<r><![INCLUDE[ x ]]></r>`,
		"\uFEFF<!DOCTYPE r><r/>",
	} {
		_, err := Parse([]byte(in), Limits{})
		require.ErrorIs(t, err, ErrDoctype, in)
	}
}

func TestParseNormalization(t *testing.T) {
	t.Parallel()
	in := "<?xml version=\"1.0\"?>\r\n<r a=\"x\ty\nz\r\nw\rv\" b=\"&#9;&#10;&#13;\" c=\"&lt;&#x41;&amp;\">a\r\nb\rc<![CDATA[d\r\ne]]><!--f\r\ng--><?p h\ri?></r>"
	doc, err := Parse([]byte(in), Limits{})
	require.NoError(t, err)
	r := doc.Root()
	assert.Equal(t, "x y z w v", r.SelectAttrValue("a", ""), "§3.3.3: literal white space becomes a space")
	assert.Equal(t, "\t\n\r", r.SelectAttrValue("b", ""), "§3.3.3: character references are not normalized")
	assert.Equal(t, "<A&", r.SelectAttrValue("c", ""))
	require.Len(t, r.Child, 4)
	assert.Equal(t, "a\nb\nc", r.Child[0].(*etree.CharData).Data, "§2.11")
	assert.Equal(t, "d\ne", r.Child[1].(*etree.CharData).Data)
	assert.False(t, r.Child[1].(*etree.CharData).IsCData(), "CDATA is plain text, as with etree's reader")
	assert.Equal(t, "f\ng", r.Child[2].(*etree.Comment).Data)
	assert.Equal(t, "h\ni", r.Child[3].(*etree.ProcInst).Inst)
	require.Len(t, doc.Child, 3)
	assert.Equal(t, "\n", doc.Child[1].(*etree.CharData).Data)
	assert.True(t, doc.Child[1].(*etree.CharData).IsWhitespace())
}

func TestParseTreeShape(t *testing.T) {
	t.Parallel()
	in := "\uFEFF<?xml version=\"1.0\"?><a:r xmlns:a=\"urn:a\" xmlns=\"urn:d\" a:x=\"1\" y=\"2\">t<e/> <!--c--></a:r>"
	doc, err := Parse([]byte(in), Limits{})
	require.NoError(t, err)
	require.Len(t, doc.Child, 2, "no CharData for the byte order mark")
	pi := doc.Child[0].(*etree.ProcInst)
	assert.Equal(t, "xml", pi.Target)
	assert.Equal(t, `version="1.0"`, pi.Inst)
	r := doc.Root()
	assert.Equal(t, "a", r.Space)
	assert.Equal(t, "r", r.Tag)
	assert.Equal(t, "urn:a", r.NamespaceURI())
	assert.Equal(t, []string{"xmlns:a", "xmlns", "a:x", "y"}, func() []string {
		var keys []string
		for _, a := range r.Attr {
			keys = append(keys, a.FullKey())
			assert.Same(t, r, a.Element())
		}
		return keys
	}())
	assert.Equal(t, len(r.Attr), cap(r.Attr))
	assert.Equal(t, len(r.Child), cap(r.Child))
	for i, c := range r.Child {
		assert.Equal(t, i, c.Index())
		assert.Same(t, r, c.Parent())
	}
	assert.Same(t, &doc.Element, r.Parent())
	assert.Equal(t, 1, r.Index())
	e := r.SelectElement("e")
	require.NotNil(t, e)
	assert.Equal(t, "urn:d", e.NamespaceURI())
	assert.NotNil(t, e.Child)
	assert.Empty(t, e.Child)

	// The tree is independent of the caller's buffer and stays editable.
	buf := []byte(in)
	doc, err = Parse(buf, Limits{})
	require.NoError(t, err)
	for i := range buf {
		buf[i] = 'X'
	}
	assert.Equal(t, "1", doc.Root().SelectAttrValue("a:x", ""))
	assert.Equal(t, "t", doc.Root().Child[0].(*etree.CharData).Data)
	doc.Root().CreateElement("n").CreateAttr("k", "v")
	doc.Root().CreateAttr("z", "3")
	s, err := doc.WriteToString()
	require.NoError(t, err)
	assert.Contains(t, s, `<n k="v"/>`)
	assert.Equal(t, "1", doc.Root().SelectAttrValue("a:x", ""), "append to an exact-capacity slice must not clobber a neighbour")
}

func TestParseManyAttributesDuplicate(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("<r")
	for i := range 40 {
		fmt.Fprintf(&b, ` a%d="%d"`, i, i)
	}
	ok := b.String() + "/>"
	doc, err := Parse([]byte(ok), Limits{})
	require.NoError(t, err)
	require.Len(t, doc.Root().Attr, 40)
	_, err = Parse([]byte(b.String()+` a17="x"/>`), Limits{})
	require.ErrorIs(t, err, ErrSyntax)
}

func TestParseLargeText(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("QUJDRA==\n", 1<<16)
	doc, err := Parse([]byte("<r>"+body+"</r>"), Limits{})
	require.NoError(t, err)
	assert.Equal(t, body, doc.Root().Text())
	for _, bad := range []string{"\x00", "\x1f", "\xc3", "]]>", "<", "&"} {
		_, err := Parse([]byte("<r>"+body[:1000]+bad+body[:1001]+"</r>"), Limits{})
		require.ErrorIs(t, err, ErrSyntax, "%q", bad)
	}
}

// Parsers are pooled: concurrent and successive parses (including failing
// ones) must not share or leak state.
func TestParseConcurrent(t *testing.T) {
	t.Parallel()
	docs := []string{
		`<a:r xmlns:a="u"><a:x a:k="1"/></a:r>`,
		`<r><s xmlns:a="v" a:k="2"/></r>`,
		`<r>&amp;` + strings.Repeat("<e/>", 200) + `</r>`,
		`<r><a:x/></r>`, // refused: a not bound
	}
	want := make([]string, len(docs))
	for i, in := range docs[:3] {
		doc, err := Parse([]byte(in), Limits{})
		require.NoError(t, err)
		want[i], err = doc.WriteToString()
		require.NoError(t, err)
	}
	done := make(chan error, 64)
	for g := range 8 {
		go func() {
			var err error
			for i := range 200 {
				k := (g + i) % len(docs)
				in := docs[k]
				doc, perr := Parse([]byte(in), Limits{})
				if in == docs[3] {
					if !errors.Is(perr, ErrSyntax) {
						err = fmt.Errorf("%q: want ErrSyntax, got %v", in, perr)
						break
					}
					continue
				}
				if perr != nil {
					err = fmt.Errorf("%q: %v", in, perr)
					break
				}
				if s, _ := doc.WriteToString(); s != want[k] {
					err = fmt.Errorf("%q: got %q", in, s)
					break
				}
			}
			done <- err
		}()
	}
	for range 8 {
		require.NoError(t, <-done)
	}
}

// A released parser keeps no reference into the document or its input.
func TestParserReleaseClears(t *testing.T) {
	t.Parallel()
	for _, failed := range []bool{false, true} {
		in := `<a:r xmlns:a="u" b=" x&amp;"><s/>` + strings.Repeat("<e a:k='1'/>", 100) + `</a:r>`
		if failed {
			in = in[:len(in)-2]
		}
		p := newParser(in, Limits{}.WithDefaults())
		err := p.document(etree.NewDocument())
		require.Equal(t, failed, err != nil)
		p.reset(err != nil) // release without handing p to the pool
		assert.Empty(t, p.s)
		assert.Empty(t, p.b.kids)
		for _, k := range p.b.kids[:cap(p.b.kids)] {
			assert.Nil(t, k)
		}
		for _, k := range p.kidsArr {
			assert.Nil(t, k)
		}
		for _, e := range p.open[:cap(p.open)] {
			assert.Nil(t, e)
		}
		for _, b := range p.ns[:cap(p.ns)] {
			assert.Equal(t, binding{}, b)
		}
		for _, v := range p.values[:cap(p.values)] {
			assert.Empty(t, v)
		}
		assert.Empty(t, p.scope)
		assert.Nil(t, p.b.elems)
	}
}
