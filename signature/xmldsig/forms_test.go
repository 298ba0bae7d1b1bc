package xmldsig_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

const (
	envelopedTransform = `<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>`
	xpathIdiom         = `<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath xmlns:dsig="http://www.w3.org/2000/09/xmldsig#">not(ancestor-or-self::dsig:Signature)</ds:XPath></ds:Transform>`
)

func xpathTransform(expr, decl string) string {
	return `<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath` + decl + `>` + expr + `</ds:XPath></ds:Transform>`
}

// TestXPathEnvelopedIdiom: an XPath transform that is exactly
// not(ancestor-or-self::dsig:Signature), with dsig bound to the XML-DSig
// namespace, is the enveloped-signature transform (signatures by xmlsec1
// with that transform alone, and after the enveloped one, verify); any
// other XPath is refused with ErrUnsupported naming it.
func TestXPathEnvelopedIdiom(t *testing.T) {
	ctx := context.Background()
	env := newXMLSec1Env(t, signaturetest.RSA2048)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, env.ca.Certificate)})
	base := withTemplate([]byte(xoevDoc), signature.RSASHA256)

	for name, transforms := range map[string]string{
		"XPath alone":                    xpathIdiom,
		"enveloped then XPath":           envelopedTransform + xpathIdiom,
		"XPath with surrounding spaces":  xpathTransform("\n  not(ancestor-or-self::dsig:Signature)  \n", ` xmlns:dsig="http://www.w3.org/2000/09/xmldsig#"`),
		"dsig declared on the Signature": xpathTransform("not(ancestor-or-self::dsig:Signature)", ""),
	} {
		t.Run("accepted/"+name, func(t *testing.T) {
			tmpl := bytes.Replace(base, []byte(envelopedTransform), []byte(transforms), 1)
			if name == "dsig declared on the Signature" {
				tmpl = bytes.Replace(tmpl, []byte(`<ds:Signature xmlns:ds=`), []byte(`<ds:Signature xmlns:dsig="http://www.w3.org/2000/09/xmldsig#" xmlns:ds=`), 1)
			}
			signed := env.sign(t, tmpl)
			res, err := v.Verify(ctx, signed)
			require.NoError(t, err)
			assert.Equal(t, "Gemeinde Musterstadt & Co <Wasser>", res.Element.FindElement("//autor/name").Text())
			_, err = v.Verify(ctx, tamper(t, signed))
			assert.ErrorIs(t, err, xmldsig.ErrDigestMismatch)
		})
	}

	signed := env.sign(t, bytes.Replace(base, []byte(envelopedTransform), []byte(xpathIdiom), 1))
	for name, repl := range map[string]string{
		"other expression":             xpathTransform("not(ancestor-or-self::dsig:Signature) or true()", ` xmlns:dsig="http://www.w3.org/2000/09/xmldsig#"`),
		"other element name":           xpathTransform("not(ancestor-or-self::dsig:Object)", ` xmlns:dsig="http://www.w3.org/2000/09/xmldsig#"`),
		"dsig bound elsewhere":         xpathTransform("not(ancestor-or-self::dsig:Signature)", ` xmlns:dsig="urn:evil"`),
		"dsig unbound":                 strings.Replace(xpathIdiom, ` xmlns:dsig="http://www.w3.org/2000/09/xmldsig#"`, "", 1),
		"other prefix":                 xpathTransform("not(ancestor-or-self::ds:Signature)", ""),
		"no XPath element":             `<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"/>`,
		"two XPath elements":           strings.Replace(xpathIdiom, "</ds:Transform>", `<ds:XPath>1</ds:XPath></ds:Transform>`, 1),
		"XPath in another namespace":   strings.Replace(strings.Replace(xpathIdiom, "<ds:XPath", "<x:XPath xmlns:x=\"urn:x\"", 1), "</ds:XPath>", "</x:XPath>", 1),
		"element inside the XPath":     strings.Replace(xpathIdiom, "not(", "<ds:X/>not(", 1),
		"XPath filter 2":               `<ds:Transform Algorithm="http://www.w3.org/2002/06/xmldsig-filter2"><ds:XPath>not(ancestor-or-self::dsig:Signature)</ds:XPath></ds:Transform>`,
		"XPath after canonicalization": `<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>` + xpathIdiom,
	} {
		t.Run("refused/"+name, func(t *testing.T) {
			data := bytes.Replace(signed, []byte(xpathIdiom), []byte(repl), 1)
			if name == "XPath after canonicalization" {
				data = bytes.Replace(data, []byte(`<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>`), []byte(`</ds:Transforms>`), 1)
			}
			require.NotEqual(t, signed, data)
			_, err := v.Verify(ctx, data)
			require.ErrorIs(t, err, xmldsig.ErrUnsupported, "%v", err)
			assert.Contains(t, err.Error(), "transform")
		})
	}
}

// TestUnsupportedForms: enveloping and detached signatures are refused
// with an error naming the form, not "missing signature".
func TestUnsupportedForms(t *testing.T) {
	ctx := context.Background()
	kp, ca := issue(t, signaturetest.RSA2048)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, ca.Certificate)})
	signed, err := newSigner(t, xmldsig.SignerConfig{Key: kp}).Sign([]byte(xoevDoc))
	require.NoError(t, err)
	sig := string(signed[bytes.Index(signed, []byte("<ds:Signature")) : bytes.Index(signed, []byte("</ds:Signature>"))+len("</ds:Signature>")])

	enveloping := strings.Replace(strings.Replace(sig, `URI=""`, `URI="#obj"`, 1), "</ds:Signature>", `<ds:Object Id="obj"><data>x</data></ds:Object></ds:Signature>`, 1)
	detachedSibling := `<root><data ID="d1">x</data>` + strings.Replace(sig, `URI=""`, `URI="#d1"`, 1) + `</root>`
	detachedExternal := `<root>` + strings.Replace(sig, `URI=""`, `URI="https://example.org/doc.pdf"`, 1) + `</root>`
	cases := []struct {
		name, data, want string
	}{
		{"enveloping (Signature as root)", enveloping, "enveloping signature"},
		{"enveloping inside the element", `<root>` + enveloping + `</root>`, "enveloping signature"},
		{"detached over a sibling", detachedSibling, "detached signature"},
		{"detached over external content", detachedExternal, "detached signature over external content"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := v.Verify(ctx, []byte(c.data))
			require.ErrorIs(t, err, xmldsig.ErrUnsupported, "%v", err)
			assert.NotErrorIs(t, err, xmldsig.ErrMissingSignature)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	for name, data := range map[string]string{
		"no Signature":                     `<root><a/></root>`,
		"Reference to an ID that is gone":  `<root>` + strings.Replace(sig, `URI=""`, `URI="#gone"`, 1) + `</root>`,
		"only a descendant is signed":      `<root><a ID="a1">` + strings.Replace(sig, `URI=""`, `URI="#a1"`, 1) + `</a></root>`,
		"Signature in a foreign namespace": `<root>` + strings.Replace(sig, "http://www.w3.org/2000/09/xmldsig#", "urn:not-dsig", 1) + `</root>`,
	} {
		t.Run("missing/"+name, func(t *testing.T) {
			_, err := v.Verify(ctx, []byte(data))
			assert.ErrorIs(t, err, xmldsig.ErrMissingSignature, "%v", err)
		})
	}
}
