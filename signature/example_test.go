package signature_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// Sign with RSA-PSS (salt length = hash length) and verify under the
// default policy.
func ExampleSign() {
	kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "Stadt Musterhausen"})
	if err != nil {
		panic(err)
	}
	policy := signature.Policy{} // secure defaults
	m, err := policy.SignatureMethod(signature.RSAPSSSHA256)
	if err != nil {
		panic(err)
	}
	data := []byte("<Nachricht/>")
	sig, err := signature.Sign(kp.Signer, m, data)
	if err != nil {
		panic(err)
	}
	fmt.Println("verified:", signature.Verify(kp.Public(), m, data, sig, signature.VerifyOptions{}) == nil)

	_, err = policy.SignatureMethod(signature.RSASHA1)
	fmt.Println("sha1 refused:", errors.Is(err, signature.ErrAlgorithmNotAllowed))
	// Output:
	// verified: true
	// sha1 refused: true
}

// Load a PKCS#12 file and verify its certificate against the issuing root.
func ExampleLoadPKCS12() {
	root, _ := signaturetest.NewCA("Verwaltungs-PKI Test Root", signaturetest.P256)
	inter, _ := root.NewIntermediate("Test Sub-CA")
	issued, _ := inter.Issue(signaturetest.Options{CommonName: "Stadt Musterhausen", Key: signaturetest.P256})
	p12, _ := signaturetest.EncodePKCS12(issued, "geheim")

	kp, err := signature.LoadPKCS12(p12, "falsch")
	fmt.Println("wrong password:", errors.Is(err, signature.ErrIncorrectPassword), kp == nil)

	kp, err = signature.LoadPKCS12(p12, "geheim")
	if err != nil {
		panic(err)
	}
	store, err := signature.NewTrustStore(signature.TrustConfig{
		Anchors: []*x509.Certificate{root.Certificate},
		Now:     time.Now,
	})
	if err != nil {
		panic(err)
	}
	chain, err := store.Verify(context.Background(), kp.Certificate, kp.Chain)
	if err != nil {
		panic(err)
	}
	for _, c := range chain {
		fmt.Println(c.Subject.CommonName)
	}
	// Output:
	// wrong password: true true
	// Stadt Musterhausen
	// Test Sub-CA
	// Verwaltungs-PKI Test Root
}

// A partner publishes a bare public key (PEM "PUBLIC KEY") instead of a
// certificate: pin it; only that exact key is trusted.
func ExampleTrustStore_VerifyKey() {
	partner, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&partner.PublicKey)
	if err != nil {
		panic(err)
	}
	published := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})

	pub, err := signature.ParsePublicKeyPEM(published)
	if err != nil {
		panic(err)
	}
	trust, err := signature.NewTrustStore(signature.TrustConfig{PinnedKeys: []crypto.PublicKey{pub}})
	if err != nil {
		panic(err)
	}
	fmt.Println(trust.VerifyKey(context.Background(), &partner.PublicKey))
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	fmt.Println(trust.VerifyKey(context.Background(), &other.PublicKey))
	// Output:
	// <nil>
	// signature: untrusted key: public key not pinned
}
