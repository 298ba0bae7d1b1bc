package xmlenc_test

import (
	"crypto/rsa"
	"fmt"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmlenc"
)

// Encrypt a SAML assertion for a service provider and decrypt it there.
func Example() {
	sp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "SP Verschluesselung"})
	if err != nil {
		panic(err)
	}
	doc := etree.NewDocument()
	_ = doc.ReadFromString(`<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_1"><saml:Issuer>https://id.bund.de</saml:Issuer></saml:Assertion>`)

	enc, err := xmlenc.NewEncrypter(xmlenc.EncrypterConfig{Recipient: sp.Certificate})
	if err != nil {
		panic(err)
	}
	ed, err := enc.EncryptElement(doc.Root())
	if err != nil {
		panic(err)
	}
	fmt.Println(ed.FindElement("EncryptionMethod").SelectAttrValue("Algorithm", ""))

	dec, err := xmlenc.NewDecrypter(xmlenc.DecrypterConfig{Key: sp.Signer.(*rsa.PrivateKey)})
	if err != nil {
		panic(err)
	}
	el, err := dec.DecryptElement(ed)
	if err != nil {
		panic(err)
	}
	fmt.Println(el.Tag, el.SelectElement("Issuer").Text())
	// Output:
	// http://www.w3.org/2009/xmlenc11#aes256-gcm
	// Assertion https://id.bund.de
}
