//lint:file-ignore SA1019 constructing short ECDSA signatures needs raw curve math on the test key (ScalarBaseMult, PrivateKey.D); test-only.

package signature_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
)

// shortECDSA returns a digest and a valid signature (r, s) over it whose r
// and s both fit in half bytes, built with the private key: r comes from a
// searched nonce k; then either s is chosen small and the digest solved
// (e = s·k − r·d mod n, when the digest is as long as the order) or the
// digest is random and s = k⁻¹(e + r·d) mod n is searched (P-521, whose
// SHA-512 digest is shorter than the order). This finds "valid but short"
// values in a few hundred attempts instead of millions of signatures.
func shortECDSA(t *testing.T, priv *ecdsa.PrivateKey, h crypto.Hash, half int) (digest []byte, r, s *big.Int) {
	t.Helper()
	c := priv.Curve
	n := c.Params().N
	limit := new(big.Int).Lsh(big.NewInt(1), uint(8*half))
	solveDigest := n.BitLen() <= 8*h.Size()
	for range 1 << 14 {
		k, err := rand.Int(rand.Reader, n)
		require.NoError(t, err)
		if k.Sign() == 0 {
			continue
		}
		x, _ := c.ScalarBaseMult(k.Bytes()) //nolint:staticcheck // test-only math with the private key
		r = new(big.Int).Mod(x, n)
		if r.Sign() == 0 || r.Cmp(limit) >= 0 {
			continue
		}
		digest = make([]byte, h.Size())
		if solveDigest {
			if s, err = rand.Int(rand.Reader, limit); err != nil || s.Sign() == 0 {
				continue
			}
			e := new(big.Int).Mul(s, k)
			e.Sub(e, new(big.Int).Mul(r, priv.D))
			e.Mod(e, n).FillBytes(digest)
		} else {
			_, _ = rand.Read(digest)
			s = new(big.Int).Mul(r, priv.D)
			s.Add(s, new(big.Int).SetBytes(digest))
			s.Mul(s, new(big.Int).ModInverse(k, n))
			s.Mod(s, n)
			if s.Sign() == 0 || s.Cmp(limit) >= 0 {
				continue
			}
		}
		require.True(t, ecdsa.Verify(&priv.PublicKey, digest, r, s), "constructed signature verifies")
		return digest, r, s
	}
	t.Fatal("no short signature found")
	return nil, nil, nil
}

func rawRS(r, s *big.Int, half int) []byte {
	out := make([]byte, 2*half)
	r.FillBytes(out[:half])
	s.FillBytes(out[half:])
	return out
}

// TestECDSAShortValues: exactly the P-521 value of 2×65 bytes is accepted
// besides 2×field size (as xmlsec1 does); every other short value is
// refused even though it would verify after padding.
func TestECDSAShortValues(t *testing.T) {
	t.Parallel()
	p521, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	require.NoError(t, err)
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	m521, _ := signature.LookupMethod(signature.ECDSASHA512)
	m256, _ := signature.LookupMethod(signature.ECDSASHA256)
	m384, _ := signature.LookupMethod(signature.ECDSASHA384)
	opts := signature.VerifyOptions{}

	d521, r, s := shortECDSA(t, p521, crypto.SHA512, signature.P521ShortHalf)
	require.NoError(t, signature.VerifyDigest(&p521.PublicKey, m521, d521, rawRS(r, s, 66), opts), "2×66")
	require.NoError(t, signature.VerifyDigest(&p521.PublicKey, m521, d521, rawRS(r, s, 65), opts), "2×65 (older Java signers)")
	require.NoError(t, signature.VerifyDigest(&p521.PublicKey, m521, d521, rawRS(r, s, 65), signature.VerifyOptions{AllowECDSADER: true}))
	bad := rawRS(r, s, 65)
	bad[len(bad)-1] ^= 1
	assert.ErrorIs(t, signature.VerifyDigest(&p521.PublicKey, m521, d521, bad, opts), signature.ErrInvalidSignature, "tampered 2×65")

	d256, r256, s256 := shortECDSA(t, p256, crypto.SHA256, 31)
	require.NoError(t, signature.VerifyDigest(&p256.PublicKey, m256, d256, rawRS(r256, s256, 32), opts))
	d384, r384, s384 := shortECDSA(t, p384, crypto.SHA384, 47)
	require.NoError(t, signature.VerifyDigest(&p384.PublicKey, m384, d384, rawRS(r384, s384, 48), opts))

	refused := []struct {
		name   string
		pub    *ecdsa.PublicKey
		m      signature.Method
		digest []byte
		value  []byte
	}{
		{"P-521 2×64", &p521.PublicKey, m521, d521, make([]byte, 128)},
		{"P-521 2×65 one half longer", &p521.PublicKey, m521, d521, append([]byte{0}, rawRS(r, s, 65)...)},
		{"P-521 2×67", &p521.PublicKey, m521, d521, rawRS(r, s, 67)},
		{"P-256 2×31", &p256.PublicKey, m256, d256, rawRS(r256, s256, 31)},
		{"P-256 2×33", &p256.PublicKey, m256, d256, rawRS(r256, s256, 33)},
		{"P-384 2×47", &p384.PublicKey, m384, d384, rawRS(r384, s384, 47)},
		{"P-256 value 2×65", &p256.PublicKey, m256, d256, rawRS(r256, s256, 65)},
	}
	for _, c := range refused {
		err := signature.VerifyDigest(c.pub, c.m, c.digest, c.value, opts)
		assert.ErrorIs(t, err, signature.ErrInvalidSignature, c.name)
	}
}
