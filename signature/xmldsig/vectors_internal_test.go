package xmldsig

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/xmlsafe"
	"github.com/egosaar/ozg/signature"
)

func readVector(t *testing.T, name string) *etree.Document {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "xmlsec", name))
	require.NoError(t, err)
	doc, err := xmlsafe.Parse(data, xmlsafe.Limits{})
	require.NoError(t, err)
	return doc
}

func canon(t *testing.T, el *etree.Element, mode c14nMode, skip *etree.Element) []byte {
	t.Helper()
	var buf bytes.Buffer
	_, err := newCanonicalizer(&buf, mode, skip, false).subtree(el)
	require.NoError(t, err)
	return buf.Bytes()
}

// TestMerlinC14NGolden compares the canonicalizer with the published
// outputs of the merlin-c14n-three suite for whole-subtree node-sets.
func TestMerlinC14NGolden(t *testing.T) {
	doc := readVector(t, "merlin-c14n-three/signature.xml")
	apex := doc.Root().ChildElements()[0]
	require.Equal(t, "bar:Something", apex.FullTag())
	for _, c := range []struct {
		file string
		mode c14nMode
	}{
		{"c14n-0.txt", c14nMode{}},
		{"c14n-9.txt", c14nMode{exclusive: true}},
		{"c14n-18.txt", c14nMode{exclusive: true, inclusive: []string{""}}},
	} {
		t.Run(c.file, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", "xmlsec", "merlin-c14n-three", c.file))
			require.NoError(t, err)
			assert.Equal(t, string(want), string(canon(t, apex, c.mode, nil)))
		})
	}
}

func findDS(el *etree.Element, local string) *etree.Element {
	if el.Tag == local && el.NamespaceURI() == nsDSig {
		return el
	}
	for _, c := range el.ChildElements() {
		if f := findDS(c, local); f != nil {
			return f
		}
	}
	return nil
}

func b64(t *testing.T, el *etree.Element) []byte {
	t.Helper()
	b, err := base64Of(el)
	require.NoError(t, err)
	return b
}

func publicKey(t *testing.T, name string) crypto.PublicKey {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "xmlsec", name))
	require.NoError(t, err)
	blk, _ := pem.Decode(data)
	require.NotNil(t, blk)
	pub, err := x509.ParsePKIXPublicKey(blk.Bytes)
	require.NoError(t, err)
	return pub
}

// TestAlekseyVectors checks digest and signature value of xmlsec's own
// signatures (RSA-PSS with salt = hash length, ECDSA r||s and its ASN.1
// variant). Their XPath transform "not(ancestor-or-self::dsig:Signature)"
// selects what the enveloped-signature transform does, so the digest is
// computed with the latter.
func TestAlekseyVectors(t *testing.T) {
	for _, c := range []struct {
		file, key string
		der       bool
	}{
		{"enveloped-sha256-ecdsa-sha256.xml", "keys/ec/ec-prime256v1-pubkey.pem", false},
		{"enveloped-sha256-ecdsa-sha256-with-asn1.xml", "keys/ec/ec-prime256v1-pubkey.pem", true},
		{"enveloped-sha256-rsa-pss-sha256.xml", "keys/rsa/rsa-4096-pubkey.pem", false},
		{"enveloped-sha384-rsa-pss-sha384.xml", "keys/rsa/rsa-4096-pubkey.pem", false},
		{"enveloped-sha512-rsa-pss-sha512.xml", "keys/rsa/rsa-4096-pubkey.pem", false},
	} {
		t.Run(c.file, func(t *testing.T) {
			doc := readVector(t, "aleksey-xmldsig-01/"+c.file)
			sig := findDS(doc.Root(), "Signature")
			si := findDS(sig, "SignedInfo")
			alg := findDS(si, "SignatureMethod").SelectAttrValue("Algorithm", "")
			m, err := signature.Policy{}.SignatureMethod(alg)
			require.NoError(t, err)
			h, err := signature.Policy{}.DigestMethod(findDS(si, "DigestMethod").SelectAttrValue("Algorithm", ""))
			require.NoError(t, err)

			hh := h.New()
			_, err = newCanonicalizer(hh, c14nMode{}, sig, false).document(&doc.Element, doc.Root())
			require.NoError(t, err)
			assert.Equal(t, b64(t, findDS(si, "DigestValue")), hh.Sum(nil), "digest")

			data := canon(t, si, c14nMode{}, nil)
			pub := publicKey(t, c.key)
			value := b64(t, findDS(sig, "SignatureValue"))
			err = signature.Verify(pub, m, data, value, signature.VerifyOptions{})
			if c.der {
				require.ErrorIs(t, err, signature.ErrInvalidSignature, "DER value accepted by default")
				err = signature.Verify(pub, m, data, value, signature.VerifyOptions{AllowECDSADER: true})
			}
			require.NoError(t, err)
		})
	}
}

// TestPhaosVectors checks our C14N 1.0 digest and SignedInfo form against
// the Phaos interop signature (RSA-SHA1, 1024 bits: only checked here with
// the primitive, never accepted by the Verifier).
func TestPhaosVectors(t *testing.T) {
	for _, c := range []struct {
		file            string
		digestOK, sigOK bool
	}{
		{"signature-rsa-enveloped.xml", true, true},
		{"signature-rsa-enveloped-bad-digest-val.xml", false, false},
		{"signature-rsa-enveloped-bad-sig.xml", true, false},
	} {
		t.Run(c.file, func(t *testing.T) {
			doc := readVector(t, "phaos-xmldsig-three/"+c.file)
			sig := findDS(doc.Root(), "Signature")
			si := findDS(sig, "SignedInfo")
			hh := crypto.SHA1.New()
			_, err := newCanonicalizer(hh, c14nMode{}, sig, false).document(&doc.Element, doc.Root())
			require.NoError(t, err)
			assert.Equal(t, c.digestOK, bytes.Equal(b64(t, findDS(si, "DigestValue")), hh.Sum(nil)))

			cert, err := x509.ParseCertificate(b64(t, findDS(sig, "X509Certificate")))
			require.NoError(t, err)
			sum := crypto.SHA1.New()
			sum.Write(canon(t, si, c14nMode{}, nil))
			err = rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA1, sum.Sum(nil), b64(t, findDS(sig, "SignatureValue")))
			assert.Equal(t, c.sigOK, err == nil)
		})
	}
}
