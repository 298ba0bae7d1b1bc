package saml_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"testing"
	"time"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
)

// BenchmarkBundIDResponse measures ParseResponse (parse, decrypt RSA-OAEP
// + AES-256-GCM, verify RSA-PSS, all checks, attribute mapping) on a
// typical BundID response (12 attributes, ~12 KB) and, in the same loop,
// the raw primitives that response needs: one rsa.DecryptOAEP and one
// rsa.VerifyPSS with the same key sizes. It reports the ratio as
// x_raw_crypto (target ≤ 2).
func BenchmarkBundIDResponse(b *testing.B) {
	e := newEnv(b, accounttest.BundID, func(c *saml.Config) { c.Store = acceptAllStore{saml.NewMemoryStore()} })
	xml, pending := e.respond(saml.LoginOptions{}, accounttest.Faults{})
	ctx := context.Background()
	if _, err := e.sp.ParseResponse(ctx, xml, pending); err != nil {
		b.Fatal(err)
	}
	// Raw anchor: the SP's RSA key (OAEP, SHA-256) and the IdP's key (PSS).
	spKey := e.cfg.DecryptionKey.(*rsa.PrivateKey)
	idpKey := e.idp.Key().Signer.(*rsa.PrivateKey)
	cek := make([]byte, 32)
	ct, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, &spKey.PublicKey, cek, nil)
	if err != nil {
		b.Fatal(err)
	}
	digest := sha256.Sum256(xml)
	sig, err := rsa.SignPSS(rand.Reader, idpKey, crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(xml)))
	b.ReportAllocs()
	var sdk, raw time.Duration
	for b.Loop() {
		t1 := time.Now()
		if _, err := e.sp.ParseResponse(ctx, xml, pending); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		if _, err := rsa.DecryptOAEP(sha256.New(), nil, spKey, ct, nil); err != nil {
			b.Fatal(err)
		}
		h := sha256.Sum256(xml)
		if err := rsa.VerifyPSS(&idpKey.PublicKey, crypto.SHA256, h[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}); err != nil {
			b.Fatal(err)
		}
		raw += time.Since(t2)
		sdk += t2.Sub(t1)
	}
	b.ReportMetric(float64(sdk)/float64(raw), "x_raw_crypto")
	b.ReportMetric(float64(raw.Nanoseconds())/float64(b.N), "raw_ns/op")
	b.ReportMetric(float64(len(xml)), "response_bytes")
}

// BenchmarkIdPMetadataVerify measures VerifyIdPMetadata (parse, enveloped
// signature check against the pinned metadata signer, metadata parsing)
// on the simulator's signed metadata and, in the same loop, the raw
// primitive it needs: one rsa.VerifyPSS with the same key. It reports the
// ratio as x_raw_verify.
func BenchmarkIdPMetadataVerify(b *testing.B) {
	idp, err := accounttest.NewServer(accounttest.Config{MetadataValidity: 24 * time.Hour, MetadataCacheDuration: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	defer idp.Close()
	md, err := idp.SignedMetadata()
	if err != nil {
		b.Fatal(err)
	}
	signers := []*x509.Certificate{idp.MetadataCertificate()}
	ctx := context.Background()
	if _, err := saml.VerifyIdPMetadata(ctx, md, signers); err != nil {
		b.Fatal(err)
	}
	key := idp.Key().Signer.(*rsa.PrivateKey)
	digest := sha256.Sum256(md)
	sig, err := rsa.SignPSS(rand.Reader, key, crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(md)))
	b.ReportAllocs()
	var sdk, raw time.Duration
	for b.Loop() {
		t1 := time.Now()
		if _, err := saml.VerifyIdPMetadata(ctx, md, signers); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		h := sha256.Sum256(md)
		if err := rsa.VerifyPSS(&key.PublicKey, crypto.SHA256, h[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}); err != nil {
			b.Fatal(err)
		}
		raw += time.Since(t2)
		sdk += t2.Sub(t1)
	}
	b.ReportMetric(float64(sdk)/float64(raw), "x_raw_verify")
	b.ReportMetric(float64(len(md)), "metadata_bytes")
}
