package xmlenc_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"testing"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/internal/xmlsafe"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmlenc"
)

func FuzzDecryptElement(f *testing.F) {
	// A fixed key (test fixture) so that the coordinator's seeds decrypt
	// in the fuzz worker processes and mutations reach the crypto paths.
	keyPEM, err := os.ReadFile("testdata/fuzz-key.pem")
	if err != nil {
		f.Fatal(err)
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		f.Fatal("no PEM block")
	}
	priv, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		f.Fatal(err)
	}
	kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "fuzz", Signer: priv.(*rsa.PrivateKey)})
	if err != nil {
		f.Fatal(err)
	}
	d, err := xmlenc.NewDecrypter(xmlenc.DecrypterConfig{Key: kp.Signer.(*rsa.PrivateKey), InsecureAllowCBC: true, MaxPlaintextBytes: 1 << 16})
	if err != nil {
		f.Fatal(err)
	}
	for _, cfg := range []xmlenc.EncrypterConfig{
		{Recipient: kp.Certificate},
		{Recipient: kp.Certificate, KeyPlacement: xmlenc.KeySibling, KeyTransport: xmlenc.RSAOAEPMGF1P},
		{Recipient: kp.Certificate, Content: xmlenc.AES128CBC, InsecureAllowCBC: true},
	} {
		enc, err := xmlenc.NewEncrypter(cfg)
		if err != nil {
			f.Fatal(err)
		}
		src := etree.NewDocument()
		_ = src.ReadFromString(`<a:x xmlns:a="urn:a"><a:y>1</a:y></a:x>`)
		res, err := enc.Encrypt(src.Root())
		if err != nil {
			f.Fatal(err)
		}
		doc := etree.NewDocument()
		w := doc.CreateElement("w")
		w.AddChild(res.EncryptedData)
		if res.EncryptedKey != nil {
			w.AddChild(res.EncryptedKey)
		}
		b, _ := doc.WriteToBytes()
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := xmlsafe.Parse(data, xmlsafe.Limits{MaxBytes: 1 << 16})
		if err != nil {
			return
		}
		for _, ed := range doc.FindElements("//EncryptedData") {
			el, err := d.DecryptElement(ed)
			if (err == nil) == (el == nil) {
				t.Fatalf("result %v with error %v", el, err)
			}
		}
	})
}
