package xmlenc_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmlenc"
)

// BenchmarkDecryptAssertion decrypts a ~12 KB SAML assertion (RSA-OAEP
// 3072 + AES-256-GCM) and compares with the raw primitives (RSA-OAEP
// decrypt + AES-GCM open of the same sizes) in the same run.
func BenchmarkDecryptAssertion(b *testing.B) {
	kp, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.RSA3072})
	if err != nil {
		b.Fatal(err)
	}
	key := kp.Signer.(*rsa.PrivateKey)
	var sb strings.Builder
	sb.WriteString(`<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a">`)
	for i := 0; sb.Len() < 12<<10; i++ {
		fmt.Fprintf(&sb, `<saml:Attribute Name="urn:oid:%d"><saml:AttributeValue>Wert %d Musterstraße</saml:AttributeValue></saml:Attribute>`, i, i)
	}
	sb.WriteString(`</saml:Assertion>`)
	doc := etree.NewDocument()
	if err := doc.ReadFromString(sb.String()); err != nil {
		b.Fatal(err)
	}
	enc, _ := xmlenc.NewEncrypter(xmlenc.EncrypterConfig{Recipient: kp.Certificate})
	ed, err := enc.EncryptElement(doc.Root())
	if err != nil {
		b.Fatal(err)
	}
	dec, _ := xmlenc.NewDecrypter(xmlenc.DecrypterConfig{Key: key})

	cek := make([]byte, 32)
	_, _ = rand.Read(cek)
	ek, _ := rsa.EncryptOAEP(sha256.New(), rand.Reader, &key.PublicKey, cek, nil)
	block, _ := aes.NewCipher(cek)
	aead, _ := cipher.NewGCM(block)
	nonce := make([]byte, 12)
	ct := aead.Seal(nil, nonce, []byte(sb.String()), nil)

	b.SetBytes(int64(sb.Len()))
	rawOp := func() {
		k, err := rsa.DecryptOAEP(sha256.New(), nil, key, ek, nil)
		if err != nil {
			b.Fatal(err)
		}
		blk, _ := aes.NewCipher(k)
		g, _ := cipher.NewGCM(blk)
		if _, err := g.Open(nil, nonce, ct, nil); err != nil {
			b.Fatal(err)
		}
	}
	// Interleaved so that load changes on a shared machine hit both alike.
	var tRaw, tOurs time.Duration
	b.ResetTimer()
	for range b.N {
		t1 := time.Now()
		rawOp()
		t2 := time.Now()
		if _, err := dec.DecryptElement(ed); err != nil {
			b.Fatal(err)
		}
		tRaw += t2.Sub(t1)
		tOurs += time.Since(t2)
	}
	raw := float64(tRaw) / float64(b.N)
	ours := float64(tOurs) / float64(b.N)
	b.ReportMetric(ours, "ours-ns/op")
	b.ReportMetric(raw, "raw-ns/op")
	b.ReportMetric(ours/raw, "ratio")
}
