package fitconnecttest

import (
	"crypto/rsa"
	"crypto/x509"
	"embed"
	"encoding/json"
	"fmt"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/jose"
)

// The test PKI (RSA 4096, SHA-512) is committed under testdata and was
// made once with testdata/gen.sh: generating 4096-bit keys per test is
// slow, above all under -race. Never use these keys outside tests.
//
//go:embed testdata/*.pem testdata/*.key
var pki embed.FS

// testKey is one key pair of the test PKI.
type testKey struct {
	kp   *signature.KeyPair
	priv *rsa.PrivateKey
}

func loadKey(name string, chain ...*x509.Certificate) (*testKey, error) {
	keyPEM, err := pki.ReadFile("testdata/" + name + ".key")
	if err != nil {
		return nil, err
	}
	certPEM, err := pki.ReadFile("testdata/" + name + ".pem")
	if err != nil {
		return nil, err
	}
	for _, c := range chain {
		certPEM = append(certPEM, pemCert(c)...)
	}
	kp, err := signature.LoadPEM(keyPEM, certPEM)
	if err != nil {
		return nil, fmt.Errorf("fitconnecttest: key %s: %w", name, err)
	}
	priv, ok := kp.Signer.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("fitconnecttest: key %s is not RSA", name)
	}
	return &testKey{kp: kp, priv: priv}, nil
}

// jwkJSON returns the public JWK with x5c (leaf, root).
func (k *testKey) jwkJSON(kid, alg, op string) (json.RawMessage, error) {
	j, err := jose.KeyPairJWK(k.kp, jose.JWKOptions{KeyID: kid, Algorithm: alg, KeyOps: []string{op}})
	if err != nil {
		return nil, err
	}
	return json.Marshal(j)
}

func rootCert() (*x509.Certificate, error) {
	raw, err := pki.ReadFile("testdata/root.pem")
	if err != nil {
		return nil, err
	}
	certs, err := signature.ParseCertificatesPEM(raw)
	if err != nil || len(certs) != 1 {
		return nil, fmt.Errorf("fitconnecttest: root certificate: %v", err)
	}
	return certs[0], nil
}

// SubscriberPEM returns the first destination's decryption key (current kid
// EncryptionKeyID) and signing key (SignatureKeyID), each as PEM private
// key followed by its certificate, for programs configured by files.
func (s *Sim) SubscriberPEM() (decryption, signing []byte, err error) {
	read := func(name string) ([]byte, error) {
		k, err := pki.ReadFile("testdata/" + name + ".key")
		if err != nil {
			return nil, err
		}
		c, err := pki.ReadFile("testdata/" + name + ".pem")
		return append(k, c...), err
	}
	if decryption, err = read("destination-enc"); err != nil {
		return nil, nil, err
	}
	signing, err = read("destination-sig")
	return decryption, signing, err
}
