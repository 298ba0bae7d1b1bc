package jose_test

import (
	"crypto/rsa"
	"fmt"
	"strings"
	"time"

	"github.com/egosaar/ozg/signature/jose"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// Sign a FIT-Connect accept-submission event and verify it with the pinned
// key of the destination.
func ExampleSETSigner() {
	key, _ := signaturetest.NewKey(signaturetest.RSA2048, false)
	now := func() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }

	signer, err := jose.NewSETSigner(jose.SETSignerConfig{Key: key, KeyID: "sig-key-1", Issuer: "b8b5a9b6-destination", Now: now})
	if err != nil {
		panic(err)
	}
	set := jose.SET{Subject: "submission:0f1e", TransactionID: "case:9a8b"}
	_ = set.SetEvent("https://schema.fitko.de/fit-connect/events/accept-submission", map[string]any{})
	token, err := signer.Sign(set)
	if err != nil {
		panic(err)
	}

	verifier, err := jose.NewSETVerifier(jose.SETVerifierConfig{Key: key.Public(), KeyID: "sig-key-1", Issuer: "b8b5a9b6-destination", Now: now, SingleEvent: true})
	if err != nil {
		panic(err)
	}
	got, err := verifier.Verify(token)
	if err != nil {
		panic(err)
	}
	for uri := range got.Events {
		fmt.Println(got.Issuer, got.Subject, got.TransactionID, uri)
	}
	// Output:
	// b8b5a9b6-destination submission:0f1e case:9a8b https://schema.fitko.de/fit-connect/events/accept-submission
}

// Encrypt Fachdaten for a destination and decrypt them there. FIT-Connect
// requires 4096-bit keys; this example lowers the minimum to keep key
// generation fast.
func ExampleEncrypt() {
	k, _ := signaturetest.NewKey(signaturetest.RSA2048, false)
	key := k.(*rsa.PrivateKey)
	token, err := jose.Encrypt([]byte(`{"antrag":"Hundesteuer"}`), &key.PublicKey, jose.EncryptOptions{ContentType: "application/json", KeyID: "enc-1", MinRSABits: 2048})
	if err != nil {
		panic(err)
	}
	fmt.Println("segments:", len(strings.Split(token, ".")))

	d, err := jose.NewDecrypter(jose.DecrypterConfig{Key: key, KeyID: "enc-1", MinRSABits: 2048})
	if err != nil {
		panic(err)
	}
	got, err := d.Decrypt(token)
	if err != nil {
		panic(err)
	}
	fmt.Println(got.ContentType, string(got.Payload))
	// Output:
	// segments: 5
	// application/json {"antrag":"Hundesteuer"}
}

// Create a DPoP proof for a token request.
func ExampleDPoP_Proof() {
	k, _ := signaturetest.NewKey(signaturetest.P256, false)
	d, err := jose.NewDPoP(jose.DPoPConfig{Key: k})
	if err != nil {
		panic(err)
	}
	proof, err := d.Proof("POST", "https://auth.example/token", "", "")
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Algorithm(), len(strings.Split(proof, ".")))
	// Output:
	// ES256 3
}
