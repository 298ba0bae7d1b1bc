package xmldsig_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// TestLargeDocumentSignatureLast verifies a document of more than 100,000
// elements with the Signature as the last child (goxmldsig v1.6.1 fails
// from about 1,000 elements before the Signature).
func TestLargeDocumentSignatureLast(t *testing.T) {
	if testing.Short() {
		t.Skip("large document")
	}
	ctx := context.Background()
	kp, ca := issue(t, signaturetest.P256)
	doc := bigDoc(10100) // 101,001 elements, about 4.8 MB
	require.Greater(t, bytes.Count(doc, []byte("<xoev:")), 100_000)
	signed, err := newSigner(t, xmldsig.SignerConfig{Key: kp}).Sign(doc)
	require.NoError(t, err)
	last := bytes.LastIndex(signed, []byte("<ds:Signature"))
	assert.Greater(t, last, len(doc)-200, "signature is last")
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, ca.Certificate)})
	res, err := v.Verify(ctx, signed)
	require.NoError(t, err)
	assert.Len(t, res.Element.ChildElements(), 10100)

	_, err = v.Verify(ctx, tamper(t, signed))
	assert.ErrorIs(t, err, xmldsig.ErrDigestMismatch)
}
