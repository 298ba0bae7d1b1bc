package xmldsig_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

func serialize(el *etree.Element) []byte {
	doc := etree.NewDocument()
	doc.SetRoot(el.Copy())
	b, _ := doc.WriteToBytes()
	return b
}

// FuzzVerify: no input panics, and a mutated signed document verifies
// only if its verified content is exactly the originally signed content
// (mutations that canonicalization removes, such as attribute order or
// comments, may verify; nothing else may).
func FuzzVerify(f *testing.F) {
	ctx := context.Background()
	kp, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256})
	if err != nil {
		f.Fatal(err)
	}
	v := newVerifier(f, xmldsig.VerifierConfig{Trust: trustPinned(f, kp.Certificate), Limits: xmldsig.Limits{MaxBytes: 1 << 20}})
	want := map[string][]byte{}
	for _, cfg := range []xmldsig.SignerConfig{
		{Key: kp},
		{Key: kp, Canonicalization: xmldsig.C14N10WithComments, Placement: xmldsig.Placement{Position: xmldsig.FirstChild}},
		{Key: kp, Canonicalization: xmldsig.C14N11, Prefix: "-"},
		{Key: kp, OmitKeyInfo: true}, // found among the pinned certificates
	} {
		signed, err := newSigner(f, cfg).Sign([]byte(xoevDoc))
		if err != nil {
			f.Fatal(err)
		}
		res, err := v.Verify(ctx, signed)
		if err != nil {
			f.Fatal(err)
		}
		want[string(serialize(res.Element))] = signed
		f.Add(signed)
		f.Add(bytes.Replace(signed, []byte("Musterstadt"), []byte("Musterstadx"), 1))
		f.Add(bytes.Replace(signed, []byte("<leer/>"), []byte("<leer/><!--x-->"), 1))
	}
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := v.Verify(ctx, data)
		if err != nil {
			if res != nil {
				t.Fatal("result with error")
			}
			return
		}
		if _, ok := want[string(serialize(res.Element))]; !ok {
			t.Fatalf("mutated document verified with different content:\n%s", data)
		}
	})
}

// FuzzVerifyInPlace: on any tree etree builds, VerifyDocument (which
// copies) and VerifyDocumentInPlace (which rewrites) agree on the verdict
// and, when both verify, on the verified content; VerifyDocument leaves
// its tree as it was.
func FuzzVerifyInPlace(f *testing.F) {
	ctx := context.Background()
	kp, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256})
	if err != nil {
		f.Fatal(err)
	}
	v := newVerifier(f, xmldsig.VerifierConfig{Trust: trustPinned(f, kp.Certificate), Limits: xmldsig.Limits{MaxBytes: 1 << 20}})
	for _, cfg := range []xmldsig.SignerConfig{
		{Key: kp},
		{Key: kp, Canonicalization: xmldsig.ExcC14NWithComments, Placement: xmldsig.Placement{Position: xmldsig.FirstChild}},
		{Key: kp, Canonicalization: xmldsig.C14N11},
	} {
		signed, err := newSigner(f, cfg).Sign([]byte(xoevDoc))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(signed)
		f.Add(bytes.Replace(signed, []byte("<leer/>"), []byte("<leer/><!--x-->y"), 1))
		f.Add(bytes.Replace(signed, []byte(`produkt="ozg"`), []byte(`produkt="ozg" produkt="x"`), 1))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		kept, fresh := etree.NewDocument(), etree.NewDocument()
		if kept.ReadFromBytes(data) != nil || fresh.ReadFromBytes(data) != nil {
			return
		}
		before, _ := kept.WriteToBytes()
		copied, errCopy := v.VerifyDocument(ctx, kept)
		inPlace, errInPlace := v.VerifyDocumentInPlace(ctx, fresh)
		if (errCopy == nil) != (errInPlace == nil) {
			t.Fatalf("verdicts differ: copy %v, in place %v\ninput: %q", errCopy, errInPlace, data)
		}
		if after, _ := kept.WriteToBytes(); !bytes.Equal(before, after) {
			t.Fatalf("VerifyDocument changed its tree\ninput: %q", data)
		}
		if errCopy == nil && !bytes.Equal(serialize(copied.Element), serialize(inPlace.Element)) {
			t.Fatalf("verified content differs\ncopy:     %s\nin place: %s", serialize(copied.Element), serialize(inPlace.Element))
		}
	})
}

// FuzzSignVerify: whatever well-formed document the signer accepts, our
// verifier accepts the result and returns the same content as a fresh
// parse of the input (sign/verify consistency, splice correctness).
func FuzzSignVerify(f *testing.F) {
	ctx := context.Background()
	kp, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256})
	if err != nil {
		f.Fatal(err)
	}
	v := newVerifier(f, xmldsig.VerifierConfig{Trust: trustPinned(f, kp.Certificate)})
	signers := []*xmldsig.Signer{
		newSigner(f, xmldsig.SignerConfig{Key: kp}),
		newSigner(f, xmldsig.SignerConfig{Key: kp, Canonicalization: xmldsig.C14N10, Placement: xmldsig.Placement{Position: xmldsig.FirstChild}}),
		newSigner(f, xmldsig.SignerConfig{Key: kp, Canonicalization: xmldsig.C14N11WithComments}),
		newSigner(f, xmldsig.SignerConfig{Key: kp, Canonicalization: xmldsig.C14N11, OmitKeyInfo: true, Placement: xmldsig.Placement{Position: xmldsig.FirstChild}}),
	}
	f.Add([]byte(xoevDoc), uint8(0))
	f.Add([]byte(`<a xmlns="urn:a" xmlns:b="urn:b"><b:c b:d="1&#10;2" e="&quot;'"/><![CDATA[<x>]]>&#xD;</a>`), uint8(1))
	f.Add([]byte("<?pi?><r/><!--c-->"), uint8(2))
	f.Add([]byte("0<a>&#xD;</a>"), uint8(0)) // found by fuzzing: text before the root
	// SignedInfo below an xml:base root: the C14N 1.1 fix-up on both sides.
	f.Add([]byte(`<r xml:base="http://x.example/a/b"><m xml:base="../c/"><n xml:base="d?q#f"/></m></r>`), uint8(3))
	f.Add([]byte(`<r xml:base="a/b/../.."><m xml:base=".."/></r>`), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		s := signers[int(which)%len(signers)]
		signed, err := s.Sign(data)
		if err != nil {
			return
		}
		if _, err := v.Verify(ctx, signed); err != nil {
			t.Fatalf("own signature does not verify: %v\ninput: %q\nsigned: %q", err, data, signed)
		}
	})
}

// FuzzCanonicalize: every method on any tree either fails with a typed
// error or writes output; it never panics.
func FuzzCanonicalize(f *testing.F) {
	f.Add([]byte(xoevDoc), "")
	f.Add([]byte(`<a:r xmlns:a="urn:a" xml:base="x/y"><b xml:lang="de" a:k="1"><!--c--><?p d?>t</b></a:r>`), "a #default")
	f.Add([]byte(`<r><q:b/></r>`), "q")
	f.Fuzz(func(t *testing.T, data []byte, prefixes string) {
		doc := etree.NewDocument()
		if doc.ReadFromBytes(data) != nil || doc.Root() == nil {
			return
		}
		list := strings.Fields(prefixes)
		for _, m := range xmldsig.CanonicalizationMethods() {
			_ = xmldsig.CanonicalizeDocument(io.Discard, doc, m, list...)
			for _, el := range doc.Root().ChildElements() {
				_ = xmldsig.Canonicalize(io.Discard, el, m, list...)
			}
		}
	})
}
