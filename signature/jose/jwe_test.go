package jose_test

import (
	"crypto/rsa"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwe"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature/jose"
	"github.com/egosaar/ozg/signature/signaturetest"
)

func TestJWEFITConnect4096(t *testing.T) {
	t.Parallel()
	k, err := signaturetest.NewKey(signaturetest.RSA4096, false)
	require.NoError(t, err)
	key := k.(*rsa.PrivateKey)
	pj, err := jose.PublicJWK(&key.PublicKey, jose.JWKOptions{KeyID: "enc-key-1", Algorithm: jose.RSAOAEP256, KeyOps: []string{"wrapKey"}})
	require.NoError(t, err)
	tok, err := jose.Encrypt([]byte(`{"data":"Antrag"}`), pj, jose.EncryptOptions{ContentType: "application/json"})
	require.NoError(t, err)
	assert.Len(t, strings.Split(tok, "."), 5)

	msg, err := jwe.Parse([]byte(tok))
	require.NoError(t, err)
	h := msg.ProtectedHeaders()
	assert.Equal(t, "RSA-OAEP-256", h.Algorithm().String())
	assert.Equal(t, "A256GCM", h.ContentEncryption().String())
	assert.Equal(t, "application/json", h.ContentType())
	assert.Equal(t, "enc-key-1", h.KeyID())

	d, err := jose.NewDecrypter(jose.DecrypterConfig{Key: key, KeyID: "enc-key-1"})
	require.NoError(t, err)
	got, err := d.Decrypt(tok)
	require.NoError(t, err)
	assert.Equal(t, `{"data":"Antrag"}`, string(got.Payload))
	assert.Equal(t, "application/json", got.ContentType)
	tag, err := jose.AuthenticationTag(tok)
	require.NoError(t, err)
	assert.Equal(t, tag, got.AuthenticationTag)

	// jwx decrypts ours; ours decrypts jwx's.
	pt, err := jwe.Decrypt([]byte(tok), jwe.WithKey(jwa.RSA_OAEP_256, key))
	require.NoError(t, err)
	assert.Equal(t, `{"data":"Antrag"}`, string(pt))
	theirs, err := jwe.Encrypt([]byte("x"), jwe.WithKey(jwa.RSA_OAEP_256, &key.PublicKey), jwe.WithContentEncryption(jwa.A256GCM))
	require.NoError(t, err)
	got, err = d.Decrypt(string(theirs))
	require.NoError(t, err)
	assert.Equal(t, "x", string(got.Payload))
}

func TestJWENegative(t *testing.T) {
	t.Parallel()
	key := rsaKey(t)
	other := rsaKey(t)
	opts := jose.EncryptOptions{MinRSABits: 2048, ContentType: "application/json"}
	tok, err := jose.Encrypt([]byte("geheim"), &key.PublicKey, opts)
	require.NoError(t, err)
	parts := strings.Split(tok, ".")
	flip := func(i int) string {
		p := append([]string(nil), parts...)
		raw, _ := base64.RawURLEncoding.DecodeString(p[i])
		raw[len(raw)/2] ^= 1
		p[i] = base64.RawURLEncoding.EncodeToString(raw)
		return strings.Join(p, ".")
	}
	jwxTok := func(alg jwa.KeyEncryptionAlgorithm, enc jwa.ContentEncryptionAlgorithm, extra ...jwe.EncryptOption) string {
		o := append([]jwe.EncryptOption{jwe.WithKey(alg, &key.PublicKey), jwe.WithContentEncryption(enc)}, extra...)
		b, err := jwe.Encrypt([]byte("x"), o...)
		require.NoError(t, err)
		return string(b)
	}
	cases := []struct {
		name   string
		cfg    jose.DecrypterConfig
		token  string
		target error
	}{
		{"control", jose.DecrypterConfig{MinRSABits: 2048, Key: key}, tok, nil},
		{"wrong key", jose.DecrypterConfig{MinRSABits: 2048, Key: other}, tok, jose.ErrDecrypt},
		{"tampered ciphertext", jose.DecrypterConfig{MinRSABits: 2048, Key: key}, flip(3), jose.ErrDecrypt},
		{"tampered tag", jose.DecrypterConfig{MinRSABits: 2048, Key: key}, flip(4), jose.ErrDecrypt},
		{"tampered iv", jose.DecrypterConfig{MinRSABits: 2048, Key: key}, flip(2), jose.ErrDecrypt},
		{"tampered encrypted key", jose.DecrypterConfig{MinRSABits: 2048, Key: key}, flip(1), jose.ErrDecrypt},
		{"RSA-OAEP (SHA-1)", jose.DecrypterConfig{MinRSABits: 2048, Key: key}, jwxTok(jwa.RSA_OAEP, jwa.A256GCM), jose.ErrAlgorithmNotAllowed},
		{"RSA1_5", jose.DecrypterConfig{MinRSABits: 2048, Key: key}, jwxTok(jwa.RSA1_5, jwa.A256GCM), jose.ErrAlgorithmNotAllowed},
		{"A128CBC-HS256", jose.DecrypterConfig{MinRSABits: 2048, Key: key}, jwxTok(jwa.RSA_OAEP_256, jwa.A128CBC_HS256), jose.ErrAlgorithmNotAllowed},
		{"A128GCM not allowed by default", jose.DecrypterConfig{MinRSABits: 2048, Key: key}, jwxTok(jwa.RSA_OAEP_256, jwa.A128GCM), jose.ErrAlgorithmNotAllowed},
		{"A128GCM allowed", jose.DecrypterConfig{MinRSABits: 2048, Key: key, ContentEncryptions: []string{jose.A128GCM}}, jwxTok(jwa.RSA_OAEP_256, jwa.A128GCM), nil},
		{"zip", jose.DecrypterConfig{MinRSABits: 2048, Key: key}, jwxTok(jwa.RSA_OAEP_256, jwa.A256GCM, jwe.WithCompress(jwa.Deflate)), jose.ErrMalformed},
		{"kid mismatch", jose.DecrypterConfig{MinRSABits: 2048, Key: key, KeyID: "a"}, mustEncrypt(t, &key.PublicKey, jose.EncryptOptions{MinRSABits: 2048, KeyID: "b"}), jose.ErrKeyNotFound},
		{"four segments", jose.DecrypterConfig{MinRSABits: 2048, Key: key}, strings.Join(parts[:4], "."), jose.ErrMalformed},
		{"padded", jose.DecrypterConfig{MinRSABits: 2048, Key: key}, tok + "=", jose.ErrMalformed},
		{"json serialization", jose.DecrypterConfig{MinRSABits: 2048, Key: key}, `{"protected":"x"}`, jose.ErrMalformed},
		{"too large", jose.DecrypterConfig{MinRSABits: 2048, Key: key, MaxBytes: 100}, tok, jose.ErrLimit},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := jose.NewDecrypter(tc.cfg)
			require.NoError(t, err)
			got, err := d.Decrypt(tc.token)
			if tc.target == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.target)
			require.Nil(t, got)
			if tc.target == jose.ErrDecrypt {
				assert.Equal(t, jose.ErrDecrypt, err)
			}
		})
	}
}

func mustEncrypt(t testing.TB, pub *rsa.PublicKey, o jose.EncryptOptions) string {
	t.Helper()
	s, err := jose.Encrypt([]byte("x"), pub, o)
	require.NoError(t, err)
	return s
}

func TestJWEEncryptRefuses(t *testing.T) {
	t.Parallel()
	key := rsaKey(t)
	ek := ecKey(t)
	sigJWK, err := jose.PublicJWK(&key.PublicKey, jose.JWKOptions{Algorithm: "PS512"})
	require.NoError(t, err)
	verifyOnly, err := jose.PublicJWK(&key.PublicKey, jose.JWKOptions{KeyOps: []string{"verify"}})
	require.NoError(t, err)
	cases := map[string]struct {
		recipient any
		opts      jose.EncryptOptions
		target    error
	}{
		"2048 below FIT-Connect 4096": {&key.PublicKey, jose.EncryptOptions{}, jose.ErrInvalidKey},
		"ec key":                      {&ek.PublicKey, jose.EncryptOptions{MinRSABits: 2048}, jose.ErrInvalidKey},
		"signature jwk":               {sigJWK, jose.EncryptOptions{MinRSABits: 2048}, jose.ErrAlgorithmNotAllowed},
		"verify-only jwk":             {verifyOnly, jose.EncryptOptions{MinRSABits: 2048}, jose.ErrInvalidKey},
		"cbc enc":                     {&key.PublicKey, jose.EncryptOptions{MinRSABits: 2048, ContentEncryption: "A128CBC-HS256"}, jose.ErrAlgorithmNotAllowed},
		"nil":                         {nil, jose.EncryptOptions{MinRSABits: 2048}, jose.ErrInvalidKey},
	}
	for name, tc := range cases {
		_, err := jose.Encrypt([]byte("x"), tc.recipient, tc.opts)
		require.ErrorIs(t, err, tc.target, name)
	}
	_, err = jose.NewDecrypter(jose.DecrypterConfig{})
	require.Error(t, err)
	_, err = jose.NewDecrypter(jose.DecrypterConfig{Key: key, MinRSABits: 4096})
	require.ErrorIs(t, err, jose.ErrInvalidKey)
	_, err = jose.NewDecrypter(jose.DecrypterConfig{MinRSABits: 2048, Key: key, ContentEncryptions: []string{"A128CBC-HS256"}})
	require.ErrorIs(t, err, jose.ErrAlgorithmNotAllowed)
	_, err = jose.AuthenticationTag("a.b.c")
	require.ErrorIs(t, err, jose.ErrMalformed)
	var _ jwk.Key = sigJWK
}
