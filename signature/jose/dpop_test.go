package jose_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature/jose"
	"github.com/egosaar/ozg/signature/signaturetest"
)

func TestDPoPProof(t *testing.T) {
	t.Parallel()
	for _, kt := range []signaturetest.KeyType{signaturetest.P256, signaturetest.P384, signaturetest.RSA2048} {
		k, err := signaturetest.NewKey(kt, false)
		require.NoError(t, err)
		d, err := jose.NewDPoP(jose.DPoPConfig{Key: k, Now: fixedNow})
		require.NoError(t, err)
		// RFC 9449 §4.2 example access token and its ath.
		proof, err := d.Proof("GET", "https://resource.example.org/protectedresource?x=1#frag", "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU", "n-0S6_WzA2Mj")
		require.NoError(t, err)

		msg, err := jws.ParseString(proof)
		require.NoError(t, err)
		h := msg.Signatures()[0].ProtectedHeaders()
		assert.Equal(t, "dpop+jwt", h.Type())
		assert.Equal(t, d.Algorithm(), h.Algorithm().String())
		pub := h.JWK()
		require.NotNil(t, pub)
		isPriv, err := jwk.IsPrivateKey(pub)
		require.NoError(t, err)
		assert.False(t, isPriv)
		tp, err := jose.Thumbprint(pub)
		require.NoError(t, err)
		assert.Equal(t, d.Thumbprint(), tp)
		// Verify with jwx against the embedded key, as a resource server does.
		_, err = jws.Verify([]byte(proof), jws.WithKey(jwa.SignatureAlgorithm(d.Algorithm()), pub))
		require.NoError(t, err)

		var c map[string]any
		require.NoError(t, json.Unmarshal(msg.Payload(), &c))
		assert.Equal(t, "GET", c["htm"])
		assert.Equal(t, "https://resource.example.org/protectedresource", c["htu"])
		assert.Equal(t, "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo", c["ath"])
		assert.Equal(t, "n-0S6_WzA2Mj", c["nonce"])
		assert.EqualValues(t, t0.Unix(), c["iat"])
		assert.NotEmpty(t, c["jti"])

		p2, err := d.Proof("POST", "https://as.example/token", "", "")
		require.NoError(t, err)
		m2, err := jws.ParseString(p2)
		require.NoError(t, err)
		var c2 map[string]any
		require.NoError(t, json.Unmarshal(m2.Payload(), &c2))
		assert.NotEqual(t, c["jti"], c2["jti"])
		assert.NotContains(t, c2, "ath")
		assert.NotContains(t, c2, "nonce")
	}
	p256, _ := signaturetest.NewKey(signaturetest.P256, false)
	d, err := jose.NewDPoP(jose.DPoPConfig{Key: p256, Now: time.Now})
	require.NoError(t, err)
	assert.Equal(t, jose.ES256, d.Algorithm())
	for _, bad := range []struct{ m, u string }{{"", "https://x"}, {"GET", "/relative"}, {"GET", "ftp://x/y"}, {"G ET", "https://x"}, {"GET", "https://"}} {
		_, err := d.Proof(bad.m, bad.u, "", "")
		require.Error(t, err, bad)
	}
	_, err = jose.NewDPoP(jose.DPoPConfig{})
	require.Error(t, err)
	_, err = jose.NewDPoP(jose.DPoPConfig{Key: p256, Algorithm: "HS256"})
	require.ErrorIs(t, err, jose.ErrAlgorithmNotAllowed)
	_, err = jose.NewDPoP(jose.DPoPConfig{Key: p256, Algorithm: jose.ES384})
	require.ErrorIs(t, err, jose.ErrInvalidKey)
	rsa2048, _ := signaturetest.NewKey(signaturetest.RSA2048, false)
	d, err = jose.NewDPoP(jose.DPoPConfig{Key: rsa2048})
	require.NoError(t, err)
	assert.Equal(t, jose.PS256, d.Algorithm())
}

func TestDPoPVerifier(t *testing.T) {
	t.Parallel()
	k, err := signaturetest.NewKey(signaturetest.P256, false)
	require.NoError(t, err)
	other, err := signaturetest.NewKey(signaturetest.P256, false)
	require.NoError(t, err)
	now := fixedNow
	d, err := jose.NewDPoP(jose.DPoPConfig{Key: k, Now: now})
	require.NoError(t, err)
	dOther, err := jose.NewDPoP(jose.DPoPConfig{Key: other, Now: now})
	require.NoError(t, err)
	dOld, err := jose.NewDPoP(jose.DPoPConfig{Key: k, Now: func() time.Time { return t0.Add(-10 * time.Minute) }})
	require.NoError(t, err)
	dFuture, err := jose.NewDPoP(jose.DPoPConfig{Key: k, Now: func() time.Time { return t0.Add(10 * time.Minute) }})
	require.NoError(t, err)
	const api = "https://api.example/v1/payments"
	want := jose.DPoPExpect{Method: "POST", URL: "HTTPS://API.example:443/v1/payments?x=1", AccessToken: "tok", Nonce: "n1", Thumbprint: d.Thumbprint()}
	proof := func(d *jose.DPoP, method, u, tok, nonce string) string {
		p, err := d.Proof(method, u, tok, nonce)
		require.NoError(t, err)
		return p
	}
	b64s := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	cases := []struct {
		name   string
		proof  string
		want   jose.DPoPExpect
		target error
	}{
		{"valid", proof(d, "POST", api, "tok", "n1"), want, nil},
		{"wrong method", proof(d, "GET", api, "tok", "n1"), want, jose.ErrClaims},
		{"wrong url", proof(d, "POST", "https://api.example/v1/other", "tok", "n1"), want, jose.ErrClaims},
		{"wrong host", proof(d, "POST", "https://evil.example/v1/payments", "tok", "n1"), want, jose.ErrClaims},
		{"http vs https", proof(d, "POST", "http://api.example/v1/payments", "tok", "n1"), want, jose.ErrClaims},
		{"wrong token", proof(d, "POST", api, "other", "n1"), want, jose.ErrClaims},
		{"missing ath", proof(d, "POST", api, "", "n1"), want, jose.ErrClaims},
		{"stale nonce", proof(d, "POST", api, "tok", "n0"), want, jose.ErrClaims},
		{"other key than bound", proof(dOther, "POST", api, "tok", "n1"), want, jose.ErrKeyNotFound},
		{"too old", proof(dOld, "POST", api, "tok", "n1"), want, jose.ErrExpired},
		{"future", proof(dFuture, "POST", api, "tok", "n1"), want, jose.ErrExpired},
		{"no jwk header", forge(`{"alg":"ES256","typ":"dpop+jwt"}`, `{}`, func([]byte) []byte { return make([]byte, 64) }), want, jose.ErrMalformed},
		{"alg none", b64s(`{"alg":"none","typ":"dpop+jwt"}`) + "." + b64s(`{}`) + ".", want, jose.ErrMalformed},
		{"wrong typ", forge(`{"alg":"ES256","typ":"JWT"}`, `{}`, func([]byte) []byte { return make([]byte, 64) }), want, jose.ErrInvalidType},
	}
	// A proof whose jwk header was swapped for another key.
	p := proof(d, "POST", api, "tok", "n1")
	po := proof(dOther, "POST", api, "tok", "n1")
	cases = append(cases, struct {
		name   string
		proof  string
		want   jose.DPoPExpect
		target error
	}{"jwk swapped", strings.Split(po, ".")[0] + "." + strings.Split(p, ".")[1] + "." + strings.Split(p, ".")[2], jose.DPoPExpect{Method: "POST", URL: api, AccessToken: "tok"}, jose.ErrInvalidSignature})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, err := jose.NewDPoPVerifier(jose.DPoPVerifierConfig{Now: now})
			require.NoError(t, err)
			got, err := v.Verify(tc.proof, tc.want)
			if tc.target == nil {
				require.NoError(t, err)
				assert.Equal(t, d.Thumbprint(), got.Thumbprint)
				_, err = v.Verify(tc.proof, tc.want)
				require.ErrorIs(t, err, jose.ErrReplay)
				return
			}
			require.ErrorIs(t, err, tc.target)
		})
	}
	_, err = jose.NewDPoPVerifier(jose.DPoPVerifierConfig{Algorithms: []string{"HS256"}})
	require.ErrorIs(t, err, jose.ErrAlgorithmNotAllowed)
}
