package signature_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"testing"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

func FuzzLoadPEM(f *testing.F) {
	kp, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256})
	if err != nil {
		f.Fatal(err)
	}
	k, c, err := signaturetest.EncodePEM(kp)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(k, c)
	f.Add(append(c, k...), []byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"))
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\nMAA=\n-----END RSA PRIVATE KEY-----\n"), c)
	f.Fuzz(func(t *testing.T, key, cert []byte) {
		got, err := signature.LoadPEM(key, cert)
		if (err == nil) == (got == nil) {
			t.Fatalf("LoadPEM: result %v with error %v", got, err)
		}
	})
}

func FuzzLoadPKCS12(f *testing.F) {
	kp, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256})
	if err != nil {
		f.Fatal(err)
	}
	p12, err := signaturetest.EncodePKCS12(kp, "pw")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(p12, "pw")
	f.Add(p12[:100], "pw")
	f.Add([]byte{0x30, 0x80}, "")
	f.Fuzz(func(t *testing.T, data []byte, pw string) {
		got, err := signature.LoadPKCS12(data, pw)
		if (err == nil) == (got == nil) {
			t.Fatalf("LoadPKCS12: result %v with error %v", got, err)
		}
	})
}

func FuzzVerify(f *testing.F) {
	// A fixed key, so that the coordinator's seeds verify in the workers.
	key, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), bytes.Repeat([]byte{0x42}, 32))
	if err != nil {
		f.Fatal(err)
	}
	kp, err := signaturetest.SelfSigned(signaturetest.Options{Signer: key})
	if err != nil {
		f.Fatal(err)
	}
	m, _ := signature.LookupMethod(signature.ECDSASHA256)
	data := []byte("signed")
	sig, err := signature.Sign(kp.Signer, m, data)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data, sig, false)
	f.Add(data, sig[:10], true)
	f.Fuzz(func(t *testing.T, d, s []byte, der bool) {
		err := signature.Verify(kp.Public(), m, d, s, signature.VerifyOptions{AllowECDSADER: der})
		if err == nil && (string(d) != string(data)) {
			t.Fatalf("foreign data verified")
		}
	})
}
