package xmldsig_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// replace replaces the first occurrence of old in data and fails the test
// if there is none.
func replace(t *testing.T, data []byte, old, new string) []byte {
	t.Helper()
	require.True(t, bytes.Contains(data, []byte(old)), "fixture lacks %q", old)
	return bytes.Replace(data, []byte(old), []byte(new), 1)
}

// rebindDS binds the ds prefix to another namespace on the element whose
// start tag is "<ds:"+name followed by rest (">" or its attributes).
func rebindDS(t *testing.T, data []byte, name, rest string) []byte {
	t.Helper()
	return replace(t, data, "<ds:"+name+rest, "<ds:"+name+` xmlns:ds="urn:not-dsig"`+rest)
}

const samlResponse = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_resp" Version="2.0"><saml:Issuer>https://idp.example</saml:Issuer><saml:Assertion ID="_a1" Version="2.0"><saml:Issuer>https://idp.example</saml:Issuer><saml:Subject><saml:NameID>user@user.com.evil.com</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>`

// signedAssertion returns samlResponse with the assertion signed (after
// its Issuer), serialized.
func signedAssertion(t *testing.T, kp *signature.KeyPair) []byte {
	t.Helper()
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromString(samlResponse))
	s := newSigner(t, xmldsig.SignerConfig{Key: kp, Placement: xmldsig.Placement{Position: xmldsig.AfterElement, Space: "urn:oasis:names:tc:SAML:2.0:assertion", Local: "Issuer"}})
	require.NoError(t, s.SignElement(doc.FindElement("//Assertion")))
	out, err := doc.WriteToBytes()
	require.NoError(t, err)
	return out
}

func verifyAssertion(ctx context.Context, v *xmldsig.Verifier, data []byte) (*xmldsig.Result, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, err
	}
	found := doc.FindElements("//Assertion")
	if len(found) == 0 {
		return nil, errors.New("no assertion")
	}
	// A naive consumer processes the first assertion it finds.
	return v.VerifyElement(ctx, found[0])
}

func TestVerifyRejects(t *testing.T) {
	ctx := context.Background()
	kp, ca := issue(t, signaturetest.RSA2048)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, ca.Certificate)})
	signed, err := newSigner(t, xmldsig.SignerConfig{Key: kp}).Sign([]byte(xoevDoc))
	require.NoError(t, err)
	_, err = v.Verify(ctx, signed)
	require.NoError(t, err)
	assertion := signedAssertion(t, kp)
	_, err = verifyAssertion(ctx, v, assertion)
	require.NoError(t, err)

	// A second key pair with a CA of the same subject (wrong anchor).
	otherCA, err := signaturetest.NewCA(ca.Certificate.Subject.CommonName, signaturetest.P256)
	require.NoError(t, err)
	attackerKP, err := otherCA.Issue(signaturetest.Options{CommonName: kp.Certificate.Subject.CommonName})
	require.NoError(t, err)
	attackerSigned, err := newSigner(t, xmldsig.SignerConfig{Key: attackerKP}).Sign([]byte(xoevDoc))
	require.NoError(t, err)
	selfKP, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: kp.Certificate.Subject.CommonName})
	require.NoError(t, err)
	selfSigned, err := newSigner(t, xmldsig.SignerConfig{Key: selfKP}).Sign([]byte(xoevDoc))
	require.NoError(t, err)
	expiredKP, err := ca.Issue(signaturetest.Options{NotBefore: testNow.Add(-48 * time.Hour), NotAfter: testNow.Add(-24 * time.Hour)})
	require.NoError(t, err)
	expiredSigned, err := newSigner(t, xmldsig.SignerConfig{Key: expiredKP}).Sign([]byte(xoevDoc))
	require.NoError(t, err)

	sigStart := bytes.Index(signed, []byte("<ds:Signature"))
	sigEnd := bytes.Index(signed, []byte("</ds:Signature>")) + len("</ds:Signature>")
	sigXML := string(signed[sigStart:sigEnd])
	siStart := strings.Index(sigXML, "<ds:SignedInfo>")
	siEnd := strings.Index(sigXML, "</ds:SignedInfo>") + len("</ds:SignedInfo>")
	signedInfo := sigXML[siStart:siEnd]
	refStart := strings.Index(signedInfo, "<ds:Reference")
	refEnd := strings.Index(signedInfo, "</ds:Reference>") + len("</ds:Reference>")
	reference := signedInfo[refStart:refEnd]
	transform := `<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"></ds:Transform>`

	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"no signature", []byte(xoevDoc), xmldsig.ErrMissingSignature},
		{"tampered text", replace(t, signed, "Musterstadt", "Musterstadx"), xmldsig.ErrDigestMismatch},
		{"tampered attribute", replace(t, signed, `standard="XWasser"`, `standard="XWassen"`), xmldsig.ErrDigestMismatch},
		{"added attribute", replace(t, signed, `<leer/>`, `<leer x="1"/>`), xmldsig.ErrDigestMismatch},
		{"whitespace in signed text", replace(t, signed, "<code>2010</code>", "<code>2010 </code>"), xmldsig.ErrDigestMismatch},
		{"extra unsigned sibling", replace(t, signed, "<leer/>", "<leer/><admin>true</admin>"), xmldsig.ErrDigestMismatch},
		{"tampered digest value", replace(t, signed, "<ds:DigestValue>", "<ds:DigestValue>AAAA"), xmldsig.ErrInvalidSignature},
		{"tampered signature value", replace(t, signed, "<ds:SignatureValue>", "<ds:SignatureValue>AAAA"), xmldsig.ErrInvalidSignature},
		{"signature value not base64", replace(t, signed, "<ds:SignatureValue>", "<ds:SignatureValue>!!"), xmldsig.ErrMalformed},
		{"changed c14n method", replace(t, signed, `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#">`, `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2006/12/xml-c14n11">`), xmldsig.ErrInvalidSignature},
		{"two SignedInfo", replace(t, signed, "</ds:SignedInfo>", "</ds:SignedInfo>"+signedInfo), xmldsig.ErrMalformed},
		{"two SignatureValue", replace(t, signed, "</ds:SignedInfo>", "</ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue>"), xmldsig.ErrMalformed},
		{"SignedInfo not first", replace(t, signed, "<ds:SignedInfo>", "<ds:KeyInfo></ds:KeyInfo><ds:SignedInfo>"), xmldsig.ErrMalformed},
		{"two signatures", replace(t, signed, "<leer/>", "<leer/>"+sigXML), xmldsig.ErrMalformed},
		{"too many references", replace(t, signed, "</ds:Reference>", "</ds:Reference>"+strings.Repeat(reference, 30)), xmldsig.ErrLimit},
		{"too many transforms", replace(t, signed, transform, strings.Repeat(transform, 6)), xmldsig.ErrLimit},
		{"xpath transform", replace(t, signed, transform, `<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>1</ds:XPath></ds:Transform>`), xmldsig.ErrUnsupported},
		{"xslt transform", replace(t, signed, transform, `<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"></ds:Transform>`), xmldsig.ErrUnsupported},
		{"external reference", replace(t, signed, "</ds:Reference>", "</ds:Reference>"+strings.Replace(reference, `URI=""`, `URI="http://attacker.example/x"`, 1)), xmldsig.ErrUnsupported},
		{"reference to other element", replace(t, replace(t, signed, `<nachrichtenkopf.g2g>`, `<nachrichtenkopf.g2g ID="k">`), "</ds:Reference>", "</ds:Reference>"+strings.Replace(reference, `URI=""`, `URI="#k"`, 1)), xmldsig.ErrUnsupported},
		{"reference only to other element", replace(t, replace(t, signed, `<nachrichtenkopf.g2g>`, `<nachrichtenkopf.g2g ID="k">`), `URI=""`, `URI="#k"`), xmldsig.ErrUnsupported}, // detached
		{"sha1 digest by default", replace(t, signed, "http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2000/09/xmldsig#sha1"), xmldsig.ErrAlgorithmNotAllowed},
		{"sha1 method by default", replace(t, signed, signature.RSASHA256, signature.RSASHA1), xmldsig.ErrAlgorithmNotAllowed},
		{"md5 method", replace(t, signed, signature.RSASHA256, "http://www.w3.org/2001/04/xmldsig-more#rsa-md5"), xmldsig.ErrAlgorithmNotAllowed},
		{"hmac method", replace(t, signed, signature.RSASHA256, "http://www.w3.org/2000/09/xmldsig#hmac-sha1"), xmldsig.ErrAlgorithmNotAllowed},
		{"method key mismatch", replace(t, signed, signature.RSASHA256, signature.ECDSASHA256), xmldsig.ErrInvalidSignature},
		{"unknown c14n", replace(t, signed, `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#">`, `<ds:CanonicalizationMethod Algorithm="urn:x">`), xmldsig.ErrUnsupported},
		{"attacker certificate same subject", attackerSigned, xmldsig.ErrUntrustedKey},
		{"self-signed certificate", selfSigned, xmldsig.ErrUntrustedKey},
		{"expired certificate", expiredSigned, signature.ErrCertificateExpired},
		{"no KeyInfo", replace(t, signed, sigXML[strings.Index(sigXML, "<ds:KeyInfo>"):strings.Index(sigXML, "</ds:KeyInfo>")+len("</ds:KeyInfo>")], ""), xmldsig.ErrUntrustedKey},
		{"RetrievalMethod", replace(t, signed, "<ds:KeyInfo>", `<ds:KeyInfo><ds:RetrievalMethod URI="http://attacker.example/cert"></ds:RetrievalMethod>`), xmldsig.ErrUntrustedKey},
		{"KeyValue mismatch", replace(t, signed, "<ds:KeyInfo>", `<ds:KeyInfo><ds:KeyValue><ds:RSAKeyValue><ds:Modulus>AQAB</ds:Modulus><ds:Exponent>AQAB</ds:Exponent></ds:RSAKeyValue></ds:KeyValue>`), xmldsig.ErrUntrustedKey},
		{"IssuerSerial mismatch", replace(t, signed, "<ds:X509Data>", `<ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>CN=x</ds:X509IssuerName><ds:X509SerialNumber>1</ds:X509SerialNumber></ds:X509IssuerSerial>`), xmldsig.ErrUntrustedKey},
		{"garbage certificate", replace(t, signed, "<ds:X509Certificate>", "<ds:X509Certificate>AAAA"), xmldsig.ErrUntrustedKey},
		{"doctype", append([]byte(`<!DOCTYPE x [<!ENTITY a "aaaa">]>`), signed[bytes.Index(signed, []byte("<xw:")):]...), xmldsig.ErrMalformed},
		{"billion laughs", []byte(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`), xmldsig.ErrMalformed},
		{"xxe", []byte(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`), xmldsig.ErrMalformed},
		{"deep nesting", []byte(strings.Repeat("<a>", 300) + strings.Repeat("</a>", 300)), xmldsig.ErrLimit},
		{"not xml", []byte("hello"), xmldsig.ErrMalformed},
		{"truncated", signed[:len(signed)/2], xmldsig.ErrMalformed},
		{"text before the root", append([]byte("x"), signed[bytes.Index(signed, []byte("<xw:")):]...), xmldsig.ErrMalformed},
		{"text after the root", append(bytes.Clone(signed), "x"...), xmldsig.ErrMalformed},
		{"undeclared prefix", replace(t, signed, "<leer/>", "<zz:leer/>"), xmldsig.ErrMalformed},
		{"HMACOutputLength", replace(t, signed, `<ds:SignatureMethod Algorithm="`+signature.RSASHA256+`">`, `<ds:SignatureMethod Algorithm="`+signature.RSASHA256+`"><ds:HMACOutputLength>8</ds:HMACOutputLength>`), xmldsig.ErrUnsupported},
		{"manifest reference type", replace(t, signed, `<ds:Reference URI=""`, `<ds:Reference Type="http://www.w3.org/2000/09/xmldsig#Manifest" URI=""`), xmldsig.ErrUnsupported},
		{"foreign element in SignedInfo", replace(t, signed, "</ds:SignedInfo>", "<x:evil xmlns:x=\"urn:x\"></x:evil></ds:SignedInfo>"), xmldsig.ErrMalformed},
		// The ds prefix bound to another namespace on one element of the
		// structure: not an XML-DSig element, however its name reads.
		{"ds rebound on SignedInfo", rebindDS(t, signed, "SignedInfo", ">"), xmldsig.ErrMalformed},
		{"ds rebound on SignatureValue", rebindDS(t, signed, "SignatureValue", ">"), xmldsig.ErrMalformed},
		{"ds rebound on Reference", rebindDS(t, signed, "Reference", ` URI=""`), xmldsig.ErrMalformed},
		{"ds rebound on Transforms", rebindDS(t, signed, "Transforms", ">"), xmldsig.ErrMalformed},
		{"ds rebound on DigestValue", rebindDS(t, signed, "DigestValue", ">"), xmldsig.ErrMalformed},
		{"ds rebound on KeyInfo", rebindDS(t, signed, "KeyInfo", ">"), xmldsig.ErrMalformed},
		{"ds rebound on X509Data", rebindDS(t, signed, "X509Data", ">"), xmldsig.ErrUntrustedKey},
		{"ds rebound on X509Certificate", rebindDS(t, signed, "X509Certificate", ">"), xmldsig.ErrUntrustedKey},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := v.Verify(ctx, c.data)
			require.ErrorIs(t, err, c.want, "%v", err)
			assert.Nil(t, res)
			assert.True(t, strings.HasPrefix(err.Error(), "xmldsig: ") || strings.HasPrefix(err.Error(), "signature: "), "%v", err)
		})
	}

	// Wrapping attacks on an ID-referenced element (SAML).
	wrapCases := []struct {
		name string
		data []byte
		want error
	}{
		{"duplicate ID: evil copy first", replace(t, assertion, "<saml:Assertion ", `<saml:Assertion ID="_a1"><saml:Subject><saml:NameID>admin</saml:NameID></saml:Subject></saml:Assertion><saml:Assertion `), xmldsig.ErrMissingSignature},
		{"signed element moved into extensions", moveIntoExtensions(t, assertion), xmldsig.ErrMissingSignature},
		{"ID attribute changed", replace(t, assertion, `ID="_a1"`, `ID="_a2"`), xmldsig.ErrMissingSignature},
		{"tampered NameID", replace(t, assertion, "user@user.com.evil.com", "admin@user.com"), xmldsig.ErrDigestMismatch},
	}
	t.Run("duplicate ID: signed one rejected", func(t *testing.T) {
		data := replace(t, assertion, "<saml:Assertion ", `<saml:Assertion ID="_a1"><saml:Subject><saml:NameID>admin</saml:NameID></saml:Subject></saml:Assertion><saml:Assertion `)
		doc := etree.NewDocument()
		require.NoError(t, doc.ReadFromBytes(data))
		all := doc.FindElements("//Assertion")
		require.Len(t, all, 2)
		_, err := v.VerifyElement(ctx, all[1])
		assert.ErrorIs(t, err, xmldsig.ErrMalformed)
		var se *xmldsig.StructureError
		assert.ErrorAs(t, err, &se)
	})
	for _, c := range wrapCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := verifyAssertion(ctx, v, c.data)
			assert.ErrorIs(t, err, c.want, "%v", err)
		})
	}
}

// moveIntoExtensions puts the signed assertion under a new wrapper element
// and a forged assertion (no ID) in its place.
func moveIntoExtensions(t *testing.T, data []byte) []byte {
	t.Helper()
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(data))
	a := doc.FindElement("//Assertion")
	root := doc.Root()
	root.RemoveChild(a)
	forged := root.CreateElement("saml:Assertion")
	forged.CreateElement("saml:Subject").CreateElement("saml:NameID").SetText("admin")
	ext := root.CreateElement("samlp:Extensions")
	ext.AddChild(a)
	a.RemoveAttr("ID")
	out, err := doc.WriteToBytes()
	require.NoError(t, err)
	return out
}

// TestCommentInjection: a comment inside a signed text value (Duo 2018)
// does not change the canonical form; the verified tree must carry the full
// text, not the part before the comment.
func TestCommentInjection(t *testing.T) {
	ctx := context.Background()
	kp, ca := issue(t, signaturetest.RSA2048)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, ca.Certificate)})
	data := replace(t, signedAssertion(t, kp), "user@user.com.evil.com", "user@user.com<!---->.evil.com")
	res, err := verifyAssertion(ctx, v, data)
	require.NoError(t, err)
	assert.Equal(t, "user@user.com.evil.com", res.Element.FindElement(".//NameID").Text())
	for _, tok := range res.Element.FindElement(".//NameID").Child {
		_, isComment := tok.(*etree.Comment)
		assert.False(t, isComment)
	}
}

// TestCommentInjectionRoot: the same through Verify([]byte), whose result
// is the parsed tree rewritten in place.
func TestCommentInjectionRoot(t *testing.T) {
	ctx := context.Background()
	kp, ca := issue(t, signaturetest.P256)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, ca.Certificate)})
	signed, err := newSigner(t, xmldsig.SignerConfig{Key: kp}).Sign([]byte(`<r><user>user@user.com.evil.com</user><!-- c --></r>`))
	require.NoError(t, err)
	data := replace(t, signed, "user@user.com.evil.com", "user@user.com<!---->.evil<!--x-->.com")
	res, err := v.Verify(ctx, data)
	require.NoError(t, err)
	assert.Equal(t, "user@user.com.evil.com", res.Element.FindElement("user").Text())
	assert.Len(t, res.Element.FindElement("user").Child, 1)
	for _, tok := range res.Element.Child {
		_, isComment := tok.(*etree.Comment)
		assert.False(t, isComment)
	}
	assert.Nil(t, res.Element.Parent())
	assert.Nil(t, res.Element.FindElement("Signature"))
}

// TestVerifiedElementOnly: unsigned content next to the signed element is
// not part of the result.
func TestVerifiedElementOnly(t *testing.T) {
	ctx := context.Background()
	kp, ca := issue(t, signaturetest.RSA2048)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, ca.Certificate)})
	data := replace(t, signedAssertion(t, kp), "<saml:Assertion ", `<saml:Evil>x</saml:Evil><saml:Assertion `)
	res, err := verifyAssertion(ctx, v, data)
	require.NoError(t, err)
	assert.Equal(t, "Assertion", res.Element.Tag)
	assert.Nil(t, res.Element.Parent())
	assert.Nil(t, res.Element.FindElement("//Evil"))
	assert.Nil(t, res.Element.FindElement(".//Signature"))
}

func TestPolicyAndConfig(t *testing.T) {
	ctx := context.Background()
	kp, ca := issue(t, signaturetest.P256)
	signed, err := newSigner(t, xmldsig.SignerConfig{Key: kp}).Sign([]byte(xoevDoc))
	require.NoError(t, err)
	rsaOnly := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, ca.Certificate), Policy: signature.Policy{SignatureMethods: []string{signature.RSASHA256}}})
	_, err = rsaOnly.Verify(ctx, signed)
	assert.ErrorIs(t, err, xmldsig.ErrAlgorithmNotAllowed)

	small := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, ca.Certificate), Limits: xmldsig.Limits{MaxBytes: 100}})
	_, err = small.Verify(ctx, signed)
	assert.ErrorIs(t, err, xmldsig.ErrLimit)
	few := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, ca.Certificate), Limits: xmldsig.Limits{MaxElements: 5}})
	_, err = few.Verify(ctx, signed)
	var le *xmldsig.LimitError
	assert.ErrorAs(t, err, &le)

	pinned := newVerifier(t, xmldsig.VerifierConfig{Trust: trustPinned(t, kp.Certificate)})
	_, err = pinned.Verify(ctx, signed)
	assert.NoError(t, err)

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = pinned.Verify(cctx, signed)
	assert.ErrorIs(t, err, context.Canceled)

	_, err = xmldsig.NewVerifier(xmldsig.VerifierConfig{})
	assert.ErrorIs(t, err, xmldsig.ErrInvalidConfig)
	_, err = xmldsig.NewSigner(xmldsig.SignerConfig{})
	assert.ErrorIs(t, err, xmldsig.ErrInvalidConfig)
	_, err = xmldsig.NewSigner(xmldsig.SignerConfig{Key: kp, SignatureMethod: signature.ECDSASHA1})
	assert.ErrorIs(t, err, xmldsig.ErrAlgorithmNotAllowed)
	assert.ErrorIs(t, err, xmldsig.ErrInvalidConfig)
	_, err = xmldsig.NewSigner(xmldsig.SignerConfig{Key: kp, DigestMethod: signature.DigestSHA1})
	assert.ErrorIs(t, err, xmldsig.ErrAlgorithmNotAllowed)
	assert.ErrorIs(t, err, xmldsig.ErrInvalidConfig)
	_, err = xmldsig.NewSigner(xmldsig.SignerConfig{Key: kp, Canonicalization: "urn:x"})
	assert.ErrorIs(t, err, xmldsig.ErrUnsupported)
	assert.ErrorIs(t, err, xmldsig.ErrInvalidConfig)
	assert.Equal(t, 1, strings.Count(err.Error(), "xmldsig:"), err.Error())
	for _, p := range []string{"a b", "1a", "xmlns", "a:b", `a"`} {
		_, err = xmldsig.NewSigner(xmldsig.SignerConfig{Key: kp, Prefix: p})
		assert.ErrorIs(t, err, xmldsig.ErrInvalidConfig, p)
	}
	_, err = xmldsig.NewSigner(xmldsig.SignerConfig{Key: kp, InclusiveNamespaces: []string{"a"}, Canonicalization: xmldsig.C14N10})
	assert.ErrorIs(t, err, xmldsig.ErrInvalidConfig)
	_, err = xmldsig.NewSigner(xmldsig.SignerConfig{Key: kp, Limits: xmldsig.Limits{MaxDepth: -1}})
	assert.ErrorIs(t, err, xmldsig.ErrInvalidConfig)

	s := newSigner(t, xmldsig.SignerConfig{Key: kp, Placement: xmldsig.Placement{Position: xmldsig.AfterElement, Local: "missing"}})
	_, err = s.Sign([]byte(xoevDoc))
	assert.ErrorIs(t, err, xmldsig.ErrMalformed)
	el := etree.NewElement("x")
	assert.ErrorIs(t, newSigner(t, xmldsig.SignerConfig{Key: kp}).SignElement(el), xmldsig.ErrMalformed, "no ID attribute")
	assert.ErrorIs(t, newSigner(t, xmldsig.SignerConfig{Key: kp}).SignElement(nil), xmldsig.ErrMalformed)
	_, err = newSigner(t, xmldsig.SignerConfig{Key: kp}).Sign([]byte("<!DOCTYPE x><x/>"))
	assert.ErrorIs(t, err, xmldsig.ErrMalformed)
}

func TestSignElementDepthLimit(t *testing.T) {
	kp, _ := issue(t, signaturetest.P256)
	root := etree.NewElement("r")
	root.CreateAttr("ID", "x")
	el := root
	for range 5000 {
		el = el.CreateElement("d")
	}
	err := newSigner(t, xmldsig.SignerConfig{Key: kp}).SignElement(root)
	assert.ErrorIs(t, err, xmldsig.ErrLimit)
	assert.Nil(t, root.FindElement("Signature"), "no half-built signature left behind")
}

// TestConcurrentUse: one Signer and one Verifier shared by goroutines
// (run with -race).
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	kp, ca := issue(t, signaturetest.P256)
	s := newSigner(t, xmldsig.SignerConfig{Key: kp})
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, ca.Certificate)})
	errs := make(chan error, 16)
	for range 8 {
		go func() {
			signed, err := s.Sign([]byte(xoevDoc))
			if err == nil {
				_, err = v.Verify(ctx, signed)
			}
			errs <- err
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
}
