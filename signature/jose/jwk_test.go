package jose_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/jose"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// RFC 7638 §3.1 example key and thumbprint.
const rfc7638JWK = `{"kty":"RSA","e":"AQAB","alg":"RS256","kid":"2011-04-29","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}`

func TestThumbprintRFC7638(t *testing.T) {
	t.Parallel()
	k, err := jwk.ParseKey([]byte(rfc7638JWK))
	require.NoError(t, err)
	tp, err := jose.Thumbprint(k)
	require.NoError(t, err)
	assert.Equal(t, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", tp)
	pj, err := jose.PublicJWK(k, jose.JWKOptions{})
	require.NoError(t, err)
	assert.Equal(t, tp, pj.KeyID(), "kid defaults to the thumbprint")
	_, err = jose.Thumbprint("not a key")
	require.ErrorIs(t, err, jose.ErrInvalidKey)
}

func TestKeyPairJWKAndVerifyJWK(t *testing.T) {
	t.Parallel()
	root, err := signaturetest.NewCA("Verwaltungs-PKI Test", signaturetest.RSA2048)
	require.NoError(t, err)
	inter, err := root.NewIntermediate("Test Sub-CA")
	require.NoError(t, err)
	kp, err := inter.Issue(signaturetest.Options{CommonName: "Destination"})
	require.NoError(t, err)
	kp.Chain = append(kp.Chain, root.Certificate)                                          // FIT-Connect: complete chain to the root
	other, err := inter.Issue(signaturetest.Options{CommonName: "Other", UniqueKey: true}) // a pooled key can repeat kp's
	require.NoError(t, err)
	evilRoot, err := signaturetest.NewCA("Verwaltungs-PKI Test", signaturetest.RSA2048)
	require.NoError(t, err)
	evil, err := evilRoot.Issue(signaturetest.Options{CommonName: "Destination"})
	require.NoError(t, err)

	store, err := signature.NewTrustStore(signature.TrustConfig{Anchors: []*x509.Certificate{root.Certificate}})
	require.NoError(t, err)
	opts := jose.JWKOptions{Algorithm: jose.RSAOAEP256, KeyOps: []string{"wrapKey"}, Use: "enc"}
	k, err := jose.KeyPairJWK(kp, opts)
	require.NoError(t, err)
	raw, err := json.Marshal(k)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"x5c":[`)
	parsed, err := jwk.ParseKey(raw)
	require.NoError(t, err)
	assert.Equal(t, 3, parsed.X509CertChain().Len())

	lenient := jose.JWKPolicy{Algorithm: jose.RSAOAEP256, KeyOp: "wrapKey", RequireX5C: true}
	chain, err := jose.VerifyJWK(context.Background(), parsed, store, lenient)
	require.NoError(t, err)
	assert.Len(t, chain, 3)

	// x5c of another key pair under the JWK's n/e.
	mixed, err := jose.KeyPairJWK(kp, opts)
	require.NoError(t, err)
	otherJWK, err := jose.KeyPairJWK(other, opts)
	require.NoError(t, err)
	require.NoError(t, mixed.Set(jwk.X509CertChainKey, otherJWK.X509CertChain()))
	noX5C, err := jose.PublicJWK(kp.Public(), opts)
	require.NoError(t, err)
	evilJWK, err := jose.KeyPairJWK(evil, opts)
	require.NoError(t, err)
	sigJWK, err := jose.KeyPairJWK(kp, jose.JWKOptions{Algorithm: "PS512", KeyOps: []string{"verify"}})
	require.NoError(t, err)
	privJWK, err := jwk.FromRaw(kp.Signer)
	require.NoError(t, err)

	cases := []struct {
		name   string
		key    jwk.Key
		policy jose.JWKPolicy
		target error
	}{
		{"x5c of another key", mixed, lenient, signature.ErrKeyMismatch},
		{"no x5c", noX5C, lenient, signature.ErrUntrustedKey},
		{"same subject other root", evilJWK, lenient, signature.ErrUntrustedKey},
		{"FIT-Connect needs 4096", parsed, jose.FITConnectEncryptionKeyPolicy, signature.ErrInvalidKey},
		{"alg mismatch", sigJWK, lenient, signature.ErrAlgorithmNotAllowed},
		{"key_ops mismatch", sigJWK, jose.JWKPolicy{KeyOp: "wrapKey"}, signature.ErrInvalidKey},
		{"private key", privJWK, lenient, signature.ErrInvalidKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := jose.VerifyJWK(context.Background(), tc.key, store, tc.policy)
			require.ErrorIs(t, err, tc.target)
		})
	}
}
