package jose_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"strings"
	"testing"

	"github.com/egosaar/ozg/signature/jose"
)

// fuzzKey is a fixed P-256 key so that the fuzz coordinator and its
// worker processes agree on it (seeds are generated in the coordinator).
func fuzzKey(f *testing.F) *ecdsa.PrivateKey {
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), bytes.Repeat([]byte{0x42}, 32))
	if err != nil {
		f.Fatal(err)
	}
	return k
}

// signedPart returns header.payload of a compact JWS.
func signedPart(tok string) string {
	if i := strings.LastIndexByte(tok, '.'); i >= 0 {
		return tok[:i]
	}
	return tok
}

// FuzzSETVerify: no panic, and nothing verifies whose signed part
// (header.payload) differs from the one we signed.
func FuzzSETVerify(f *testing.F) {
	key := fuzzKey(f)
	s, err := jose.NewSETSigner(jose.SETSignerConfig{Key: key, Algorithm: jose.ES256, Issuer: "i", Now: fixedNow})
	if err != nil {
		f.Fatal(err)
	}
	set := jose.SET{ID: "fixed-jti"}
	_ = set.SetEvent("urn:e", nil)
	tok, err := s.Sign(set)
	if err != nil {
		f.Fatal(err)
	}
	v, err := jose.NewSETVerifier(jose.SETVerifierConfig{Key: key.Public(), Algorithms: []string{jose.ES256}, Issuer: "i", Now: fixedNow})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tok)
	f.Add(tok[:len(tok)-2])
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := v.Verify(in)
		if err == nil && signedPart(in) != signedPart(tok) {
			t.Fatalf("mutated token verified: %q", in)
		}
		if (err == nil) == (got == nil) {
			t.Fatalf("result %v with error %v", got, err)
		}
	})
}

func FuzzJWEDecrypt(f *testing.F) {
	key := rsaKey(f)
	d, err := jose.NewDecrypter(jose.DecrypterConfig{Key: key, MinRSABits: 2048})
	if err != nil {
		f.Fatal(err)
	}
	tok, err := jose.Encrypt([]byte("x"), &key.PublicKey, jose.EncryptOptions{MinRSABits: 2048})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tok)
	f.Fuzz(func(t *testing.T, in string) {
		got, err := d.Decrypt(in)
		if (err == nil) == (got == nil) {
			t.Fatalf("result %v with error %v", got, err)
		}
		// The byte forms give the same verdict and payload.
		fromBytes, errB := d.DecryptBytes([]byte(in))
		inPlace, errP := d.DecryptInPlace([]byte(in))
		if (err == nil) != (errB == nil) || (err == nil) != (errP == nil) {
			t.Fatalf("verdicts differ: %v, %v, %v", err, errB, errP)
		}
		if err == nil && (!bytes.Equal(got.Payload, fromBytes.Payload) || !bytes.Equal(got.Payload, inPlace.Payload)) {
			t.Fatal("payloads differ")
		}
	})
}

func FuzzDPoPVerify(f *testing.F) {
	key := fuzzKey(f)
	d, err := jose.NewDPoP(jose.DPoPConfig{Key: key, Now: fixedNow})
	if err != nil {
		f.Fatal(err)
	}
	p, err := d.Proof("GET", "https://x.example/r", "t", "")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(p)
	f.Fuzz(func(t *testing.T, in string) {
		v, err := jose.NewDPoPVerifier(jose.DPoPVerifierConfig{Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		got, err := v.Verify(in, jose.DPoPExpect{Method: "GET", URL: "https://x.example/r", AccessToken: "t", Thumbprint: d.Thumbprint()})
		// Only proofs signed by our key verify; every such proof in the
		// corpus was created by Proof (random jti), so its claims are ours.
		if err == nil && (got.Thumbprint != d.Thumbprint() || got.IssuedAt.Unix() != t0.Unix()) {
			t.Fatalf("foreign proof verified: %q", in)
		}
		if (err == nil) == (got == nil) {
			t.Fatalf("result %v with error %v", got, err)
		}
	})
}
