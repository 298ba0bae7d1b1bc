package xmlsafe

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/testenv"
)

// wellFormednessCases are edge cases of XML 1.0 (Fifth Edition) and
// Namespaces in XML 1.0 (Third Edition) where Parse must agree with libxml2.
// Deliberate policy differences are left out: a declared encoding other than
// UTF-8/US-ASCII and version 1.1 (refused here, accepted by libxml2), and
// namespace names that are not URI references (libxml2 checks the URI
// syntax, Parse does not).
var wellFormednessCases = []struct {
	name string
	doc  string
	ok   bool
}{
	{"minimal", `<r/>`, true},
	{"declaration", `<?xml version="1.0" encoding="UTF-8" standalone="no"?><r/>`, true},
	{"declaration single quotes and space", `<?xml version='1.0' encoding='us-ascii' ?><r/>`, true},
	{"bom", "\uFEFF<r/>", true},
	{"bom and declaration", "\uFEFF<?xml version=\"1.0\"?><r/>", true},
	{"prefixed attributes", `<r xmlns:a="urn:a" a:b="1" b="2"><a:c/></r>`, true},
	{"predefined entities", `<r a="&lt;&gt;&amp;&quot;&apos;">&lt;&gt;&amp;&quot;&apos;</r>`, true},
	{"character references", `<r a="&#9;&#x20;">&#65;&#x10FFFF;&#xD7FF;&#xE000;</r>`, true},
	{"cdata", `<r><![CDATA[<not> &markup; ]] ]>]]></r>`, true},
	{"comment with single dashes", `<r><!-- a - b --><!----></r>`, true},
	{"pi without content", `<r><?pi?><?pi ?><?xml-stylesheet href="a"?></r>`, true},
	{"misc after root", "<r/>\n<!-- c -->\n<?p?>\n", true},
	{"gt in attribute and text", `<r a=">">></r>`, true},
	{"white space in tags", "<r  a = '1'\n\tb=\"2\" ></r\n>", true},
	{"non-ascii names", "<\u00e4\u00df r\u0300=\"1\" \u037f=\"2\"/>", true},
	{"del character", "<r>\x7f</r>", true},
	{"astral character", "<r>\U0001F600</r>", true},
	{"empty attribute", `<r a=""/>`, true},
	{"crlf", "<r a=\"x\r\ny\">a\r\nb\rc</r>", true},

	{"empty document", ``, false},
	{"only white space", " \n", false},
	{"only comment", `<!-- c -->`, false},
	{"text before root", `x<r/>`, false},
	{"text after root", `<r/>x`, false},
	{"reference outside root", `&#32;<r/>`, false},
	{"two roots", `<r/><r/>`, false},
	{"cdata outside root", `<![CDATA[ ]]><r/>`, false},
	{"unclosed root", `<r>`, false},
	{"mismatched end tag", `<r></s>`, false},
	{"overlapping elements", `<r><a><b></a></b></r>`, false},
	{"space after lt", `< r/>`, false},
	{"space after lt slash", `<r></ r>`, false},
	{"space before gt in empty tag", `<r/ >`, false},
	{"duplicate attribute", `<r a="1" a="2"/>`, false},
	{"duplicate prefixed attribute", `<r xmlns:p="u" p:a="1" p:a="2"/>`, false},
	{"missing space between attributes", `<r a="1"b="2"/>`, false},
	{"unquoted attribute", `<r a=1/>`, false},
	{"attribute without value", `<r a/>`, false},
	{"lt in attribute", `<r a="<"/>`, false},
	{"cdata end in text", `<r>]]></r>`, false},
	{"double hyphen in comment", `<r><!-- a -- b --></r>`, false},
	{"comment ending in hyphen", `<r><!-- a ---></r>`, false},
	{"unterminated comment", `<r><!-- a </r>`, false},
	{"unterminated cdata", `<r><![CDATA[ a </r>`, false},
	{"undefined entity", `<r>&nbsp;</r>`, false},
	{"entity without semicolon", `<r>&amp</r>`, false},
	{"bare ampersand", `<r>a & b</r>`, false},
	{"char ref without semicolon", `<r>&#32</r>`, false},
	{"char ref upper X", `<r>&#X41;</r>`, false},
	{"empty char ref", `<r>&#x;</r>`, false},
	{"char ref zero", `<r>&#0;</r>`, false},
	{"char ref surrogate", `<r a="&#xD800;"/>`, false},
	{"char ref fffe", `<r>&#xFFFE;</r>`, false},
	{"char ref beyond unicode", `<r>&#x110000;</r>`, false},
	{"control character", "<r>\x01</r>", false},
	{"control character in comment", "<r><!-- \x01 --></r>", false},
	{"noncharacter fffe", "<r>\uFFFE</r>", false},
	{"invalid utf-8", "<r>\xff</r>", false},
	{"overlong utf-8 in attribute", "<r a=\"\xc0\x80\"/>", false},
	{"name starting with middle dot", "<\u00b7r/>", false},
	{"name starting with digit", `<1r/>`, false},
	{"declaration not at start", ` <?xml version="1.0"?><r/>`, false},
	{"declaration inside root", `<r><?xml version="1.0"?></r>`, false},
	{"pi target XmL", `<r><?XmL x?></r>`, false},
	{"pi without space", `<r><?pi|x?></r>`, false},
	{"declaration without version", `<?xml encoding="UTF-8"?><r/>`, false},
	{"declaration bad standalone", `<?xml version="1.0" standalone="maybe"?><r/>`, false},
	{"declaration missing space", `<?xml version="1.0"encoding="UTF-8"?><r/>`, false},
	{"declaration wrong order", `<?xml encoding="UTF-8" version="1.0"?><r/>`, false},
	{"qname two colons", `<r xmlns:a="u"><a:b:c/></r>`, false},
	{"qname empty prefix", `<:r/>`, false},
	{"qname empty local part", `<r xmlns:p="u"><p:/></r>`, false},
	{"pi target with colon", `<?p:q x?><r/>`, false},
	{"declaration after comment", `<!-- c --><?xml version="1.0"?><r/>`, false},
	{"declaration after bom and space", "\uFEFF <?xml version=\"1.0\"?><r/>", false},
	{"pi target upper XML", `<?XML version="1.0"?><r/>`, false},
	{"pi target upper XML inside root", `<r><?XML x?></r>`, false},
	{"duplicate attribute different values", `<r><a id="1" id="2"/></r>`, false},
	{"duplicate default namespace", `<r xmlns="u" xmlns="v"/>`, false},
	{"text after root with newline", "<r/>\n\nx", false},

	{"prefix declared on the element itself", `<a:r xmlns:a="urn:a" a:x="1"/>`, true},
	{"prefix declared on an ancestor", `<r xmlns:a="u"><s><a:t a:x="1"/></s></r>`, true},
	{"prefix redeclared", `<r xmlns:a="u"><s xmlns:a="v"><a:t/></s><a:t/></r>`, true},
	{"xml prefix predeclared", `<xml:r xml:lang="de" xml:space="preserve"/>`, true},
	{"xml prefix declared correctly", `<r xmlns:xml="http://www.w3.org/XML/1998/namespace"/>`, true},
	{"default namespace undeclared", `<r xmlns="u"><s xmlns=""/></r>`, true},
	{"same local name in two namespaces", `<r xmlns:a="u" xmlns:b="v" a:c="1" b:c="2" c="3"/>`, true},
	{"undeclared element prefix", `<a:r/>`, false},
	{"undeclared attribute prefix", `<r a:b="1"/>`, false},
	{"prefix out of scope", `<r><a:b xmlns:a="u"/><a:c/></r>`, false},
	{"prefix undeclaring", `<r xmlns:a=""/>`, false},
	{"xml prefix rebound", `<r xmlns:xml="u"/>`, false},
	{"xmlns prefix declared", `<r xmlns:xmlns="u"/>`, false},
	{"xml namespace as default", `<r xmlns="http://www.w3.org/XML/1998/namespace"/>`, false},
	{"xml namespace to other prefix", `<r xmlns:a="http://www.w3.org/XML/1998/namespace"/>`, false},
	{"xmlns namespace bound", `<r xmlns:a="http://www.w3.org/2000/xmlns/"/>`, false},
	{"element with xmlns prefix", `<xmlns:r/>`, false},
	{"attributes unique by expanded name", `<r xmlns:a="u" xmlns:b="u" a:c="1" b:c="2"/>`, false},
	{"attributes unique after shadowing", `<r xmlns:a="u" xmlns:b="v"><s xmlns:b="u" a:x="1" b:x="2"/></r>`, false},
	{"shadowing ends with the element", `<r xmlns:a="u" xmlns:b="v"><s xmlns:b="u"/><t a:x="1" b:x="2"/></r>`, true},
}

func TestWellFormednessCases(t *testing.T) {
	t.Parallel()
	for _, tc := range wellFormednessCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc, err := Parse([]byte(tc.doc), Limits{})
			// The streaming path is the same parser: same verdict, same error.
			streamErr := Stream([]byte(tc.doc), Limits{}, &recorder{})
			if err == nil {
				require.NoError(t, streamErr)
			} else {
				require.EqualError(t, streamErr, err.Error())
			}
			if tc.ok {
				require.NoError(t, err)
				require.NotNil(t, doc.Root())
				return
			}
			require.ErrorIs(t, err, ErrSyntax)
			var se *SyntaxError
			require.ErrorAs(t, err, &se)
			assert.GreaterOrEqual(t, se.Line, 1)
			assert.LessOrEqual(t, se.Offset, int64(len(tc.doc)))
		})
	}
}

// TestXMLLintOracle asserts that libxml2 (xmllint --noout --nonet) gives
// the same verdict on every case. A namespace error is a refusal: xmllint
// reports it but exits 0.
func TestXMLLintOracle(t *testing.T) {
	t.Parallel()
	xmllint := testenv.XMLLint(t)
	dir := t.TempDir()
	for i, tc := range wellFormednessCases {
		path := filepath.Join(dir, fmt.Sprintf("%03d.xml", i))
		require.NoError(t, os.WriteFile(path, []byte(tc.doc), 0o600))
		var stderr bytes.Buffer
		cmd := exec.Command(xmllint, "--noout", "--nonet", path)
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			require.NoError(t, err)
		}
		lintOK := err == nil && !strings.Contains(stderr.String(), "namespace error")
		_, ourErr := Parse([]byte(tc.doc), Limits{})
		streamErr := Stream([]byte(tc.doc), Limits{}, &recorder{})
		assert.Equalf(t, lintOK, streamErr == nil, "%s: xmllint ok=%v, Stream: %v", tc.name, lintOK, streamErr)
		assert.Equalf(t, lintOK, ourErr == nil, "%s: xmllint ok=%v (%s), Parse: %v", tc.name, lintOK, strings.TrimSpace(stderr.String()), ourErr)
		assert.Equalf(t, tc.ok, lintOK, "%s: table expectation disagrees with xmllint", tc.name)
	}
}

// TestEncodingPolicy covers the deliberate refusals libxml2 does not share:
// only UTF-8 (and US-ASCII) and XML 1.0 are read, each refusal says so.
func TestEncodingPolicy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, doc, msg string }{
		{"utf-16le bom", "\xff\xfe<\x00r\x00/\x00>\x00", "UTF-16 input is not supported: only UTF-8"},
		{"utf-16be bom", "\xfe\xff\x00<\x00r\x00/\x00>", "UTF-16 input is not supported: only UTF-8"},
		{"utf-16le without bom", "<\x00r\x00/\x00>\x00", "UTF-16 input is not supported: only UTF-8"},
		{"utf-32be", "\x00\x00\x00<\x00\x00\x00r", "UTF-32 input is not supported: only UTF-8"},
		{"iso-8859-1 declared", `<?xml version="1.0" encoding="ISO-8859-1"?><r/>`, `encoding "ISO-8859-1" not supported: only UTF-8`},
		{"windows-1252 declared", `<?xml version="1.0" encoding="windows-1252"?><r/>`, `encoding "windows-1252" not supported: only UTF-8`},
		{"utf-16 declared", `<?xml version="1.0" encoding="UTF-16"?><r/>`, `encoding "UTF-16" not supported: only UTF-8`},
		{"xml 1.1", `<?xml version="1.1"?><r/>`, `unsupported XML version "1.1": only 1.0`},
		{"latin-1 bytes undeclared", "<r>\xe4</r>", "invalid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.doc), Limits{})
			require.ErrorIs(t, err, ErrSyntax)
			assert.Contains(t, err.Error(), "line 1: "+tc.msg)
			require.EqualError(t, Stream([]byte(tc.doc), Limits{}, &recorder{}), err.Error())
		})
	}
}
