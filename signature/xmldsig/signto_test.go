package xmldsig_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// failWriter fails on write number n (1-based) and counts the bytes
// it accepted before.
type failWriter struct {
	n, calls int
	written  int
}

var errWrite = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	w.calls++
	if w.calls == w.n {
		return 0, errWrite
	}
	w.written += len(p)
	return len(p), nil
}

func TestSignToEqualsSign(t *testing.T) {
	ctx := context.Background()
	kp, ca := issue(t, signaturetest.RSA2048) // PKCS#1 v1.5: deterministic, so both outputs are comparable
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, ca.Certificate)})
	cases := []struct {
		name      string
		placement xmldsig.Placement
		doc       string
	}{
		{"last child", xmldsig.Placement{}, xoevDoc},
		{"first child", xmldsig.Placement{Position: xmldsig.FirstChild}, xoevDoc},
		{"after element", xmldsig.Placement{Position: xmldsig.AfterElement, Local: "nachrichtenkopf.g2g"}, xoevDoc},
		{"self-closing root", xmldsig.Placement{}, `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<r xmlns="urn:x" a="1"/>` + "\n"},
		{"self-closing root first", xmldsig.Placement{Position: xmldsig.FirstChild}, `<p:r xmlns:p="urn:x"/>`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSigner(t, xmldsig.SignerConfig{Key: kp, Placement: c.placement})
			want, err := s.Sign([]byte(c.doc))
			require.NoError(t, err)
			var got bytes.Buffer
			require.NoError(t, s.SignTo(&got, []byte(c.doc)))
			assert.Equal(t, string(want), got.String())
			_, err = v.Verify(ctx, got.Bytes())
			require.NoError(t, err)
		})
	}
}

func TestSignToFailures(t *testing.T) {
	kp, _ := issue(t, signaturetest.RSA2048)
	s := newSigner(t, xmldsig.SignerConfig{Key: kp})
	after := newSigner(t, xmldsig.SignerConfig{Key: kp, Placement: xmldsig.Placement{Position: xmldsig.AfterElement, Local: "nachrichtenkopf.g2g"}})
	cases := []struct {
		name    string
		signer  *xmldsig.Signer
		doc     string
		failAt  int
		wantErr error
	}{
		{"doctype", s, `<!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>`, 0, xmldsig.ErrMalformed},
		{"not xml", s, `no markup`, 0, xmldsig.ErrMalformed},
		{"text outside root", s, `<r/>tail`, 0, xmldsig.ErrMalformed},
		{"writer fails on head", s, xoevDoc, 1, errWrite},
		{"writer fails on signature", s, xoevDoc, 2, errWrite},
		{"writer fails on tail", s, xoevDoc, 3, errWrite},
		{"writer fails on whole", after, xoevDoc, 1, errWrite},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := &failWriter{n: c.failAt}
			err := c.signer.SignTo(w, []byte(c.doc))
			require.ErrorIs(t, err, c.wantErr)
			if c.failAt == 0 {
				assert.Zero(t, w.calls, "nothing is written when signing fails")
			} else {
				assert.Equal(t, c.failAt, w.calls, "no write after the failing one")
			}
		})
	}
}
