package xmldsig

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/beevik/etree"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/xmlsafe"
)

func canonDoc(t *testing.T, in string, mode c14nMode) string {
	t.Helper()
	doc, err := xmlsafe.Parse([]byte(in), xmlsafe.Limits{})
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = newCanonicalizer(&buf, mode, nil, false).document(&doc.Element, doc.Root())
	require.NoError(t, err)
	return buf.String()
}

// Examples from Canonical XML 1.0 §3.1 and §3.3 (DTD parts removed: this
// package refuses DOCTYPE).
func TestC14NSpecExamples(t *testing.T) {
	pis := "<?xml version=\"1.0\"?>\n\n<?xml-stylesheet   href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n\n<doc>Hello, world!<!-- Comment 1 --></doc>\n\n<?pi-without-data     ?>\n\n<!-- Comment 2 -->\n\n<!-- Comment 3 -->"
	assert.Equal(t, "<?xml-stylesheet href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n<doc>Hello, world!</doc>\n<?pi-without-data?>",
		canonDoc(t, pis, c14nMode{}))
	assert.Equal(t, "<?xml-stylesheet href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n<doc>Hello, world!<!-- Comment 1 --></doc>\n<?pi-without-data?>\n<!-- Comment 2 -->\n<!-- Comment 3 -->",
		canonDoc(t, pis, c14nMode{comments: true}))

	tags := `<doc>
   <e1   />
   <e2   ></e2>
   <e3   name = "elem3"   id="elem3"   />
   <e4   name="elem4"   id="elem4"   ></e4>
   <e5 a:attr="out" b:attr="sorted" attr2="all" attr="I'm"
      xmlns:b="http://www.ietf.org"
      xmlns:a="http://www.w3.org"
      xmlns="http://example.org"/>
   <e6 xmlns="" xmlns:a="http://www.w3.org">
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="" xmlns:a="http://www.w3.org">
            <e9 xmlns="" xmlns:a="http://www.ietf.org"/>
         </e8>
      </e7>
   </e6>
</doc>`
	want := `<doc>
   <e1></e1>
   <e2></e2>
   <e3 id="elem3" name="elem3"></e3>
   <e4 id="elem4" name="elem4"></e4>
   <e5 xmlns="http://example.org" xmlns:a="http://www.w3.org" xmlns:b="http://www.ietf.org" attr="I'm" attr2="all" b:attr="sorted" a:attr="out"></e5>
   <e6 xmlns:a="http://www.w3.org">
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="">
            <e9 xmlns:a="http://www.ietf.org"></e9>
         </e8>
      </e7>
   </e6>
</doc>`
	assert.Equal(t, want, canonDoc(t, tags, c14nMode{}))
}

func TestC14NEscaping(t *testing.T) {
	in := "<r a=\"&lt;&amp;&quot;&#9;&#10;&#13;&gt;'\">&lt;&amp;&gt;&#13;\"'<![CDATA[<x>&]]></r>"
	assert.Equal(t, "<r a=\"&lt;&amp;&quot;&#x9;&#xA;&#xD;>'\">&lt;&amp;&gt;&#xD;\"'&lt;x&gt;&amp;</r>", canonDoc(t, in, c14nMode{}))
}

func TestExcC14NNamespaces(t *testing.T) {
	in := `<a:r xmlns:a="urn:a" xmlns:b="urn:b" xmlns:c="urn:c" xmlns="urn:d"><b:x c:y="1"><z/></b:x></a:r>`
	doc, err := xmlsafe.Parse([]byte(in), xmlsafe.Limits{})
	require.NoError(t, err)
	x := doc.Root().ChildElements()[0]
	var buf bytes.Buffer
	_, err = newCanonicalizer(&buf, c14nMode{exclusive: true}, nil, false).subtree(x)
	require.NoError(t, err)
	assert.Equal(t, `<b:x xmlns:b="urn:b" xmlns:c="urn:c" c:y="1"><z xmlns="urn:d"></z></b:x>`, buf.String())

	buf.Reset()
	_, err = newCanonicalizer(&buf, c14nMode{exclusive: true, inclusive: []string{"a", ""}}, nil, false).subtree(x)
	require.NoError(t, err)
	assert.Equal(t, `<b:x xmlns="urn:d" xmlns:a="urn:a" xmlns:b="urn:b" xmlns:c="urn:c" c:y="1"><z></z></b:x>`, buf.String())

	buf.Reset()
	_, err = newCanonicalizer(&buf, c14nMode{}, nil, false).subtree(x)
	require.NoError(t, err)
	assert.Equal(t, `<b:x xmlns="urn:d" xmlns:a="urn:a" xmlns:b="urn:b" xmlns:c="urn:c" c:y="1"><z></z></b:x>`, buf.String())
}

func TestC14NInheritedXMLAttributes(t *testing.T) {
	in := `<r xml:lang="de" xml:space="preserve" xml:id="i" xml:base="http://example.org/"><e><v/></e></r>`
	doc, err := xmlsafe.Parse([]byte(in), xmlsafe.Limits{})
	require.NoError(t, err)
	e := doc.Root().ChildElements()[0]
	var buf bytes.Buffer
	_, err = newCanonicalizer(&buf, c14nMode{}, nil, false).subtree(e)
	require.NoError(t, err)
	assert.Equal(t, `<e xml:base="http://example.org/" xml:id="i" xml:lang="de" xml:space="preserve"><v></v></e>`, buf.String())

	// C14N 1.1 §2.4: xml:id is not inherited, xml:base is fixed up (here
	// a single absolute value, so unchanged).
	buf.Reset()
	_, err = newCanonicalizer(&buf, c14nMode{v11: true}, nil, false).subtree(e)
	require.NoError(t, err)
	assert.Equal(t, `<e xml:base="http://example.org/" xml:lang="de" xml:space="preserve"><v></v></e>`, buf.String())

	buf.Reset()
	_, err = newCanonicalizer(&buf, c14nMode{exclusive: true}, nil, false).subtree(e)
	require.NoError(t, err)
	assert.Equal(t, `<e><v></v></e>`, buf.String())
}

// The verifier sizes the copy of the verified node-set from its scan of
// the document (minus the Signature); the count must be the one sizeSlab
// makes by its own walk, or the copy needs extra chunks.
func TestScanCountsTheCopy(t *testing.T) {
	docs := []string{
		`<r xmlns:ds="` + nsDSig + `" a="1"><x>t<!--c-->u</x><ds:Signature><ds:SignedInfo><ds:Reference URI=""/></ds:SignedInfo>text</ds:Signature> <y b="2"/></r>`,
		`<?xml version="1.0"?><!--p--><r xmlns:ds="` + nsDSig + `"><ds:Signature><ds:SignedInfo><ds:Reference URI=""/></ds:SignedInfo></ds:Signature></r>`,
	}
	for _, in := range docs {
		doc, err := xmlsafe.Parse([]byte(in), xmlsafe.Limits{})
		require.NoError(t, err)
		root := doc.Root()
		sc := scan{lim: Limits{}.withDefaults(), target: root, isRoot: true}
		for _, c := range doc.ChildElements() {
			sc.walk(c, 1, c == root)
		}
		require.NoError(t, sc.err)
		require.Len(t, sc.sigs, 1)
		var sig, want slabSize
		sig.subtree(sc.sigs[0], nil, 1)
		want.subtree(root, sc.sigs[0], 1)
		assert.Equal(t, want, sc.size.minus(sig), in)
	}
}

// Pooled canonicalizers carry nothing from one call to the next: the same
// inputs give the same octets whatever ran before on the same
// canonicalizer, including calls that failed half way, concurrently.
func TestCanonicalizerPoolIsolation(t *testing.T) {
	inputs := []struct {
		doc  string
		mode c14nMode
	}{
		{`<a:r xmlns:a="urn:a" xmlns:b="urn:b" xml:lang="de"><b:x b:k="1" z="&lt;">t&amp;</b:x><y/></a:r>`, c14nMode{exclusive: true}},
		{`<r xmlns="urn:d" xmlns:p="urn:p"><p:x a="1"/><!--c--><x>u</x></r>`, c14nMode{}},
		{`<r xmlns:p="urn:p"><p:x/></r>`, c14nMode{exclusive: true, comments: true, inclusive: []string{"p", ""}}},
		{`<r xml:base="http://a/b/"><x xml:base="c/"/></r>`, c14nMode{v11: true}},
	}
	want := make([]string, len(inputs))
	for i, in := range inputs {
		want[i] = canonDoc(t, in.doc, in.mode)
	}
	// A tree with an undeclared prefix (not from the parser) fails mid-way.
	bad := etree.NewDocument()
	bad.CreateElement("r").CreateElement("x").CreateElement("q:y")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				k := (g + i) % len(inputs)
				var buf bytes.Buffer
				_, err := newCanonicalizer(&buf, c14nMode{}, nil, false).document(&bad.Element, bad.Root())
				assert.Error(t, err)
				buf.Reset()
				doc, err := xmlsafe.Parse([]byte(inputs[k].doc), xmlsafe.Limits{})
				if !assert.NoError(t, err) {
					return
				}
				_, err = newCanonicalizer(&buf, inputs[k].mode, nil, false).document(&doc.Element, doc.Root())
				assert.NoError(t, err)
				assert.Equal(t, want[k], buf.String())
			}
		})
	}
	wg.Wait()
}

// Names longer than the write buffer take the piecewise path of writeTag
// and writeAttrName; a buffer nearly full takes the flush.
func TestC14NLongNames(t *testing.T) {
	long := strings.Repeat("n", c14nBufSize+10)
	fill := strings.Repeat("x", c14nBufSize-3)
	for _, in := range []struct{ doc, want string }{
		{`<p:` + long + ` xmlns:p="urn:p" p:` + long + `="v"/>`, `<p:` + long + ` xmlns:p="urn:p" p:` + long + `="v"></p:` + long + `>`},
		{`<` + long + ` ` + long + `="v"/>`, `<` + long + ` ` + long + `="v"></` + long + `>`},
		{`<r>` + fill + `<a b="c">` + fill + `</a></r>`, `<r>` + fill + `<a b="c">` + fill + `</a></r>`},
	} {
		for _, mode := range []c14nMode{{}, {exclusive: true}} {
			assert.Equal(t, in.want, canonDoc(t, in.doc, mode))
		}
	}
}

// Exclusive C14N renders an element's prefix only where its binding
// changes: a child with its parent's prefix and no declaration of its own
// is not looked at again, one that redeclares it or follows a sibling that
// did is. Expected output: xmllint --exc-c14n (libxml2 2.9.14).
func TestExcC14NPrefixReuse(t *testing.T) {
	in := `<p:P xmlns:p="urn:1"><p:A xmlns:p="urn:2"><p:C/></p:A><p:B><p:D xmlns:q="urn:q"/></p:B><x:E xmlns:x="urn:1"><p:F/></x:E><p:G xmlns:p="urn:1"/></p:P>`
	want := `<p:P xmlns:p="urn:1"><p:A xmlns:p="urn:2"><p:C></p:C></p:A><p:B><p:D></p:D></p:B><x:E xmlns:x="urn:1"><p:F></p:F></x:E><p:G></p:G></p:P>`
	assert.Equal(t, want, canonDoc(t, in, c14nMode{exclusive: true}))
}
