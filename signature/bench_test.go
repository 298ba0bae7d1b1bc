package signature_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// benchPair runs ours and raw alternately, b.N times each, timing each
// call separately so that load changes on a shared machine hit both
// sides alike, and reports both and their ratio.
func benchPair(b *testing.B, ours, raw func()) {
	b.Helper()
	var tOurs, tRaw time.Duration
	b.ResetTimer()
	for range b.N {
		s := time.Now()
		raw()
		m := time.Now()
		ours()
		tRaw += m.Sub(s)
		tOurs += time.Since(m)
	}
	nsOurs := float64(tOurs.Nanoseconds()) / float64(b.N)
	nsRaw := float64(tRaw.Nanoseconds()) / float64(b.N)
	b.ReportMetric(nsOurs, "ours-ns/op")
	b.ReportMetric(nsRaw, "raw-ns/op")
	b.ReportMetric(nsOurs/nsRaw, "ratio")
}

func BenchmarkVerifyRSAPSS2048(b *testing.B) {
	k := mustKey(b, signaturetest.RSA2048).(*rsa.PrivateKey)
	m := method(b, signature.RSAPSSSHA256)
	data := make([]byte, 2048)
	sig, err := signature.Sign(k, m, data)
	if err != nil {
		b.Fatal(err)
	}
	benchPair(b, func() {
		if err := signature.Verify(&k.PublicKey, m, data, sig, signature.VerifyOptions{}); err != nil {
			b.Fatal(err)
		}
	}, func() {
		d := sha256.Sum256(data)
		if err := rsa.VerifyPSS(&k.PublicKey, crypto.SHA256, d[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkSignRSA2048(b *testing.B) {
	k := mustKey(b, signaturetest.RSA2048).(*rsa.PrivateKey)
	m := method(b, signature.RSASHA256)
	data := make([]byte, 2048)
	benchPair(b, func() {
		if _, err := signature.Sign(k, m, data); err != nil {
			b.Fatal(err)
		}
	}, func() {
		d := sha256.Sum256(data)
		if _, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, d[:]); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkVerifyECDSAP256(b *testing.B) {
	k := mustKey(b, signaturetest.P256).(*ecdsa.PrivateKey)
	m := method(b, signature.ECDSASHA256)
	data := make([]byte, 2048)
	sig, err := signature.Sign(k, m, data)
	if err != nil {
		b.Fatal(err)
	}
	d := sha256.Sum256(data)
	der, err := ecdsa.SignASN1(rand.Reader, k, d[:])
	if err != nil {
		b.Fatal(err)
	}
	benchPair(b, func() {
		if err := signature.Verify(&k.PublicKey, m, data, sig, signature.VerifyOptions{}); err != nil {
			b.Fatal(err)
		}
	}, func() {
		d := sha256.Sum256(data)
		if !ecdsa.VerifyASN1(&k.PublicKey, d[:], der) {
			b.Fatal("verify")
		}
	})
}

func BenchmarkSignECDSAP256(b *testing.B) {
	k := mustKey(b, signaturetest.P256).(*ecdsa.PrivateKey)
	m := method(b, signature.ECDSASHA256)
	data := make([]byte, 2048)
	benchPair(b, func() {
		if _, err := signature.Sign(k, m, data); err != nil {
			b.Fatal(err)
		}
	}, func() {
		d := sha256.Sum256(data)
		if _, err := ecdsa.SignASN1(rand.Reader, k, d[:]); err != nil {
			b.Fatal(err)
		}
	})
}
