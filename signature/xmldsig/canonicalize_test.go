package xmldsig_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/signature/xmldsig"
)

func readC14NInput(t *testing.T, name string) *etree.Document {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "c14n", "in", name+".xml"))
	require.NoError(t, err)
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(data))
	return doc
}

// TestCanonicalizeVectors compares the public canonicalizer byte for byte
// with the W3C and Merlin expected outputs (testdata/c14n/SOURCES.md).
// apex "" canonicalizes the whole document; otherwise the subtree of the
// first element with that name, the node-set
// (//. | //@* | //namespace::*)[ancestor-or-self::apex] of the vector.
func TestCanonicalizeVectors(t *testing.T) {
	cases := []struct {
		in, apex, method string
		prefixList       []string
		want             string
	}{
		{"example-1", "", xmldsig.C14N10, nil, "without-comments/example-1.out"},
		{"example-1", "", xmldsig.C14N10WithComments, nil, "with-comments/example-1.out"},
		{"example-1", "", xmldsig.C14N11, nil, "1-1-without-comments/example-1.out"},
		{"example-2", "", xmldsig.C14N10, nil, "without-comments/example-2.out"},
		{"example-2", "", xmldsig.C14N10WithComments, nil, "with-comments/example-2.out"},
		{"example-2", "", xmldsig.C14N11, nil, "1-1-without-comments/example-2.out"},
		{"merlin-c14n-two", "bar:Something", xmldsig.C14N10, nil, "without-comments/merlin-c14n-two-00.out"},
		{"merlin-c14n-two", "bar:Something", xmldsig.ExcC14N, nil, "exc-without-comments/merlin-c14n-two-09.out"},
		{"merlin-c14n-two", "bar:Something", xmldsig.ExcC14N, []string{"#default"}, "exc-without-comments/merlin-c14n-two-18.out"},
		{"test-2", "n1:elem2", xmldsig.C14N10, nil, "without-comments/test-2.out"},
		{"exc-test-2", "SignedInfo", xmldsig.ExcC14N, nil, "exc-without-comments/test-2.out"},
		{"xmlid-prop", "ietf:e1", xmldsig.C14N11, nil, "1-1-without-comments/xmlid-prop-1.out"},
		{"xmllang-prop", "ietf:e1", xmldsig.C14N11, nil, "1-1-without-comments/xmllang-prop-1.out"},
		{"xmllang-prop", "ietf:e2", xmldsig.C14N11, nil, "1-1-without-comments/xmllang-prop-2.out"},
		{"xmllang-prop", "ietf:e11", xmldsig.C14N11, nil, "1-1-without-comments/xmllang-prop-3.out"},
		{"xmlspace-prop", "ietf:e1", xmldsig.C14N11, nil, "1-1-without-comments/xmlspace-prop-1.out"},
		{"xmlspace-prop", "ietf:e2", xmldsig.C14N11, nil, "1-1-without-comments/xmlspace-prop-2.out"},
		{"xmlspace-prop", "ietf:e11", xmldsig.C14N11, nil, "1-1-without-comments/xmlspace-prop-3.out"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", "c14n", "out", c.want))
			require.NoError(t, err)
			doc := readC14NInput(t, c.in)
			var got bytes.Buffer
			if c.apex == "" {
				require.NoError(t, xmldsig.CanonicalizeDocument(&got, doc, c.method, c.prefixList...))
			} else {
				el := doc.FindElement("//" + c.apex)
				require.NotNil(t, el, c.apex)
				require.NoError(t, xmldsig.Canonicalize(&got, el, c.method, c.prefixList...))
			}
			assert.Equal(t, string(want), got.String())
		})
	}
}

// TestCanonicalizeOracle compares all three WithComments variants with
// libxml2 (xmllint --c14n, --c14n11, --exc-c14n canonicalize whole
// documents with comments) on the vectors' inputs and on a document with
// comments inside and outside the root.
func TestCanonicalizeOracle(t *testing.T) {
	xmllint := testenv.XMLLint(t)
	dir := t.TempDir()
	own := filepath.Join(dir, "comments.xml")
	require.NoError(t, os.WriteFile(own, []byte("<?xml version=\"1.0\"?>\n<!-- before -->\n<?pi data?>\n<a:r xmlns:a=\"urn:a\" xmlns:b=\"urn:b\" xmlns=\"urn:d\" xml:lang=\"de\"><!-- in --><x b:k=\"1\">t<!--c-->u &amp; &#xD;</x><y xmlns=\"\"/></a:r>\n<!-- after -->\n"), 0o600))
	inputs := []string{own}
	for _, n := range []string{"example-2", "merlin-c14n-two", "test-2", "exc-test-2", "xmlid-prop", "xmllang-prop", "xmlspace-prop"} {
		inputs = append(inputs, filepath.Join("testdata", "c14n", "in", n+".xml"))
	}
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		require.NoError(t, err)
		for flag, method := range map[string]string{"--c14n": xmldsig.C14N10WithComments, "--c14n11": xmldsig.C14N11WithComments, "--exc-c14n": xmldsig.ExcC14NWithComments} {
			t.Run(filepath.Base(in)+flag, func(t *testing.T) {
				want, err := exec.Command(xmllint, "--nonet", flag, in).Output()
				require.NoError(t, err)
				doc := etree.NewDocument()
				require.NoError(t, doc.ReadFromBytes(data))
				var got bytes.Buffer
				require.NoError(t, xmldsig.CanonicalizeDocument(&got, doc, method))
				assert.Equal(t, string(want), got.String())
			})
		}
	}
}

func TestCanonicalizeRefused(t *testing.T) {
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromString(`<r xmlns:p="urn:p"><p:a/><q:b/></r>`))
	var buf bytes.Buffer
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"unknown method", xmldsig.Canonicalize(&buf, doc.Root(), "urn:x"), xmldsig.ErrUnsupported},
		{"empty method", xmldsig.Canonicalize(&buf, doc.Root(), ""), xmldsig.ErrUnsupported},
		{"prefix list with inclusive C14N", xmldsig.Canonicalize(&buf, doc.Root(), xmldsig.C14N10, "p"), xmldsig.ErrUnsupported},
		{"prefix list with C14N 1.1", xmldsig.CanonicalizeDocument(&buf, doc, xmldsig.C14N11WithComments, "#default"), xmldsig.ErrUnsupported},
		{"invalid prefix", xmldsig.Canonicalize(&buf, doc.Root(), xmldsig.ExcC14N, "a b"), xmldsig.ErrUnsupported},
		{"nil element", xmldsig.Canonicalize(&buf, nil, xmldsig.ExcC14N), xmldsig.ErrMalformed},
		{"document node as element", xmldsig.Canonicalize(&buf, &doc.Element, xmldsig.ExcC14N), xmldsig.ErrMalformed},
		{"nil document", xmldsig.CanonicalizeDocument(&buf, nil, xmldsig.ExcC14N), xmldsig.ErrMalformed},
		{"empty document", xmldsig.CanonicalizeDocument(&buf, etree.NewDocument(), xmldsig.ExcC14N), xmldsig.ErrMalformed},
		{"undeclared prefix", xmldsig.Canonicalize(&buf, doc.Root(), xmldsig.C14N10), xmldsig.ErrMalformed},
		{"undeclared prefix, exclusive", xmldsig.CanonicalizeDocument(&buf, doc, xmldsig.ExcC14N), xmldsig.ErrMalformed},
		{"write error", xmldsig.Canonicalize(&failWriter{n: 1}, doc.Root().ChildElements()[0], xmldsig.ExcC14N), errWrite},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorIs(t, c.err, c.want, "%v", c.err)
		})
	}
	assert.Len(t, xmldsig.CanonicalizationMethods(), 6)
}
