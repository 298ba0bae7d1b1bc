package xmldsig_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// Sign an XÖV message with an authority certificate and verify it against
// the issuing CA. Business code reads only Result.Element.
func Example() {
	ca, err := signaturetest.NewCA("Verwaltungs-PKI Test-CA", signaturetest.P256)
	if err != nil {
		log.Fatal(err)
	}
	key, err := ca.Issue(signaturetest.Options{CommonName: "Bauamt Musterstadt", Key: signaturetest.P256})
	if err != nil {
		log.Fatal(err)
	}
	signer, err := xmldsig.NewSigner(xmldsig.SignerConfig{Key: key})
	if err != nil {
		log.Fatal(err)
	}
	signed, err := signer.Sign([]byte(`<xbau:baugenehmigung.antrag.0200 xmlns:xbau="http://www.xleitstelle.de/xbau/2/6"><antragsteller>Erika Mustermann</antragsteller></xbau:baugenehmigung.antrag.0200>`))
	if err != nil {
		log.Fatal(err)
	}

	trust, err := signature.NewTrustStore(signature.TrustConfig{Anchors: []*x509.Certificate{ca.Certificate}})
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := xmldsig.NewVerifier(xmldsig.VerifierConfig{Trust: trust})
	if err != nil {
		log.Fatal(err)
	}
	res, err := verifier.Verify(context.Background(), signed)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Certificate.Subject.CommonName)
	fmt.Println(res.SignatureMethod)
	fmt.Println(res.Element.FindElement("antragsteller").Text())
	// Output:
	// Bauamt Musterstadt
	// http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256
	// Erika Mustermann
}

// Sign a SAML assertion inside a response (Signature after saml:Issuer)
// and verify that element by its ID.
func ExampleVerifier_VerifyElement() {
	idp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "idp.example", Key: signaturetest.RSA2048})
	if err != nil {
		log.Fatal(err)
	}
	signer, err := xmldsig.NewSigner(xmldsig.SignerConfig{
		Key:       idp,
		Placement: xmldsig.Placement{Position: xmldsig.AfterElement, Space: "urn:oasis:names:tc:SAML:2.0:assertion", Local: "Issuer"},
	})
	if err != nil {
		log.Fatal(err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromString(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="r1"><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1"><saml:Issuer>https://idp.example</saml:Issuer><saml:Subject><saml:NameID>alice</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>`); err != nil {
		log.Fatal(err)
	}
	if err := signer.SignElement(doc.FindElement("//Assertion")); err != nil {
		log.Fatal(err)
	}

	// The IdP's metadata certificate is pinned.
	trust, err := signature.NewTrustStore(signature.TrustConfig{Pinned: []*x509.Certificate{idp.Certificate}})
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := xmldsig.NewVerifier(xmldsig.VerifierConfig{Trust: trust})
	if err != nil {
		log.Fatal(err)
	}
	res, err := verifier.VerifyElement(context.Background(), doc.FindElement("//Assertion"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Element.FindElement("Subject/NameID").Text())

	// A changed NameID no longer verifies.
	doc.FindElement("//NameID").SetText("admin")
	_, err = verifier.VerifyElement(context.Background(), doc.FindElement("//Assertion"))
	fmt.Println(err)
	// Output:
	// alice
	// xmldsig: reference "#a1": digest mismatch
}

// Verify a tree the application parsed itself and no longer needs:
// VerifyDocumentInPlace turns it into the verified element instead of
// copying it, as Verify does with the tree it parses from bytes. The
// document is handed over; only Result.Element is read afterwards.
func ExampleVerifier_VerifyDocumentInPlace() {
	key, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "Bauamt Musterstadt", Key: signaturetest.P256})
	if err != nil {
		log.Fatal(err)
	}
	signer, err := xmldsig.NewSigner(xmldsig.SignerConfig{Key: key})
	if err != nil {
		log.Fatal(err)
	}
	signed, err := signer.Sign([]byte(`<xbau:baugenehmigung.antrag.0200 xmlns:xbau="http://www.xleitstelle.de/xbau/2/6"><!-- Entwurf --><antragsteller>Erika Mustermann</antragsteller></xbau:baugenehmigung.antrag.0200>`))
	if err != nil {
		log.Fatal(err)
	}
	trust, err := signature.NewTrustStore(signature.TrustConfig{Pinned: []*x509.Certificate{key.Certificate}})
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := xmldsig.NewVerifier(xmldsig.VerifierConfig{Trust: trust})
	if err != nil {
		log.Fatal(err)
	}

	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(signed); err != nil {
		log.Fatal(err)
	}
	res, err := verifier.VerifyDocumentInPlace(context.Background(), doc)
	if err != nil {
		log.Fatal(err)
	}
	out := etree.NewDocument()
	out.SetRoot(res.Element)
	s, err := out.WriteToString()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s) // the Signature and the comment are gone
	// Output:
	// <xbau:baugenehmigung.antrag.0200 xmlns:xbau="http://www.xleitstelle.de/xbau/2/6"><antragsteller>Erika Mustermann</antragsteller></xbau:baugenehmigung.antrag.0200>
}

// Verify a signature that carries no KeyInfo, as IdPs do that rely on
// their metadata: the key is found among the pinned certificates (here
// two, during a key rollover). Trust anchors alone would not do.
func ExampleVerifier_Verify_withoutKeyInfo() {
	oldKey, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "idp.example 2025", Key: signaturetest.P256})
	if err != nil {
		log.Fatal(err)
	}
	newKey, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "idp.example 2026", Key: signaturetest.P256})
	if err != nil {
		log.Fatal(err)
	}
	signer, err := xmldsig.NewSigner(xmldsig.SignerConfig{Key: newKey, OmitKeyInfo: true})
	if err != nil {
		log.Fatal(err)
	}
	signed, err := signer.Sign([]byte(`<EntityAttributes xmlns="urn:example"><Attribute>bundid</Attribute></EntityAttributes>`))
	if err != nil {
		log.Fatal(err)
	}

	trust, err := signature.NewTrustStore(signature.TrustConfig{Pinned: []*x509.Certificate{oldKey.Certificate, newKey.Certificate}})
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := xmldsig.NewVerifier(xmldsig.VerifierConfig{Trust: trust})
	if err != nil {
		log.Fatal(err)
	}
	res, err := verifier.Verify(context.Background(), signed)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Certificate.Subject.CommonName)
	fmt.Println(res.Element.FindElement("Attribute").Text())

	// Only the old certificate pinned: the signer is not trusted.
	oldOnly, err := signature.NewTrustStore(signature.TrustConfig{Pinned: []*x509.Certificate{oldKey.Certificate}})
	if err != nil {
		log.Fatal(err)
	}
	verifier, err = xmldsig.NewVerifier(xmldsig.VerifierConfig{Trust: oldOnly})
	if err != nil {
		log.Fatal(err)
	}
	_, err = verifier.Verify(context.Background(), signed)
	fmt.Println(errors.Is(err, xmldsig.ErrUntrustedKey))
	// Output:
	// idp.example 2026
	// bundid
	// true
}

// Canonicalize gives the exclusive canonical form of one element of a
// document (the bytes an "#id" reference digests): the namespace
// declarations it uses move onto it, attributes are sorted, empty
// elements get end tags; InclusiveNamespaces keeps the unused "x".
func ExampleCanonicalize() {
	doc := etree.NewDocument()
	if err := doc.ReadFromString(`<a:r xmlns:a="urn:a" xmlns:b="urn:b" xmlns:x="urn:x"><a:e z="2" b:y="1" id="e1"><b:leer/></a:e></a:r>`); err != nil {
		panic(err)
	}
	el := doc.FindElement("//a:e")
	var out strings.Builder
	if err := xmldsig.Canonicalize(&out, el, xmldsig.ExcC14N); err != nil {
		panic(err)
	}
	fmt.Println(out.String())
	out.Reset()
	if err := xmldsig.Canonicalize(&out, el, xmldsig.ExcC14N, "x"); err != nil {
		panic(err)
	}
	fmt.Println(out.String())
	// Output:
	// <a:e xmlns:a="urn:a" xmlns:b="urn:b" id="e1" z="2" b:y="1"><b:leer></b:leer></a:e>
	// <a:e xmlns:a="urn:a" xmlns:b="urn:b" xmlns:x="urn:x" id="e1" z="2" b:y="1"><b:leer></b:leer></a:e>
}
