package xmldsig_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

func parseTree(t testing.TB, data []byte) *etree.Document {
	t.Helper()
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(data))
	return doc
}

// VerifyDocumentInPlace returns the same verified content as
// VerifyDocument (which copies) and Verify (which parses and rewrites),
// for every canonicalization method, and detaches it from the document.
func TestVerifyDocumentInPlace(t *testing.T) {
	ctx := context.Background()
	kp, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256})
	require.NoError(t, err)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustPinned(t, kp.Certificate)})
	for _, m := range xmldsig.CanonicalizationMethods() {
		t.Run(m, func(t *testing.T) {
			signed, err := newSigner(t, xmldsig.SignerConfig{Key: kp, Canonicalization: m}).Sign([]byte(xoevDoc))
			require.NoError(t, err)
			fromBytes, err := v.Verify(ctx, signed)
			require.NoError(t, err)
			copied, err := v.VerifyDocument(ctx, parseTree(t, signed))
			require.NoError(t, err)

			doc := parseTree(t, signed)
			root := doc.Root()
			res, err := v.VerifyDocumentInPlace(ctx, doc)
			require.NoError(t, err)
			assert.Same(t, root, res.Element, "the root itself, rewritten")
			assert.Nil(t, res.Element.Parent(), "detached from the document")
			assert.Nil(t, doc.Root(), "the document no longer holds it")
			assert.Equal(t, serialize(fromBytes.Element), serialize(res.Element))
			assert.Equal(t, serialize(copied.Element), serialize(res.Element))
			assert.Equal(t, kp.Certificate, res.Certificate)
		})
	}
}

// Every refusal of VerifyDocument is a refusal of VerifyDocumentInPlace,
// with the same error.
func TestVerifyDocumentInPlaceRefusals(t *testing.T) {
	ctx := context.Background()
	kp, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256})
	require.NoError(t, err)
	other, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256})
	require.NoError(t, err)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustPinned(t, kp.Certificate)})
	signed, err := newSigner(t, xmldsig.SignerConfig{Key: kp}).Sign([]byte(xoevDoc))
	require.NoError(t, err)
	foreign, err := newSigner(t, xmldsig.SignerConfig{Key: other}).Sign([]byte(xoevDoc))
	require.NoError(t, err)
	twice, err := newSigner(t, xmldsig.SignerConfig{Key: kp}).Sign(signed)
	require.NoError(t, err)

	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"content changed", bytes.Replace(signed, []byte("Musterstadt"), []byte("Musterstadx"), 1), xmldsig.ErrDigestMismatch},
		{"attribute added", bytes.Replace(signed, []byte(`produkt="ozg"`), []byte(`produkt="ozg" neu="1"`), 1), xmldsig.ErrDigestMismatch},
		{"element removed", bytes.Replace(signed, []byte("<leer/>"), nil, 1), xmldsig.ErrDigestMismatch},
		{"signature value changed", bytes.Replace(signed, []byte("<ds:SignatureValue>"), []byte("<ds:SignatureValue>AAAA"), 1), xmldsig.ErrInvalidSignature},
		{"foreign signer", foreign, xmldsig.ErrUntrustedKey},
		{"no signature", []byte(xoevDoc), xmldsig.ErrMissingSignature},
		{"two signatures", twice, xmldsig.ErrInvalidSignature},
		{"text outside the root", append(append([]byte{}, signed...), "x"...), xmldsig.ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, errCopy := v.VerifyDocument(ctx, parseTree(t, tc.data))
			require.Error(t, errCopy)
			res, err := v.VerifyDocumentInPlace(ctx, parseTree(t, tc.data))
			require.Error(t, err)
			assert.Nil(t, res)
			assert.ErrorIs(t, err, tc.want)
			assert.Equal(t, errCopy.Error(), err.Error())
		})
	}
	t.Run("no document", func(t *testing.T) {
		_, err := v.VerifyDocumentInPlace(ctx, nil)
		assert.ErrorIs(t, err, xmldsig.ErrMalformed)
		_, err = v.VerifyDocumentInPlace(ctx, etree.NewDocument())
		assert.ErrorIs(t, err, xmldsig.ErrMalformed)
	})
	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := v.VerifyDocumentInPlace(cctx, parseTree(t, signed))
		assert.ErrorIs(t, err, context.Canceled)
	})
}

// A tree built by hand (or by a parser that does not check uniqueness) can
// carry one attribute or one namespace declaration twice: the canonical
// form would hold both, a reader of the verified element only one. Such a
// tree is refused by canonicalization, signing and every verification
// path, never resolved to one of the values.
func TestDuplicateNamesRefused(t *testing.T) {
	ctx := context.Background()
	kp, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256})
	require.NoError(t, err)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustPinned(t, kp.Certificate)})
	s := newSigner(t, xmldsig.SignerConfig{Key: kp})
	signed, err := s.Sign([]byte(`<r ID="r1" xmlns:p="urn:p"><a k="1" p:k="2"/></r>`))
	require.NoError(t, err)

	cases := []struct {
		name   string
		mutate func(a *etree.Element)
	}{
		{"attribute twice", func(a *etree.Element) { a.Attr = append(a.Attr, etree.Attr{Key: "k", Value: "evil"}) }},
		{"prefixed attribute twice", func(a *etree.Element) { a.Attr = append(a.Attr, etree.Attr{Space: "p", Key: "k", Value: "evil"}) }},
		{"one expanded name under two prefixes", func(a *etree.Element) {
			a.Attr = append(a.Attr, etree.Attr{Space: "xmlns", Key: "q", Value: "urn:p"}, etree.Attr{Space: "q", Key: "k", Value: "evil"})
		}},
		{"prefix declared twice", func(a *etree.Element) {
			a.Attr = append(a.Attr, etree.Attr{Space: "xmlns", Key: "p", Value: "urn:x"}, etree.Attr{Space: "xmlns", Key: "p", Value: "urn:y"})
		}},
		{"default namespace declared twice", func(a *etree.Element) {
			a.Attr = append(a.Attr, etree.Attr{Key: "xmlns", Value: "urn:x"}, etree.Attr{Key: "xmlns", Value: "urn:y"})
		}},
	}
	t.Run("prefix declared twice on the Signature", func(t *testing.T) {
		for _, verify := range []func(*etree.Document) (*xmldsig.Result, error){
			func(d *etree.Document) (*xmldsig.Result, error) { return v.VerifyDocument(ctx, d) },
			func(d *etree.Document) (*xmldsig.Result, error) { return v.VerifyDocumentInPlace(ctx, d) },
		} {
			doc := parseTree(t, signed)
			sig := doc.FindElement("//Signature")
			// etree resolves the first declaration, a last-wins reader the
			// one that makes this a valid signature.
			sig.Attr = append([]etree.Attr{{Space: "xmlns", Key: sig.Space, Value: "urn:evil"}}, sig.Attr...)
			_, err := verify(doc)
			var se *xmldsig.StructureError
			require.ErrorAs(t, err, &se)
			assert.Contains(t, se.Reason, "declared twice")
		}
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tree := func() *etree.Document {
				doc := parseTree(t, signed)
				tc.mutate(doc.FindElement("//a"))
				return doc
			}
			var se *xmldsig.StructureError
			for _, m := range xmldsig.CanonicalizationMethods() {
				err := xmldsig.CanonicalizeDocument(&bytes.Buffer{}, tree(), m)
				require.ErrorAs(t, err, &se, m)
			}
			_, err := v.VerifyDocument(ctx, tree())
			require.ErrorAs(t, err, &se)
			_, err = v.VerifyDocumentInPlace(ctx, tree())
			require.ErrorAs(t, err, &se)
			unsigned := tree()
			unsigned.FindElement("//Signature").Parent().RemoveChild(unsigned.FindElement("//Signature"))
			err = s.SignElement(unsigned.Root())
			require.True(t, errors.As(err, &se), "signing: %v", err)
		})
	}
}
