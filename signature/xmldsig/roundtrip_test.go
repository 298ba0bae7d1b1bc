package xmldsig_test

import (
	"context"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

func TestSignVerifyRoundTrip(t *testing.T) {
	ctx := context.Background()
	type tc struct {
		name   string
		kt     signaturetest.KeyType
		cfg    xmldsig.SignerConfig
		method string
	}
	cases := []tc{
		{name: "rsa default", kt: signaturetest.RSA2048, method: signature.RSASHA256},
		{name: "rsa-sha384", kt: signaturetest.RSA2048, cfg: xmldsig.SignerConfig{SignatureMethod: signature.RSASHA384, DigestMethod: signature.DigestSHA384}, method: signature.RSASHA384},
		{name: "rsa-sha512", kt: signaturetest.RSA3072, cfg: xmldsig.SignerConfig{SignatureMethod: signature.RSASHA512, DigestMethod: signature.DigestSHA512}, method: signature.RSASHA512},
		{name: "pss-256", kt: signaturetest.RSA2048, cfg: xmldsig.SignerConfig{SignatureMethod: signature.RSAPSSSHA256}, method: signature.RSAPSSSHA256},
		{name: "pss-384", kt: signaturetest.RSA2048, cfg: xmldsig.SignerConfig{SignatureMethod: signature.RSAPSSSHA384}, method: signature.RSAPSSSHA384},
		{name: "pss-512", kt: signaturetest.RSA2048, cfg: xmldsig.SignerConfig{SignatureMethod: signature.RSAPSSSHA512}, method: signature.RSAPSSSHA512},
		{name: "p256", kt: signaturetest.P256, method: signature.ECDSASHA256},
		{name: "p384", kt: signaturetest.P384, method: signature.ECDSASHA384},
		{name: "p521", kt: signaturetest.P521, method: signature.ECDSASHA512},
	}
	for _, c14n := range []string{xmldsig.ExcC14N, xmldsig.ExcC14NWithComments, xmldsig.C14N10, xmldsig.C14N10WithComments, xmldsig.C14N11, xmldsig.C14N11WithComments} {
		cases = append(cases, tc{name: "c14n " + c14n, kt: signaturetest.P256, cfg: xmldsig.SignerConfig{Canonicalization: c14n}, method: signature.ECDSASHA256})
	}
	cases = append(cases,
		tc{name: "prefix list", kt: signaturetest.P256, cfg: xmldsig.SignerConfig{InclusiveNamespaces: []string{"xsi", "#default"}}, method: signature.ECDSASHA256},
		tc{name: "first child", kt: signaturetest.P256, cfg: xmldsig.SignerConfig{Placement: xmldsig.Placement{Position: xmldsig.FirstChild}}, method: signature.ECDSASHA256},
		tc{name: "after element", kt: signaturetest.P256, cfg: xmldsig.SignerConfig{Placement: xmldsig.Placement{Position: xmldsig.AfterElement, Local: "nachrichtenkopf.g2g"}}, method: signature.ECDSASHA256},
		tc{name: "no prefix", kt: signaturetest.P256, cfg: xmldsig.SignerConfig{Prefix: "-"}, method: signature.ECDSASHA256},
		tc{name: "other prefix", kt: signaturetest.P256, cfg: xmldsig.SignerConfig{Prefix: "dsig"}, method: signature.ECDSASHA256},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kp, ca := issue(t, c.kt)
			cfg := c.cfg
			cfg.Key = kp
			signed, err := newSigner(t, cfg).Sign([]byte(xoevDoc))
			require.NoError(t, err)
			v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, ca.Certificate)})
			res, err := v.Verify(ctx, signed)
			require.NoError(t, err, "%s", signed)
			assert.Equal(t, c.method, res.SignatureMethod)
			assert.Equal(t, kp.Certificate.Raw, res.Certificate.Raw)
			require.NotNil(t, res.Element)
			assert.Equal(t, "vorgang.transportieren.2010", res.Element.Tag)
			assert.Nil(t, res.Element.FindElement("//Signature"))
			assert.Equal(t, "Gemeinde Musterstadt & Co <Wasser>", res.Element.FindElement(".//autor/name").Text())

			doc := etree.NewDocument()
			require.NoError(t, doc.ReadFromBytes(signed))
			res2, err := v.VerifyDocument(ctx, doc)
			require.NoError(t, err)
			// The in-place result (bytes) and the copied one (tree) agree.
			assert.Equal(t, string(serialize(res2.Element)), string(serialize(res.Element)))
			assert.NotNil(t, doc.Root().FindElement("//Signature"), "caller's tree unchanged")
		})
	}
}

func TestSignElementAndVerifyElement(t *testing.T) {
	ctx := context.Background()
	kp, ca := issue(t, signaturetest.RSA2048)
	const saml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_resp" Version="2.0"><saml:Issuer>https://idp.example</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_a1" Version="2.0"><saml:Issuer>https://idp.example</saml:Issuer><saml:Subject><saml:NameID>alice</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>`
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromString(saml))
	s := newSigner(t, xmldsig.SignerConfig{Key: kp, Placement: xmldsig.Placement{Position: xmldsig.AfterElement, Space: "urn:oasis:names:tc:SAML:2.0:assertion", Local: "Issuer"}})
	assertion := doc.FindElement("//Assertion")
	require.NoError(t, s.SignElement(assertion))
	require.NoError(t, s.SignElement(doc.Root()))
	out, err := doc.WriteToBytes()
	require.NoError(t, err)

	// Issuer, then Signature.
	kids := assertion.ChildElements()
	require.Equal(t, "Signature", kids[1].Tag)

	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, ca.Certificate)})
	parsed := etree.NewDocument()
	require.NoError(t, parsed.ReadFromBytes(out))
	res, err := v.VerifyElement(ctx, parsed.FindElement("//Assertion"))
	require.NoError(t, err)
	assert.Equal(t, "alice", res.Element.FindElement(".//NameID").Text())
	assert.Nil(t, res.Element.Parent())
	// The rebuilt element carries the namespace it uses.
	assert.Equal(t, "urn:oasis:names:tc:SAML:2.0:assertion", res.Element.NamespaceURI())

	res, err = v.VerifyElement(ctx, parsed.Root())
	require.NoError(t, err)
	assert.Equal(t, "Response", res.Element.Tag)
	res, err = v.Verify(ctx, out)
	require.NoError(t, err)
	assert.Equal(t, "Response", res.Element.Tag)
}

// TestChainInKeyInfo: the intermediate certificates travel in
// KeyInfo/X509Data and let the verifier build the path to the root.
func TestChainInKeyInfo(t *testing.T) {
	ctx := context.Background()
	root, err := signaturetest.NewCA("Test Root Chain", signaturetest.P256)
	require.NoError(t, err)
	inter, err := root.NewIntermediate("Test Intermediate")
	require.NoError(t, err)
	kp, err := inter.Issue(signaturetest.Options{CommonName: "Leaf", Key: signaturetest.P256})
	require.NoError(t, err)
	require.NotEmpty(t, kp.Chain)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, root.Certificate)})

	signed, err := newSigner(t, xmldsig.SignerConfig{Key: kp}).Sign([]byte(xoevDoc))
	require.NoError(t, err)
	res, err := v.Verify(ctx, signed)
	require.NoError(t, err)
	assert.Len(t, res.Chain, 3)

	short, err := newSigner(t, xmldsig.SignerConfig{Key: kp, OmitChain: true}).Sign([]byte(xoevDoc))
	require.NoError(t, err)
	_, err = v.Verify(ctx, short)
	assert.ErrorIs(t, err, xmldsig.ErrUntrustedKey)
}

// TestSignatureAnywhere: the enveloped-signature transform removes the
// Signature wherever it sits, so a URI="" signature moved deeper into the
// document still verifies (and the result never contains it).
func TestSignatureAnywhere(t *testing.T) {
	ctx := context.Background()
	kp, ca := issue(t, signaturetest.P256)
	signed, err := newSigner(t, xmldsig.SignerConfig{Key: kp}).Sign([]byte(xoevDoc))
	require.NoError(t, err)
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(signed))
	sig := doc.Root().SelectElement("Signature")
	require.NotNil(t, sig)
	doc.Root().RemoveChild(sig)
	doc.FindElement("//identifikation.nachricht").AddChild(sig)
	moved, err := doc.WriteToBytes()
	require.NoError(t, err)

	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, ca.Certificate)})
	res, err := v.Verify(ctx, moved)
	require.NoError(t, err)
	assert.Nil(t, res.Element.FindElement("//Signature"))
}
