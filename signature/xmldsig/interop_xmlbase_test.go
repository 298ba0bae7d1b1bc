package xmldsig_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// c14n11Template is an xmlsec1 signature template for "#x" with C14N 1.1
// for SignedInfo and the reference.
const c14n11Template = `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>` +
	`<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2006/12/xml-c14n11"/>` +
	`<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>` +
	`<ds:Reference URI="#x"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
	`<ds:Transform Algorithm="http://www.w3.org/2006/12/xml-c14n11"/></ds:Transforms>` +
	`<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>` +
	`</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo></ds:Signature>`

// xmlBaseInterop are documents with an element e (ID "x") below ancestors
// carrying xml:base; "SIG" marks where the Signature goes.
var xmlBaseInterop = []struct{ name, doc string }{
	{"absolute root, relative chain", `<r xmlns="urn:r" xml:base="http://example.org/a/"><m xml:base="b/"><n><e ID="x" xml:base="c/"><v>1</v>SIG</e></n></m></r>`},
	{"W3C prop-5 shape", `<ietf:c14n11XmlBaseDoc1 xmlns:ietf="http://www.ietf.org" xml:base="http://xmlbase.example.org/xmlbase0/"><ietf:e2><ietf:e21 ID="x" xml:base="/xmlbase21/">SIG</ietf:e21></ietf:e2></ietf:c14n11XmlBaseDoc1>`},
	{"W3C prop-6 shape (apex without xml:base)", `<r xml:base="http://xmlbase.example.org/xmlbase0/"><e ID="x"><f/>SIG</e></r>`},
	{"relative only", `<r xml:base="a/b/"><m xml:base="../c/"><e ID="x" xml:base="d">SIG</e></m></r>`},
	{"dot-dot kept", `<r xml:base=".."><m xml:base=".."><e ID="x" xml:base="x">SIG</e></m></r>`},
	{"xml:lang beside xml:base", `<r xml:lang="de" xml:base="http://example.org/"><e ID="x">SIG</e></r>`},
}

func TestXMLSec1C14N11XMLBase(t *testing.T) {
	ctx := context.Background()
	env := newXMLSec1Env(t, signaturetest.RSA2048)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, env.ca.Certificate)})
	for _, c := range xmlBaseInterop {
		t.Run(c.name+"/xmlsec1-to-ours", func(t *testing.T) {
			doc := strings.Replace(c.doc, "SIG", c14n11Template, 1)
			qname := elementQName(c.doc)
			in := filepath.Join(env.dir, "xb-tmpl.xml")
			out := filepath.Join(env.dir, "xb-signed.xml")
			require.NoError(t, os.WriteFile(in, []byte(doc), 0o600))
			msg, err := env.run(t, "--sign", "--privkey-pem", env.keyCerts, "--id-attr:ID", qname, "--output", out, in)
			require.NoError(t, err, "xmlsec1 --sign: %s", msg)
			signed, err := os.ReadFile(out)
			require.NoError(t, err)
			res, err := verifyByID(ctx, v, signed)
			require.NoError(t, err, "%s", signed)
			assert.Equal(t, signature.RSASHA256, res.SignatureMethod)
			_, err = verifyByID(ctx, v, []byte(strings.Replace(string(signed), `xml:base="`, `xml:base="x`, 1)))
			assert.ErrorIs(t, err, xmldsig.ErrInvalidSignature)
		})
		t.Run(c.name+"/ours-to-xmlsec1", func(t *testing.T) {
			doc := strings.Replace(c.doc, "SIG", "", 1)
			signed := signByID(t, env.kp, doc)
			qname := elementQName(c.doc)
			ok, out := env.verify(t, signed, "--id-attr:ID", qname)
			require.True(t, ok, "xmlsec1 rejected: %s\n%s", out, signed)
			ok, _ = env.verify(t, []byte(strings.Replace(string(signed), `xml:base="`, `xml:base="x`, 1)), "--id-attr:ID", qname)
			assert.False(t, ok, "xmlsec1 accepted a changed xml:base")
		})
	}
}

func verifyByID(ctx context.Context, v *xmldsig.Verifier, data []byte) (*xmldsig.Result, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, err
	}
	return v.VerifyElement(ctx, doc.FindElement("//[@ID='x']"))
}

func signByID(t *testing.T, kp *signature.KeyPair, data string) []byte {
	t.Helper()
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromString(data))
	s := newSigner(t, xmldsig.SignerConfig{Key: kp, Canonicalization: xmldsig.C14N11})
	require.NoError(t, s.SignElement(doc.FindElement("//[@ID='x']")))
	out, err := doc.WriteToBytes()
	require.NoError(t, err)
	return out
}

// elementQName returns the xmlsec1 --id-attr element name of the element
// carrying ID="x": "ns:local" with its namespace URI, or the local name.
func elementQName(doc string) string {
	i := strings.Index(doc, ` ID="x"`)
	start := strings.LastIndex(doc[:i], "<") + 1
	name := doc[start:i]
	if j := strings.IndexByte(name, ' '); j >= 0 {
		name = name[:j]
	}
	prefix, local, ok := strings.Cut(name, ":")
	if !ok {
		local, prefix = prefix, ""
	}
	decl := `xmlns="`
	if prefix != "" {
		decl = `xmlns:` + prefix + `="`
	}
	if k := strings.Index(doc, decl); k >= 0 {
		uri := doc[k+len(decl):]
		return uri[:strings.IndexByte(uri, '"')] + ":" + local
	}
	return local
}

// TestXMLSec1AttributeWhitespace: literal TAB/LF/CR in attribute values are
// normalized to spaces (XML 1.0 §3.3.3) by our parser as by libxml2, so
// such documents verify in both directions.
func TestXMLSec1AttributeWhitespace(t *testing.T) {
	ctx := context.Background()
	env := newXMLSec1Env(t, signaturetest.RSA2048)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, env.ca.Certificate)})
	doc := []byte("<r a=\"x\ty\nz\r\nw\" b=\"&#9;kept\"><v c=\"\t\">1</v></r>")

	signed := env.sign(t, withTemplate(doc, signature.RSASHA256))
	res, err := v.Verify(ctx, signed)
	require.NoError(t, err)
	assert.Equal(t, "x y z w", res.Element.SelectAttrValue("a", ""))
	assert.Equal(t, "\tkept", res.Element.SelectAttrValue("b", ""))
	_, err = v.Verify(ctx, replace(t, signed, "kept", "kepT"))
	assert.ErrorIs(t, err, xmldsig.ErrDigestMismatch)

	ours, err := newSigner(t, xmldsig.SignerConfig{Key: env.kp}).Sign(doc)
	require.NoError(t, err)
	ok, out := env.verify(t, ours)
	require.True(t, ok, "xmlsec1: %s", out)
	ok, _ = env.verify(t, replace(t, ours, "x\ty", "x\tY"))
	assert.False(t, ok)
}
