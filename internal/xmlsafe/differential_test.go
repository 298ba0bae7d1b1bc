package xmlsafe

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/require"
)

// The differential tests compare Parse with parseReference (the former
// encoding/xml + etree implementation). Rules:
//
//   - Both accept: the trees are identical (names, prefixes, attribute order
//     and owner, text and its flags, comments, PIs, parent and index links),
//     except for these documented normalisations, where Parse follows the
//     XML 1.0 specification and encoding/xml did not:
//     1. attribute-value normalization (§3.3.3): a literal TAB, LF or CR
//     (CRLF counts once) in an attribute value is a space;
//     2. end-of-line handling (§2.11) also in comments and processing
//     instructions (encoding/xml applied it to text and values only).
//   - Parse accepts, reference refuses: only for a leading UTF-8 byte order
//     mark (§4.3.3, F.1; encoding/xml kept U+FEFF as text outside the root)
//     and names that are legal in the Fifth Edition (§2.3) but not in
//     encoding/xml's older name tables.
//   - Reference accepts, Parse refuses: only with a SyntaxError whose rule
//     names a constraint encoding/xml did not enforce (see parser.go), or a
//     depth limit hit by an empty-element tag (Check did not count those).

// diffLimits are large enough that only syntax decides.
var diffLimits = Limits{MaxBytes: 1 << 22, MaxDepth: 64, MaxElements: 1 << 16, MaxAttributes: 64}

func checkDifferential(t *testing.T, data []byte) {
	t.Helper()
	got, gotErr := Parse(data, diffLimits)
	refData := data
	if strings.HasPrefix(string(data), "\uFEFF") {
		refData = data[3:]
	}
	want, wantErr := parseReference(refData, diffLimits)
	checkStream(t, data, got, gotErr)

	switch {
	case gotErr == nil && wantErr == nil:
		compareNodes(t, "/", &want.Element, &got.Element)
	case gotErr == nil:
		require.Truef(t, hasModernName(got.Root()),
			"Parse accepted what the reference refuses (%v):\n%q", wantErr, data)
	case wantErr == nil:
		var se *SyntaxError
		var le *LimitError
		switch {
		case errors.As(gotErr, &se):
			require.NotEmptyf(t, se.rule, "Parse refused what the reference accepts (%v):\n%q", gotErr, data)
		case errors.As(gotErr, &le):
			require.Equalf(t, "depth", le.Limit, "limit %v on a document the reference accepts:\n%q", gotErr, data)
		default:
			require.Failf(t, "unexpected refusal", "%v:\n%q", gotErr, data)
		}
	default:
		// Both refuse. The order of checks differs (the reference ran the
		// limit and DOCTYPE pre-scan first), so only sanity is checked.
		if errors.Is(gotErr, ErrDoctype) {
			require.Containsf(t, string(data), "<!", "ErrDoctype without markup declaration: %q", data)
		}
	}
}

// checkStream asserts that Stream, the streaming path (xoev/xsd validates
// through it), gives Parse's verdict with the same error, and on success
// reports the tree Parse built: names resolved as etree resolves them,
// attributes in order and text concatenated between element boundaries.
func checkStream(t *testing.T, data []byte, doc *etree.Document, parseErr error) {
	t.Helper()
	rec := recorder{noLines: true}
	err := Stream(data, diffLimits, &rec)
	if parseErr != nil {
		require.Errorf(t, err, "Stream accepted what Parse refuses (%v):\n%q", parseErr, data)
		require.Equalf(t, parseErr.Error(), err.Error(), "different errors for:\n%q", data)
		return
	}
	require.NoErrorf(t, err, "Stream refused what Parse accepts:\n%q", data)
	var want recorder
	want.noLines = true
	treeEvents(&want, doc.Root())
	require.Equalf(t, want.events, rec.events, "Stream's events differ from Parse's tree:\n%q", data)
}

// treeEvents replays e as the events Stream reports.
func treeEvents(r *recorder, e *etree.Element) {
	st := xml.StartElement{Name: xml.Name{Space: e.NamespaceURI(), Local: e.Tag}}
	if e.Space == "xml" {
		st.Name.Space = xmlNamespace
	}
	for _, a := range e.Attr {
		switch {
		case a.Space == "xmlns":
			st.Attr = append(st.Attr, xml.Attr{Name: xml.Name{Space: "xmlns", Local: a.Key}, Value: a.Value})
		case a.Space == "":
			st.Attr = append(st.Attr, xml.Attr{Name: xml.Name{Local: a.Key}, Value: a.Value})
		case a.Space == "xml": // etree does not resolve the predeclared prefix
			st.Attr = append(st.Attr, xml.Attr{Name: xml.Name{Space: xmlNamespace, Local: a.Key}, Value: a.Value})
		default:
			st.Attr = append(st.Attr, xml.Attr{Name: xml.Name{Space: a.NamespaceURI(), Local: a.Key}, Value: a.Value})
		}
	}
	_ = r.StartElement(st, 0)
	for _, k := range e.Child {
		switch k := k.(type) {
		case *etree.Element:
			treeEvents(r, k)
		case *etree.CharData:
			_ = r.CharData(k.Data)
		}
	}
	_ = r.EndElement()
}

// hasModernName reports whether some element or attribute name in the tree
// is refused by encoding/xml's own name check (pre-Fifth-Edition tables).
func hasModernName(e *etree.Element) bool {
	if e == nil {
		return false
	}
	legacy := func(n string) bool {
		_, err := xml.NewDecoder(strings.NewReader("<" + n + "/>")).Token()
		return err != nil
	}
	if legacy(e.FullTag()) {
		return true
	}
	for _, a := range e.Attr {
		if legacy(a.FullKey()) {
			return true
		}
	}
	for _, c := range e.ChildElements() {
		if hasModernName(c) {
			return true
		}
	}
	return false
}

// normEOL applies §2.11 to a string from the reference's comments and PIs.
func normEOL(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// sameAttrValue: equal, or equal after §3.3.3 where only the reference kept
// a literal TAB or LF (CR was already folded to LF by encoding/xml).
func sameAttrValue(want, got string) bool {
	if want == got {
		return true
	}
	if len(want) != len(got) {
		return false
	}
	for i := 0; i < len(want); i++ {
		if want[i] != got[i] && (got[i] != ' ' || want[i] != '\t' && want[i] != '\n') {
			return false
		}
	}
	return true
}

func compareNodes(t *testing.T, path string, want, got *etree.Element) {
	t.Helper()
	require.Equal(t, want.Space, got.Space, path)
	require.Equal(t, want.Tag, got.Tag, path)
	require.Lenf(t, got.Attr, len(want.Attr), "%s attributes", path)
	for i := range want.Attr {
		w, g := want.Attr[i], got.Attr[i]
		p := fmt.Sprintf("%s@%d", path, i)
		require.Equal(t, w.Space, g.Space, p)
		require.Equal(t, w.Key, g.Key, p)
		require.Truef(t, sameAttrValue(w.Value, g.Value), "%s: %q vs %q", p, w.Value, g.Value)
		require.Same(t, got, g.Element(), p)
	}
	require.Equal(t, cap(got.Attr), len(got.Attr), "%s: Attr slack", path)
	require.Lenf(t, got.Child, len(want.Child), "%s children", path)
	require.Equal(t, cap(got.Child), len(got.Child), "%s: Child slack", path)
	for i := range want.Child {
		p := fmt.Sprintf("%s[%d]", path, i)
		require.IsType(t, want.Child[i], got.Child[i], p)
		require.Equal(t, i, got.Child[i].Index(), p)
		require.Same(t, got, got.Child[i].Parent(), p)
		switch w := want.Child[i].(type) {
		case *etree.Element:
			compareNodes(t, p+"/"+w.Tag, w, got.Child[i].(*etree.Element))
		case *etree.CharData:
			g := got.Child[i].(*etree.CharData)
			require.Equal(t, w.Data, g.Data, p)
			require.Equal(t, w.IsWhitespace(), g.IsWhitespace(), p)
			require.Equal(t, w.IsCData(), g.IsCData(), p)
		case *etree.Comment:
			require.Equal(t, normEOL(w.Data), got.Child[i].(*etree.Comment).Data, p)
		case *etree.ProcInst:
			g := got.Child[i].(*etree.ProcInst)
			require.Equal(t, w.Target, g.Target, p)
			require.Equal(t, normEOL(w.Inst), g.Inst, p)
		default:
			require.Failf(t, "unexpected token", "%s: %T", p, w)
		}
	}
}

// differentialSeeds are the tricky cases every run checks; the fuzz corpus
// starts from them and from the repository's XML test data.
var differentialSeeds = []string{
	`<r/>`,
	`<?xml version="1.0" encoding="UTF-8"?>` + "\n<r a=\"1\">\n  <b/>text</r>\n",
	`<?xml version='1.0' standalone='yes' ?><r/>`,
	"\uFEFF<?xml version=\"1.0\"?><r/>",
	`<r xmlns="urn:x" xmlns:a="urn:a" a:b="1" b="2"><a:c a:d="&lt;&amp;&gt;&quot;&apos;"/></r>`,
	`<r>a<![CDATA[<b>]]>c<![CDATA[]]>d</r>`,
	`<r><!-- c --><?pi x y?><?pi?><?pi ?></r>`,
	"<!-- before --><?p?>\n<r/>\n<!-- after -->\n<?q r?>\n",
	"<r a=\"x\ty\nz\r\nw\rv\">a\r\nb\rc\n</r>",
	"<r a=\"&#9;&#10;&#13;&#x20;\">&#13;&#x41;&#65;&#x10FFFF;</r>",
	"<r><!-- a\r\nb --><?p a\rb?></r>",
	"<r>]]&gt; ] ]] ]>]</r>",
	`<r a = "1"  b	=	'2'   ></r   >`,
	"<r>\u00e4\u20ac\U0001F600</r>",
	`<r><a><b><c/></b></a><a/></r>`,
	`<r>x<a/>y<!--z--><?p?>w</r>`,
	`<r a="'" b='"'/>`,
	`<r a=">"/>`,
	`<r>&#0;</r>`,
	`<r>&#xD800;</r>`,
	`<r>]]></r>`,
	`<r><!-- a -- b --></r>`,
	`<r a="1"b="2"/>`,
	`<a:b:c/>`,
	`<:a/>`,
	`<a:/>`,
	`<r xmlns:a="u"><a:1/></r>`,
	`<r/><r/>`,
	` <?xml version="1.0"?><r/>`,
	`<r><?xml version="1.0"?></r>`,
	`<r><?XmL x?></r>`,
	`<?xml version="1.1"?><r/>`,
	`<?xml encoding="UTF-8"?><r/>`,
	`<?xml version="1.0" encoding="latin1"?><r/>`,
	`<?xml version="1.0" standalone="maybe"?><r/>`,
	`<?xml version="1.0"encoding="UTF-8"?><r/>`,
	`<r>&unknown;</r>`,
	`<r>&amp</r>`,
	`<r a="<"/>`,
	`<r a=1/>`,
	`<r a/>`,
	`<r></s>`,
	`<r><s></r></s>`,
	`<r>`,
	`<!DOCTYPE r><r/>`,
	`<r/><!DOCTYPE r>`,
	`<r><!ENTITY x "y"></r>`,
	"<r>\x01</r>",
	"<r>\xff</r>",
	"<r><!-- \xff --></r>",
	"<r a=\"\x7f\u00a0\"/>",
	`<r><![CDATA[]]]]></r>`,
	`<?p:q x?><r/>`,
	`<?pi|x?><r/>`,
	"<r>\u00b7</r><\u00b7/>",
	"<\u0300r/>",
	"<r\u0300/>",
	"<r\u2070/>",
	"<\u037f/>",
	`&#32;<r/>`,
	`<![CDATA[ ]]><r/>`,
	`<r xml:lang="de" xml:space="preserve"/>`,
}

func TestParseDifferentialSeeds(t *testing.T) {
	t.Parallel()
	for i, s := range differentialSeeds {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			checkDifferential(t, []byte(s))
		})
	}
}

// repoXML returns the module's XML test data (signed vectors, XÖV messages)
// of at most maxSize bytes.
func repoXML(t testing.TB, maxSize int) [][]byte {
	t.Helper()
	var out [][]byte
	for _, dir := range []string{"../../xoev/testdata", "../../xoev/xsd/testdata", "../../signature/xmldsig/testdata"} {
		_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".xml") {
				return nil
			}
			b, err := os.ReadFile(path)
			// C14N vectors with a DOCTYPE are inputs for the canonicalizer's
			// own tests; messages never carry one (Parse refuses it).
			if err == nil && len(b) <= maxSize && !bytes.Contains(b, []byte("<!DOCTYPE")) {
				out = append(out, b)
			}
			return nil
		})
	}
	return out
}

func TestParseDifferentialRepoData(t *testing.T) {
	t.Parallel()
	files := repoXML(t, 1<<20)
	require.NotEmpty(t, files)
	for i, b := range files {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			_, err := Parse(b, diffLimits)
			require.NoError(t, err)
			checkDifferential(t, b)
		})
	}
}

func FuzzParseDifferential(f *testing.F) {
	for _, s := range differentialSeeds {
		f.Add([]byte(s))
	}
	// Small files only: mutations of large ones cost much and find little.
	for _, b := range repoXML(f, 8<<10) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDifferential(t, data)
	})
}
