package xmldsig_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// TestXMLSec1WithoutKeyInfo: xmlsec1 signs from a template without KeyInfo
// (as SAML IdPs that rely on metadata do) and our verifier finds the key
// among the pinned certificates; in the other direction xmlsec1 verifies
// our KeyInfo-less signature with the certificate given on its command
// line.
func TestXMLSec1WithoutKeyInfo(t *testing.T) {
	ctx := context.Background()
	for _, kt := range []struct {
		name   string
		kt     signaturetest.KeyType
		method string
	}{{"rsa-sha256", signaturetest.RSA2048, signature.RSASHA256}, {"ecdsa-p256-sha256", signaturetest.P256, signature.ECDSASHA256}} {
		env := newXMLSec1Env(t, kt.kt)
		old, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "IdP old", Key: kt.kt, UniqueKey: true})
		require.NoError(t, err)
		doc := docOfSize(2 << 10)

		t.Run(kt.name+"/xmlsec1-to-ours", func(t *testing.T) {
			tmpl := withTemplate(doc, kt.method)
			tmpl = bytes.Replace(tmpl, []byte(`<ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo>`), nil, 1)
			in := filepath.Join(env.dir, "nokeyinfo-tmpl.xml")
			out := filepath.Join(env.dir, "nokeyinfo-signed.xml")
			require.NoError(t, os.WriteFile(in, tmpl, 0o600))
			// The key file only: xmlsec1 has no certificate to write.
			key, _, _ := bytes.Cut([]byte(env.keyCerts), []byte(","))
			msg, err := env.run(t, "--sign", "--privkey-pem", string(key), "--output", out, in)
			require.NoError(t, err, "xmlsec1 --sign: %s", msg)
			signed, err := os.ReadFile(out)
			require.NoError(t, err)
			require.NotContains(t, string(signed), "KeyInfo")

			// Rollover: the old certificate first, the signer's second.
			rollover := newVerifier(t, xmldsig.VerifierConfig{Trust: trustPinned(t, old.Certificate, env.kp.Certificate)})
			res, err := rollover.Verify(ctx, signed)
			require.NoError(t, err)
			assert.True(t, res.Certificate.Equal(env.kp.Certificate))
			assert.Equal(t, kt.method, res.SignatureMethod)

			_, err = rollover.Verify(ctx, tamper(t, signed))
			assert.ErrorIs(t, err, xmldsig.ErrDigestMismatch)
			wrongPin := newVerifier(t, xmldsig.VerifierConfig{Trust: trustPinned(t, old.Certificate)})
			_, err = wrongPin.Verify(ctx, signed)
			assert.ErrorIs(t, err, xmldsig.ErrUntrustedKey)
			anchored := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, env.ca.Certificate)})
			_, err = anchored.Verify(ctx, signed)
			assert.ErrorIs(t, err, xmldsig.ErrUntrustedKey, "an anchor alone never verifies a signature without KeyInfo")
		})
		t.Run(kt.name+"/ours-to-xmlsec1", func(t *testing.T) {
			signed, err := newSigner(t, xmldsig.SignerConfig{Key: env.kp, OmitKeyInfo: true}).Sign(doc)
			require.NoError(t, err)
			require.NotContains(t, string(signed), "KeyInfo")
			certPath := filepath.Join(env.dir, "pinned-cert.pem")
			require.NoError(t, os.WriteFile(certPath, signaturetest.CertificatePEM(env.kp.Certificate), 0o600))
			p := filepath.Join(env.dir, "ours-nokeyinfo.xml")
			require.NoError(t, os.WriteFile(p, signed, 0o600))
			msg, err := env.run(t, "--verify", "--pubkey-cert-pem", certPath, p)
			require.NoError(t, err, "xmlsec1 rejected our signature without KeyInfo: %s", msg)
			require.NoError(t, os.WriteFile(p, tamper(t, signed), 0o600))
			msg, err = env.run(t, "--verify", "--pubkey-cert-pem", certPath, p)
			requireXMLSec1Refused(t, err, msg)

			v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustPinned(t, old.Certificate, env.kp.Certificate)})
			_, err = v.Verify(ctx, signed)
			require.NoError(t, err)
		})
	}
}
