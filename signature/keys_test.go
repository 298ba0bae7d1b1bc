package signature_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

type pki struct {
	root, inter *signaturetest.CA
	leaf        *signature.KeyPair
	keyPEM      []byte
	certPEM     []byte
}

func newPKI(t testing.TB, kt signaturetest.KeyType) pki {
	t.Helper()
	root, err := signaturetest.NewCA("Test Root", kt)
	require.NoError(t, err)
	inter, err := root.NewIntermediate("Test Intermediate")
	require.NoError(t, err)
	leaf, err := inter.Issue(signaturetest.Options{CommonName: "Stadt Musterhausen", Key: kt})
	require.NoError(t, err)
	k, c, err := signaturetest.EncodePEM(leaf)
	require.NoError(t, err)
	return pki{root: root, inter: inter, leaf: leaf, keyPEM: k, certPEM: c}
}

func TestLoadPEM(t *testing.T) {
	t.Parallel()
	for _, kt := range []signaturetest.KeyType{signaturetest.RSA2048, signaturetest.P256, signaturetest.P384} {
		t.Run(fmt.Sprint(kt), func(t *testing.T) {
			t.Parallel()
			p := newPKI(t, kt)
			// Certificates in reverse order with the root mixed in.
			mixed := append(signaturetest.CertificatePEM(p.root.Certificate, p.inter.Certificate), signaturetest.CertificatePEM(p.leaf.Certificate)...)
			kp, err := signature.LoadPEM(p.keyPEM, mixed)
			require.NoError(t, err)
			assert.True(t, kp.Certificate.Equal(p.leaf.Certificate))
			require.Len(t, kp.Chain, 2)
			assert.True(t, kp.Chain[0].Equal(p.inter.Certificate), "chain ordered toward the root")
			assert.True(t, kp.Chain[1].Equal(p.root.Certificate))
			assert.Len(t, kp.Certificates(), 3)
			// key and certificates in one file
			kp2, err := signature.LoadPEM(append(p.certPEM, p.keyPEM...), append(p.certPEM, p.keyPEM...))
			require.NoError(t, err)
			assert.True(t, kp2.Certificate.Equal(p.leaf.Certificate))
		})
	}
	t.Run("pkcs1 and sec1", func(t *testing.T) {
		t.Parallel()
		rp := newPKI(t, signaturetest.RSA2048)
		pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rp.leaf.Signer.(*rsa.PrivateKey))})
		_, err := signature.LoadPEM(pkcs1, rp.certPEM)
		require.NoError(t, err)
		ep := newPKI(t, signaturetest.P256)
		der, err := x509.MarshalECPrivateKey(ep.leaf.Signer.(*ecdsa.PrivateKey))
		require.NoError(t, err)
		_, err = signature.LoadPEM(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), ep.certPEM)
		require.NoError(t, err)
	})
}

func TestLoadPEMNegative(t *testing.T) {
	t.Parallel()
	a := newPKI(t, signaturetest.RSA2048)
	b := newPKI(t, signaturetest.P256)
	encrypted := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-256-CBC,00"}, Bytes: []byte{1}})
	cases := []struct {
		name   string
		key    []byte
		cert   []byte
		target error
	}{
		{"mismatched key and cert", a.keyPEM, b.certPEM, signature.ErrKeyMismatch},
		{"garbage key", []byte("not pem"), a.certPEM, signature.ErrInvalidKey},
		{"empty key", nil, a.certPEM, signature.ErrInvalidKey},
		{"garbage cert", a.keyPEM, []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), signature.ErrInvalidKey},
		{"no cert", a.keyPEM, a.keyPEM, signature.ErrInvalidKey},
		{"corrupt pkcs8", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{0x30, 0x03, 1, 2, 3}}), a.certPEM, signature.ErrInvalidKey},
		{"corrupt pkcs1", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte{0x30}}), a.certPEM, signature.ErrInvalidKey},
		{"corrupt sec1", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte{0x30}}), a.certPEM, signature.ErrInvalidKey},
		{"legacy encrypted pem", encrypted, a.certPEM, signature.ErrInvalidKey},
		{"encrypted pkcs8", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{0x30}}), a.certPEM, signature.ErrInvalidKey},
		{"cert only chain no leaf", a.keyPEM, signaturetest.CertificatePEM(a.root.Certificate, a.inter.Certificate), signature.ErrKeyMismatch},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			kp, err := signature.LoadPEM(tc.key, tc.cert)
			require.ErrorIs(t, err, tc.target)
			require.Nil(t, kp)
		})
	}
}

func TestNewKeyPair(t *testing.T) {
	t.Parallel()
	a := newPKI(t, signaturetest.RSA2048)
	b := newPKI(t, signaturetest.RSA2048)
	_, err := signature.NewKeyPair(a.leaf.Signer, b.leaf.Certificate)
	require.ErrorIs(t, err, signature.ErrKeyMismatch)
	_, err = signature.NewKeyPair(nil, a.leaf.Certificate)
	require.ErrorIs(t, err, signature.ErrInvalidKey)
	_, err = signature.NewKeyPair(a.leaf.Signer, nil)
	require.ErrorIs(t, err, signature.ErrInvalidKey)
	_, err = signature.NewKeyPair(a.leaf.Signer, a.leaf.Certificate, nil)
	require.ErrorIs(t, err, signature.ErrInvalidKey)

	// An opaque crypto.Signer (HSM/KMS stand-in) works.
	kp, err := signature.NewKeyPair(opaqueSigner{a.leaf.Signer}, a.leaf.Certificate, a.root.Certificate, a.inter.Certificate, a.leaf.Certificate)
	require.NoError(t, err)
	require.Len(t, kp.Chain, 2)
	assert.True(t, kp.Chain[0].Equal(a.inter.Certificate))
	_, err = kp.Decrypter()
	require.ErrorIs(t, err, signature.ErrInvalidKey, "opaque signer cannot decrypt")
	sig, err := signature.Sign(kp.Signer, method(t, signature.RSAPSSSHA256), []byte("x"))
	require.NoError(t, err)
	require.NoError(t, signature.Verify(kp.Public(), method(t, signature.RSAPSSSHA256), []byte("x"), sig, signature.VerifyOptions{}))

	d, err := a.leaf.Decrypter()
	require.NoError(t, err)
	require.NotNil(t, d)
	ec := newPKI(t, signaturetest.P256)
	_, err = ec.leaf.Decrypter()
	require.ErrorIs(t, err, signature.ErrInvalidKey)

	tc := a.leaf.TLSCertificate()
	require.Len(t, tc.Certificate, 2)
	assert.Equal(t, a.leaf.Certificate.Raw, tc.Certificate[0])
}

// opaqueSigner hides the concrete key type, like an HSM handle.
type opaqueSigner struct{ s crypto.Signer }

func (o opaqueSigner) Public() crypto.PublicKey { return o.s.Public() }
func (o opaqueSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return o.s.Sign(r, digest, opts)
}

func TestKeyPairRedacted(t *testing.T) {
	t.Parallel()
	a := newPKI(t, signaturetest.RSA2048)
	d := a.leaf.Signer.(*rsa.PrivateKey).D.String()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	logger.Info("loaded", "key", a.leaf)
	for _, s := range []string{
		fmt.Sprint(a.leaf), fmt.Sprintf("%v", a.leaf), fmt.Sprintf("%+v", a.leaf), fmt.Sprintf("%#v", a.leaf),
		fmt.Sprintf("%s", a.leaf), buf.String(),
	} {
		assert.NotContains(t, s, d[:20])
		assert.Contains(t, s, "REDACTED")
	}
	// The value form prints only pointers, never key bytes.
	assert.NotContains(t, fmt.Sprintf("%+v", *a.leaf), d[:20])
}

func TestLoadPKCS12(t *testing.T) {
	t.Parallel()
	a := newPKI(t, signaturetest.RSA2048)
	p12, err := signaturetest.EncodePKCS12(a.leaf, "geheim")
	require.NoError(t, err)
	kp, err := signature.LoadPKCS12(p12, "geheim")
	require.NoError(t, err)
	assert.True(t, kp.Certificate.Equal(a.leaf.Certificate))
	require.Len(t, kp.Chain, 1)
	assert.True(t, kp.Chain[0].Equal(a.inter.Certificate))

	e := newPKI(t, signaturetest.P384)
	p12e, err := signaturetest.EncodePKCS12(e.leaf, "")
	require.NoError(t, err)
	kpe, err := signature.LoadPKCS12(p12e, "")
	require.NoError(t, err)
	assert.True(t, kpe.Certificate.Equal(e.leaf.Certificate))

	cases := []struct {
		name   string
		data   []byte
		pw     string
		target error
	}{
		{"wrong password", p12, "Geheim", signature.ErrIncorrectPassword},
		{"empty password for protected file", p12, "", signature.ErrInvalidKey},
		{"empty input", nil, "geheim", signature.ErrInvalidKey},
		{"garbage", []byte("garbage"), "geheim", signature.ErrInvalidKey},
		{"truncated", p12[:len(p12)/2], "geheim", signature.ErrInvalidKey},
		{"too large", make([]byte, signature.MaxPKCS12Bytes+1), "geheim", signature.ErrInvalidKey},
		{"pem instead of p12", a.certPEM, "geheim", signature.ErrInvalidKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			kp, err := signature.LoadPKCS12(tc.data, tc.pw)
			require.ErrorIs(t, err, tc.target)
			require.ErrorIs(t, err, signature.ErrInvalidKey)
			require.Nil(t, kp)
			if tc.pw != "" {
				assert.NotContains(t, err.Error(), tc.pw, "password must not be echoed")
			}
			var ke *signature.KeyError
			require.ErrorAs(t, err, &ke)
		})
	}
}

// TestLoadPKCS12OpenSSL reads files produced by `openssl pkcs12 -export`
// (OpenSSL 3 default profile, SHA-512 MAC, and the -legacy profile).
func TestLoadPKCS12OpenSSL(t *testing.T) {
	t.Parallel()
	openssl := testenv.OpenSSL(t)
	a := newPKI(t, signaturetest.RSA2048)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	keyFile := write("key.pem", a.keyPEM)
	leafFile := write("leaf.pem", signaturetest.CertificatePEM(a.leaf.Certificate))
	caFile := write("ca.pem", signaturetest.CertificatePEM(a.inter.Certificate, a.root.Certificate))
	for _, tc := range []struct {
		name  string
		extra []string
	}{
		{"default", nil},
		{"sha512 mac", []string{"-macalg", "sha512", "-iter", "10000"}},
		{"legacy", []string{"-legacy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".p12")
			args := append([]string{"pkcs12", "-export", "-inkey", keyFile, "-in", leafFile, "-certfile", caFile,
				"-name", "sdk", "-passout", "pass:geheim", "-out", out}, tc.extra...)
			bin := openssl
			if tc.name == "legacy" {
				bin = testenv.OpenSSLLegacy(t) // fails under CI=true when the provider is missing
			}
			if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
				t.Fatalf("openssl: %v: %s", err, b)
			}
			data, err := os.ReadFile(out)
			require.NoError(t, err)
			kp, err := signature.LoadPKCS12(data, "geheim")
			require.NoError(t, err)
			assert.True(t, kp.Certificate.Equal(a.leaf.Certificate))
			require.Len(t, kp.Chain, 2)
			assert.True(t, kp.Chain[0].Equal(a.inter.Certificate))
			assert.True(t, kp.Chain[1].Equal(a.root.Certificate))
			_, err = signature.LoadPKCS12(data, "falsch")
			require.ErrorIs(t, err, signature.ErrIncorrectPassword)
		})
	}
}
