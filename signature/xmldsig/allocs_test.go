package xmldsig_test

import (
	"context"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// TestVerifyAllocations bounds the allocations of one verification of a
// 4.4 KB message (RSA-2048, pinned certificate), counted after a first
// call warmed the pools and the certificate cache. The bounds hold the
// canonicalizer pool, the trust store formatting the subject only for an
// error, SignedInfo hashed without a buffer, the structure checks reading
// children in place, the parser's presized chunks, pooled hash states and
// the ancestors' namespace context on the stack (before them: 78
// allocations with the tree given, 90 from bytes). RSA itself allocates
// about ten.
func TestVerifyAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector drops pooled objects at random")
	}
	kp, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.RSA2048})
	require.NoError(t, err)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustPinned(t, kp.Certificate)})
	signed, err := newSigner(t, xmldsig.SignerConfig{Key: kp}).Sign(bigDoc(5))
	require.NoError(t, err)
	parsed := etree.NewDocument()
	require.NoError(t, parsed.ReadFromBytes(signed))
	ctx := context.Background()

	tree := func() {
		_, err := v.VerifyDocument(ctx, parsed)
		require.NoError(t, err)
	}
	bytes := func() {
		_, err := v.Verify(ctx, signed)
		require.NoError(t, err)
	}
	// The trees for VerifyDocumentInPlace are parsed before counting.
	fresh := make([]*etree.Document, 0, 22) // one warm-up, AllocsPerRun one more and 20
	for range cap(fresh) {
		d := etree.NewDocument()
		require.NoError(t, d.ReadFromBytes(signed))
		fresh = append(fresh, d)
	}
	inPlace := func() {
		_, err := v.VerifyDocumentInPlace(ctx, fresh[0])
		require.NoError(t, err)
		fresh = fresh[1:]
	}
	tree()
	bytes()
	inPlace()
	nTree, nBytes, nInPlace := testing.AllocsPerRun(20, tree), testing.AllocsPerRun(20, bytes), testing.AllocsPerRun(20, inPlace)
	t.Logf("allocations: %.0f tree given, %.0f tree handed over, %.0f from bytes", nTree, nInPlace, nBytes)
	assert.LessOrEqual(t, nTree, 26.0, "tree given")
	assert.LessOrEqual(t, nInPlace, 22.0, "tree handed over")
	assert.LessOrEqual(t, nBytes, 30.0, "from bytes")
}
