package jose_test

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature/jose"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// opaque hides the concrete key type, like an HSM or KMS handle.
type opaque struct{ s crypto.Signer }

func (o opaque) Public() crypto.PublicKey { return o.s.Public() }
func (o opaque) Sign(r io.Reader, d []byte, opts crypto.SignerOpts) ([]byte, error) {
	return o.s.Sign(r, d, opts)
}

func TestJWSAllAlgorithms(t *testing.T) {
	t.Parallel()
	rsaK := rsaKey(t)
	p256, _ := signaturetest.NewKey(signaturetest.P256, false)
	p384, _ := signaturetest.NewKey(signaturetest.P384, false)
	p521, _ := signaturetest.NewKey(signaturetest.P521, false)
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	cases := []struct {
		alg string
		key crypto.Signer
	}{
		{jose.PS256, rsaK}, {jose.PS384, rsaK}, {jose.PS512, rsaK},
		{jose.RS256, rsaK}, {jose.RS384, rsaK}, {jose.RS512, rsaK},
		{jose.ES256, p256}, {jose.ES384, p384}, {jose.ES512, p521}, {jose.EdDSA, ed},
		{jose.PS512, opaque{rsaK}}, {jose.ES256, opaque{p256}},
	}
	for _, tc := range cases {
		t.Run(tc.alg, func(t *testing.T) {
			t.Parallel()
			s, err := jose.NewSigner(jose.SignerConfig{Key: tc.key, Algorithm: tc.alg, Type: "JWT", ContentType: "json"})
			require.NoError(t, err)
			tok, err := s.Sign([]byte(`{"a":1}`))
			require.NoError(t, err)
			// jwx verifies ours.
			_, err = jws.Verify([]byte(tok), jws.WithKey(jwa.SignatureAlgorithm(tc.alg), tc.key.Public()))
			require.NoError(t, err)
			v, err := jose.NewVerifier(jose.VerifierConfig{Key: tc.key.Public(), Type: "jwt", KeyID: s.KeyID()})
			require.NoError(t, err)
			got, err := v.Verify(tok)
			require.NoError(t, err)
			assert.Equal(t, `{"a":1}`, string(got.Payload))
			assert.Equal(t, tc.alg, got.Algorithm)
			assert.Equal(t, "json", got.ContentType)
			// Only the configured algorithm family: a verifier limited to
			// another alg refuses.
			other := jose.PS256
			if tc.alg == jose.PS256 {
				other = jose.PS384
			}
			v2, err := jose.NewVerifier(jose.VerifierConfig{Key: tc.key.Public(), Algorithms: []string{other}})
			require.NoError(t, err)
			_, err = v2.Verify(tok)
			require.ErrorIs(t, err, jose.ErrAlgorithmNotAllowed)
			// A jwx-signed token verifies in ours (raw keys only; jwx signs
			// opaque ECDSA signers correctly as well).
			theirs, err := jws.Sign([]byte("x"), jws.WithKey(jwa.SignatureAlgorithm(tc.alg), tc.key))
			require.NoError(t, err)
			v3, err := jose.NewVerifier(jose.VerifierConfig{Key: tc.key.Public()})
			require.NoError(t, err)
			_, err = v3.Verify(string(theirs))
			require.NoError(t, err)
		})
	}
}

func TestJWSConfigErrors(t *testing.T) {
	t.Parallel()
	rsaK := rsaKey(t)
	for name, cfg := range map[string]jose.SignerConfig{
		"no key": {}, "HS256": {Key: rsaK, Algorithm: "HS256"}, "none": {Key: rsaK, Algorithm: "none"},
		"ES256 rsa": {Key: rsaK, Algorithm: jose.ES256}, "EdDSA rsa": {Key: rsaK, Algorithm: jose.EdDSA},
	} {
		_, err := jose.NewSigner(cfg)
		require.Error(t, err, name)
	}
	s, err := jose.NewSigner(jose.SignerConfig{Key: rsaK})
	require.NoError(t, err)
	assert.Equal(t, jose.PS256, s.Algorithm())
	tok, err := s.Sign([]byte("x"))
	require.NoError(t, err)
	v, err := jose.NewVerifier(jose.VerifierConfig{Key: rsaK.Public(), Type: "JWT"})
	require.NoError(t, err)
	_, err = v.Verify(tok)
	require.ErrorIs(t, err, jose.ErrInvalidType, "typ required when configured")
	_, err = jose.NewVerifier(jose.VerifierConfig{Key: rsaK.Public(), Algorithms: []string{"HS384"}})
	require.ErrorIs(t, err, jose.ErrAlgorithmNotAllowed)
}
