package jose_test

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/signature/jose"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// nodeJose returns a runner of testdata/node/interop.mjs (npm jose, an
// independent implementation), or skips (fails under CI) when node or the
// package is missing.
func nodeJose(t *testing.T) func(stdin []byte, args ...string) []byte {
	t.Helper()
	node := testenv.Command(t, "node", "nodejs")
	dir, err := filepath.Abs(filepath.Join("testdata", "node"))
	require.NoError(t, err)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "jose", "package.json")); err != nil {
		testenv.Unavailable(t, "npm jose", "run: npm ci --prefix signature/jose/testdata/node")
	}
	return func(stdin []byte, args ...string) []byte {
		cmd := exec.Command(node, append([]string{filepath.Join(dir, "interop.mjs")}, args...)...)
		cmd.Stdin = bytes.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		require.NoError(t, err, stderr.String())
		return out
	}
}

func writeJWK(t *testing.T, key any, kid string) string {
	t.Helper()
	k, err := jwk.FromRaw(key)
	require.NoError(t, err)
	require.NoError(t, k.Set(jwk.KeyIDKey, kid))
	b, err := json.Marshal(k)
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), kid+".json")
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

func TestInteropNodeJose(t *testing.T) {
	run := nodeJose(t)
	k, err := signaturetest.NewKey(signaturetest.RSA4096, false)
	require.NoError(t, err)
	key := k.(*rsa.PrivateKey)
	priv, pub := writeJWK(t, key, "k1"), writeJWK(t, &key.PublicKey, "k1")
	d, err := jose.NewDecrypter(jose.DecrypterConfig{Key: key, KeyID: "k1"})
	require.NoError(t, err)

	for _, size := range []int{1 << 10, 10 << 20} {
		t.Run("JWE "+strconv.Itoa(size), func(t *testing.T) {
			payload := make([]byte, size)
			for i := range payload {
				payload[i] = byte(i % 251)
			}
			sum := sha512.Sum512(payload)
			// Ours → theirs.
			j, err := jose.EncryptInPlace(append([]byte(nil), payload...), &key.PublicKey, jose.EncryptOptions{KeyID: "k1", ContentType: "application/pdf"})
			require.NoError(t, err)
			got := run([]byte(j.String()), "decrypt", priv)
			assert.Equal(t, "application/pdf "+hex.EncodeToString(sum[:]), string(got))
			// Theirs → ours.
			theirs := run(nil, "encrypt", pub, strconv.Itoa(size), "k1")
			dec, err := d.Decrypt(string(theirs))
			require.NoError(t, err)
			assert.Equal(t, "application/pdf", dec.ContentType)
			assert.True(t, bytes.Equal(payload, dec.Payload))
		})
	}

	t.Run("SET", func(t *testing.T) {
		signer, err := jose.NewSETSigner(jose.SETSignerConfig{Key: key, KeyID: "k1", Issuer: "dest"})
		require.NoError(t, err)
		set := jose.SET{Subject: "submission:s", TransactionID: "case:c"}
		require.NoError(t, set.SetEvent("https://schema.fitko.de/fit-connect/events/accept-submission", map[string]any{"authenticationTags": map[string]string{"metadata": "x"}}))
		tok, err := signer.Sign(set)
		require.NoError(t, err)
		assert.Contains(t, string(run([]byte(tok), "verify", pub)), `"sub":"submission:s"`)

		claims := `{"iss":"dest","iat":` + strconv.FormatInt(time.Now().Unix(), 10) + `,"jti":"j","sub":"submission:s","txn":"case:c","events":{"https://schema.fitko.de/fit-connect/events/accept-submission":{}}}`
		theirs := strings.TrimSpace(string(run([]byte(claims), "sign", priv, "k1")))
		v, err := jose.NewSETVerifier(jose.SETVerifierConfig{Key: &key.PublicKey, KeyID: "k1", Issuer: "dest", SingleEvent: true, Subject: "submission:s", TransactionID: "case:c", MinRSABits: 4096})
		require.NoError(t, err)
		_, err = v.Verify(theirs)
		require.NoError(t, err)
	})
}
