package jose_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha512"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/egosaar/ozg/signature/jose"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// BenchmarkSETVerify compares SETVerifier.Verify (PS512 with a 4096-bit
// key, the FIT-Connect profile) with the raw rsa.VerifyPSS over the same
// signing input, and with jwx's jws.Verify, in the same run.
func BenchmarkSETVerify(b *testing.B) {
	k, err := signaturetest.NewKey(signaturetest.RSA4096, false)
	if err != nil {
		b.Fatal(err)
	}
	key := k.(*rsa.PrivateKey)
	s, _ := jose.NewSETSigner(jose.SETSignerConfig{Key: key, Issuer: "dest", Now: fixedNow})
	tok, err := s.Sign(sampleSET(b))
	if err != nil {
		b.Fatal(err)
	}
	v, _ := jose.NewSETVerifier(jose.SETVerifierConfig{Key: &key.PublicKey, Issuer: "dest", Now: fixedNow})
	i := strings.LastIndexByte(tok, '.')
	input := []byte(tok[:i])
	sig, _ := base64.RawURLEncoding.DecodeString(tok[i+1:])

	rawOp := func() {
		d := sha512.Sum512(input)
		if err := rsa.VerifyPSS(&key.PublicKey, crypto.SHA512, d[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}); err != nil {
			b.Fatal(err)
		}
	}
	jwxOp := func() {
		if _, err := jws.Verify([]byte(tok), jws.WithKey(jwa.PS512, &key.PublicKey)); err != nil {
			b.Fatal(err)
		}
	}
	oursOp := func() {
		if _, err := v.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
	// Interleaved so that load changes on a shared machine hit all alike.
	var tRaw, tJWX, tOurs time.Duration
	b.ResetTimer()
	for range b.N {
		t1 := time.Now()
		rawOp()
		t2 := time.Now()
		jwxOp()
		t3 := time.Now()
		oursOp()
		tRaw += t2.Sub(t1)
		tJWX += t3.Sub(t2)
		tOurs += time.Since(t3)
	}
	n := float64(b.N)
	raw, jwx, ours := float64(tRaw)/n, float64(tJWX)/n, float64(tOurs)/n
	b.ReportMetric(ours, "ours-ns/op")
	b.ReportMetric(raw, "raw-ns/op")
	b.ReportMetric(jwx, "jwx-ns/op")
	b.ReportMetric(ours/raw, "ratio-raw")
	b.ReportMetric(jwx/raw, "jwx-ratio-raw")
}
