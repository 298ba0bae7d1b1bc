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

// The verified element from bytes is the parsed tree rewritten in place:
// where the Signature or a comment was dropped the remaining children are
// reindexed, elsewhere they keep their places; either way every token's
// Parent and Index agree with its position, as in the copy built for a
// caller's tree.
func TestResultTreeIndexes(t *testing.T) {
	kp, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256})
	require.NoError(t, err)
	signed, err := newSigner(t, xmldsig.SignerConfig{Key: kp}).Sign([]byte(`<r><a>x<!--c-->y</a><b/><!--d--><c><d/></c></r>`))
	require.NoError(t, err)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustPinned(t, kp.Certificate)})

	check := func(t *testing.T, el *etree.Element) {
		var walk func(e *etree.Element)
		walk = func(e *etree.Element) {
			for i, tok := range e.Child {
				assert.Equal(t, i, tok.Index(), "index of child %d of %s", i, e.Tag)
				assert.Same(t, e, tok.Parent(), "parent of child %d of %s", i, e.Tag)
				if c, ok := tok.(*etree.Element); ok {
					walk(c)
				}
			}
		}
		walk(el)
	}
	res, err := v.Verify(context.Background(), signed)
	require.NoError(t, err)
	check(t, res.Element)
	assert.Len(t, res.Element.ChildElements(), 3, "the Signature is gone")
	assert.Equal(t, "xy", res.Element.SelectElement("a").Text(), "text merged around the dropped comment")

	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(signed))
	res, err = v.VerifyDocument(context.Background(), doc)
	require.NoError(t, err)
	check(t, res.Element)
}
