package jose_test

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwe"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature/jose"
)

// hsmKey hides the *rsa.PrivateKey behind crypto.Decrypter, as an HSM
// would.
type hsmKey struct{ k *rsa.PrivateKey }

func (h hsmKey) Public() crypto.PublicKey { return &h.k.PublicKey }
func (h hsmKey) Decrypt(r io.Reader, msg []byte, o crypto.DecrypterOpts) ([]byte, error) {
	return h.k.Decrypt(r, msg, o)
}

func TestJWEDecrypterHSMAndRotation(t *testing.T) {
	t.Parallel()
	oldKey, newKey := rsaKey(t), rsaKey(t)
	enc := func(k *rsa.PrivateKey, kid string) string {
		return mustEncryptPayload(t, []byte("antrag"), &k.PublicKey, jose.EncryptOptions{MinRSABits: 2048, KeyID: kid})
	}
	d, err := jose.NewDecrypter(jose.DecrypterConfig{MinRSABits: 2048, Keys: []jose.DecryptionKey{
		{KeyID: "new", Key: hsmKey{newKey}}, {KeyID: "old", Key: hsmKey{oldKey}},
	}})
	require.NoError(t, err)
	cases := []struct {
		name   string
		token  string
		target error
	}{
		{"new key by kid", enc(newKey, "new"), nil},
		{"old key by kid", enc(oldKey, "old"), nil},
		{"no kid tries every key", enc(oldKey, ""), nil},
		{"unknown kid", enc(oldKey, "gone"), jose.ErrKeyNotFound},
		{"kid of the other key", enc(oldKey, "new"), jose.ErrDecrypt},
		{"unknown key without kid", enc(rsaKey(t), ""), jose.ErrDecrypt},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := d.Decrypt(tc.token)
			if tc.target == nil {
				require.NoError(t, err)
				assert.Equal(t, "antrag", string(got.Payload))
				return
			}
			require.ErrorIs(t, err, tc.target)
		})
	}
}

func mustEncryptPayload(t testing.TB, p []byte, pub *rsa.PublicKey, o jose.EncryptOptions) string {
	t.Helper()
	s, err := jose.Encrypt(p, pub, o)
	require.NoError(t, err)
	return s
}

// header replaces the protected header of tok (the tag no longer matches,
// but the header checks come first).
func withHeader(tok, header string) string {
	parts := strings.Split(tok, ".")
	parts[0] = base64.RawURLEncoding.EncodeToString([]byte(header))
	return strings.Join(parts, ".")
}

func TestJWEProfileRefusals(t *testing.T) {
	t.Parallel()
	key := rsaKey(t)
	tok := mustEncryptPayload(t, []byte("x"), &key.PublicKey, jose.EncryptOptions{MinRSABits: 2048})
	parts := strings.Split(tok, ".")
	d, err := jose.NewDecrypter(jose.DecrypterConfig{Key: key, MinRSABits: 2048})
	require.NoError(t, err)
	cases := []struct {
		name, token string
		target      error
	}{
		{"dir", withHeader(tok, `{"alg":"dir","enc":"A256GCM"}`), jose.ErrAlgorithmNotAllowed},
		{"RSA1_5", withHeader(tok, `{"alg":"RSA1_5","enc":"A256GCM"}`), jose.ErrAlgorithmNotAllowed},
		{"no alg", withHeader(tok, `{"enc":"A256GCM"}`), jose.ErrAlgorithmNotAllowed},
		{"crit", withHeader(tok, `{"alg":"RSA-OAEP-256","enc":"A256GCM","crit":["exp"],"exp":1}`), jose.ErrMalformed},
		{"zip DEF", withHeader(tok, `{"alg":"RSA-OAEP-256","enc":"A256GCM","zip":"DEF"}`), jose.ErrMalformed},
		{"header array", withHeader(tok, `[]`), jose.ErrMalformed},
		{"header null", withHeader(tok, `null`), jose.ErrMalformed},
		{"kid number", withHeader(tok, `{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":1}`), jose.ErrMalformed},
		{"newline in segment", parts[0] + ".\n" + strings.Join(parts[1:], "."), jose.ErrMalformed},
		{"short iv", strings.Join([]string{parts[0], parts[1], "AAAA", parts[3], parts[4]}, "."), jose.ErrMalformed},
		{"short tag", strings.Join([]string{parts[0], parts[1], parts[2], parts[3], "AAAA"}, "."), jose.ErrMalformed},
		{"six segments", tok + ".x", jose.ErrMalformed},
		{"empty", "", jose.ErrMalformed},
		{"short encrypted key", strings.Join([]string{parts[0], "AAAA", parts[2], parts[3], parts[4]}, "."), jose.ErrDecrypt},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := d.Decrypt(tc.token)
			require.ErrorIs(t, err, tc.target)
			assert.Nil(t, got)
		})
	}
	// The FIT-Connect profile is the default: a 2048-bit key is refused.
	_, err = jose.NewDecrypter(jose.DecrypterConfig{Key: key})
	require.ErrorIs(t, err, jose.ErrInvalidKey)
	_, err = jose.NewDecrypter(jose.DecrypterConfig{Keys: []jose.DecryptionKey{{KeyID: "a"}}})
	require.ErrorIs(t, err, jose.ErrInvalidConfig)
	_, err = jose.NewDecrypter(jose.DecrypterConfig{Key: key, MinRSABits: 2048, MaxBytes: -1})
	require.ErrorIs(t, err, jose.ErrInvalidConfig)
	// Same rule for the JWS verifier: a negative limit is refused, never a silent default.
	_, err = jose.NewVerifier(jose.VerifierConfig{Key: key.Public(), MaxTokenBytes: -1})
	require.ErrorIs(t, err, jose.ErrInvalidConfig)
}

func TestJWEEncryptInPlaceStreams(t *testing.T) {
	t.Parallel()
	key := rsaKey(t)
	plain := bytes.Repeat([]byte("Bauantrag "), 10000)
	buf := make([]byte, len(plain), len(plain)+16)
	copy(buf, plain)
	j, err := jose.EncryptInPlace(buf, &key.PublicKey, jose.EncryptOptions{MinRSABits: 2048, ContentType: "application/pdf", KeyID: "k"})
	require.NoError(t, err)
	assert.NotEqual(t, plain[:64], buf[:64], "payload is encrypted in place")

	var streamed bytes.Buffer
	n, err := j.WriteTo(&streamed)
	require.NoError(t, err)
	assert.Equal(t, j.Len(), n)
	assert.Equal(t, j.String(), streamed.String())
	again, err := io.ReadAll(j.Reader())
	require.NoError(t, err)
	assert.Equal(t, streamed.Bytes(), again)
	tag, err := jose.AuthenticationTag(j.String())
	require.NoError(t, err)
	assert.Equal(t, j.AuthenticationTag(), tag)

	// jwx decrypts it; ours too.
	pt, err := jwe.Decrypt(streamed.Bytes(), jwe.WithKey(jwa.RSA_OAEP_256, key))
	require.NoError(t, err)
	assert.Equal(t, plain, pt)
	d, err := jose.NewDecrypter(jose.DecrypterConfig{Key: key, KeyID: "k", MinRSABits: 2048})
	require.NoError(t, err)
	got, err := d.Decrypt(j.String())
	require.NoError(t, err)
	assert.Equal(t, plain, got.Payload)
	assert.Equal(t, "application/pdf", got.ContentType)

	// From the received bytes, without a string copy; the result does not
	// refer to the buffer.
	wire := bytes.Clone(streamed.Bytes())
	fromBytes, err := d.DecryptBytes(wire)
	require.NoError(t, err)
	assert.Equal(t, plain, fromBytes.Payload)
	assert.Equal(t, j.AuthenticationTag(), fromBytes.AuthenticationTag)
	for i := range wire {
		wire[i] = 'A'
	}
	assert.Equal(t, j.AuthenticationTag(), fromBytes.AuthenticationTag, "the tag does not alias the input")
	assert.Equal(t, plain, fromBytes.Payload)

	// In place: the payload is decoded and opened in the buffer's memory.
	inPlace := bytes.Clone(streamed.Bytes())
	res, err := d.DecryptInPlace(inPlace)
	require.NoError(t, err)
	assert.Equal(t, plain, res.Payload)
	assert.Equal(t, j.AuthenticationTag(), res.AuthenticationTag)
	assert.Equal(t, "application/pdf", res.ContentType)
	before := bytes.Clone(inPlace)
	res.Payload[0] ^= 0xff
	assert.NotEqual(t, before, inPlace, "the payload is a part of the input buffer, not a second buffer")

	// The same refusals as Decrypt, in both forms.
	tampered := bytes.Clone(streamed.Bytes())
	mid := len(tampered) / 2 // inside the ciphertext segment
	if tampered[mid] == 'A' {
		tampered[mid] = 'B'
	} else {
		tampered[mid] = 'A'
	}
	_, err = d.DecryptBytes(tampered)
	assert.ErrorIs(t, err, jose.ErrDecrypt)
	_, err = d.DecryptInPlace(bytes.Clone(tampered))
	assert.ErrorIs(t, err, jose.ErrDecrypt)
	_, err = d.DecryptInPlace([]byte("a.b.c.d.e"))
	assert.ErrorIs(t, err, jose.ErrMalformed)
	_, err = d.DecryptInPlace(nil)
	assert.ErrorIs(t, err, jose.ErrMalformed)
	_, err = d.DecryptBytes(nil)
	assert.ErrorIs(t, err, jose.ErrMalformed)
	_, err = d.DecryptBytes([]byte("a.b.c.d"))
	assert.ErrorIs(t, err, jose.ErrMalformed)
}
