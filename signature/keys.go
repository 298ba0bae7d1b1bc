package signature

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"log/slog"
)

// KeyPair is a private key with its certificate and the intermediate chain.
// The private key may live outside the process (HSM, KMS): only the
// [crypto.Signer] interface is required. A KeyPair never prints or logs key
// material: String, GoString and LogValue show the certificate subject and
// a fingerprint only.
type KeyPair struct {
	// Signer is the private key.
	Signer crypto.Signer
	// Certificate is the leaf certificate of Signer's public key.
	Certificate *x509.Certificate
	// Chain holds the intermediate certificates, leaf excluded, ordered from
	// the leaf's issuer toward the root. It may be empty.
	Chain []*x509.Certificate
}

// NewKeyPair pairs signer with its leaf certificate and optional chain
// (any order; it is ordered from the leaf's issuer toward the root, and
// certificates that do not belong to the path are kept at the end). It
// fails with [ErrKeyMismatch] if the leaf does not certify signer's public
// key.
func NewKeyPair(signer crypto.Signer, leaf *x509.Certificate, chain ...*x509.Certificate) (*KeyPair, error) {
	if signer == nil {
		return nil, keyErr("new key pair", "no signer", nil)
	}
	if leaf == nil {
		return nil, keyErr("new key pair", "no certificate", nil)
	}
	if !publicKeysEqual(signer.Public(), leaf.PublicKey) {
		return nil, &KeyError{Op: "new key pair", Err: ErrKeyMismatch, Detail: "certificate does not match the private key"}
	}
	for _, c := range chain {
		if c == nil {
			return nil, keyErr("new key pair", "nil certificate in chain", nil)
		}
	}
	return &KeyPair{Signer: signer, Certificate: leaf, Chain: orderChain(leaf, chain)}, nil
}

// Public returns the public key.
func (k *KeyPair) Public() crypto.PublicKey { return k.Signer.Public() }

// Certificates returns the leaf followed by the chain.
func (k *KeyPair) Certificates() []*x509.Certificate {
	out := make([]*x509.Certificate, 0, 1+len(k.Chain))
	out = append(out, k.Certificate)
	return append(out, k.Chain...)
}

// Decrypter returns the private key as a [crypto.Decrypter] (for XML
// Encryption and JWE key transport). It fails with [ErrInvalidKey] if the
// key cannot decrypt (ECDSA, or a signing-only HSM handle).
func (k *KeyPair) Decrypter() (crypto.Decrypter, error) {
	if d, ok := k.Signer.(crypto.Decrypter); ok {
		if _, isRSA := k.Signer.Public().(*rsa.PublicKey); isRSA {
			return d, nil
		}
	}
	return nil, keyErr("decrypter", "key cannot decrypt (RSA key required)", nil)
}

// TLSCertificate returns the pair as a [tls.Certificate] for mutual TLS.
func (k *KeyPair) TLSCertificate() tls.Certificate {
	der := make([][]byte, 0, 1+len(k.Chain))
	for _, c := range k.Certificates() {
		der = append(der, c.Raw)
	}
	return tls.Certificate{Certificate: der, PrivateKey: k.Signer, Leaf: k.Certificate}
}

// String describes the pair without key material.
func (k *KeyPair) String() string {
	if k == nil || k.Certificate == nil {
		return "signature.KeyPair{REDACTED}"
	}
	return fmt.Sprintf("signature.KeyPair{subject=%q, sha256=%s, key=REDACTED}", k.Certificate.Subject.String(), CertificateFingerprint(k.Certificate))
}

// GoString is like String, so %#v cannot print the key.
func (k *KeyPair) GoString() string { return k.String() }

// Format implements fmt.Formatter so that every verb (including %v and %+v
// on the struct) prints the redacted form.
func (k *KeyPair) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue implements slog.LogValuer.
func (k *KeyPair) LogValue() slog.Value {
	if k == nil || k.Certificate == nil {
		return slog.StringValue("REDACTED")
	}
	return slog.GroupValue(
		slog.String("subject", k.Certificate.Subject.String()),
		slog.String("cert_sha256", CertificateFingerprint(k.Certificate)),
		slog.Int("chain", len(k.Chain)),
		slog.String("key", "REDACTED"),
	)
}

// publicKeysEqual compares two public keys of any supported type.
func publicKeysEqual(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	switch a.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
		e, ok := a.(equaler)
		return ok && e.Equal(b)
	}
	return false
}

// orderChain orders certs as the path leaf's issuer → root; certificates
// not on the path follow in their input order. Duplicates and the leaf are
// dropped.
func orderChain(leaf *x509.Certificate, certs []*x509.Certificate) []*x509.Certificate {
	rest := make([]*x509.Certificate, 0, len(certs))
	for _, c := range certs {
		if c.Equal(leaf) || containsCert(rest, c) {
			continue
		}
		rest = append(rest, c)
	}
	ordered := make([]*x509.Certificate, 0, len(rest))
	cur := leaf
	for len(rest) > 0 {
		next := -1
		for i, c := range rest {
			if bytes.Equal(cur.RawIssuer, c.RawSubject) && cur.CheckSignatureFrom(c) == nil {
				next = i
				break
			}
		}
		if next < 0 {
			break
		}
		cur = rest[next]
		ordered = append(ordered, cur)
		rest = append(rest[:next], rest[next+1:]...)
		if bytes.Equal(cur.RawIssuer, cur.RawSubject) {
			break // self-signed root reached
		}
	}
	return append(ordered, rest...)
}

func containsCert(list []*x509.Certificate, c *x509.Certificate) bool {
	for _, x := range list {
		if x.Equal(c) {
			return true
		}
	}
	return false
}

// LoadPEM loads a private key (PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE
// KEY" or SEC 1 "EC PRIVATE KEY"; encrypted PEM is refused) and one or more
// certificates in any order. The leaf is the certificate whose public key
// matches the private key; the others become the chain, ordered toward the
// root. keyPEM and certPEM may be the same bytes.
func LoadPEM(keyPEM, certPEM []byte) (*KeyPair, error) {
	signer, err := parsePEMKey(keyPEM)
	if err != nil {
		return nil, err
	}
	certs, err := parsePEMCertificates(certPEM)
	if err != nil {
		return nil, err
	}
	return pairFromCerts(signer, certs, "load PEM")
}

func pairFromCerts(signer crypto.Signer, certs []*x509.Certificate, op string) (*KeyPair, error) {
	pub := signer.Public()
	for i, c := range certs {
		if publicKeysEqual(pub, c.PublicKey) {
			others := make([]*x509.Certificate, 0, len(certs)-1)
			others = append(others, certs[:i]...)
			others = append(others, certs[i+1:]...)
			return NewKeyPair(signer, c, others...)
		}
	}
	return nil, &KeyError{Op: op, Err: ErrKeyMismatch, Detail: "no certificate matches the private key"}
}

func parsePEMKey(data []byte) (crypto.Signer, error) {
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, keyErr("load PEM", "no private key block found", nil)
		}
		if _, enc := block.Headers["Proc-Type"]; enc {
			return nil, keyErr("load PEM", "encrypted PEM keys are not supported (use PKCS#12)", nil)
		}
		switch block.Type {
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, keyErr("load PEM", "malformed PKCS#8 key", nil)
			}
			return asSigner(k, "load PEM")
		case "RSA PRIVATE KEY":
			k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
			if err != nil {
				return nil, keyErr("load PEM", "malformed PKCS#1 key", nil)
			}
			return k, nil
		case "EC PRIVATE KEY":
			k, err := x509.ParseECPrivateKey(block.Bytes)
			if err != nil {
				return nil, keyErr("load PEM", "malformed SEC 1 key", nil)
			}
			return k, nil
		case "ENCRYPTED PRIVATE KEY":
			return nil, keyErr("load PEM", "encrypted PKCS#8 keys are not supported (use PKCS#12)", nil)
		}
	}
}

func asSigner(k any, op string) (crypto.Signer, error) {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	}
	return nil, keyErr(op, fmt.Sprintf("unsupported private key type %T", k), nil)
}

func parsePEMCertificates(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, keyErr("load PEM", "malformed certificate", err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, keyErr("load PEM", "no certificate block found", nil)
	}
	return certs, nil
}

// ParseCertificatesPEM parses every CERTIFICATE block in data (for trust
// anchors and pinned certificates). It fails with [ErrInvalidKey] if there
// is none or one is malformed.
func ParseCertificatesPEM(data []byte) ([]*x509.Certificate, error) {
	return parsePEMCertificates(data)
}

// ParsePublicKeyPEM parses the first PUBLIC KEY block (SubjectPublicKeyInfo,
// RFC 5280 §4.1.2.7) in data, for [TrustConfig.PinnedKeys]. It fails with
// [ErrInvalidKey] if there is none, it is malformed, or the key type is not
// RSA, ECDSA or Ed25519.
func ParsePublicKeyPEM(data []byte) (crypto.PublicKey, error) {
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, keyErr("parse PEM public key", "no PUBLIC KEY block found", nil)
		}
		if block.Type != "PUBLIC KEY" {
			continue
		}
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, keyErr("parse PEM public key", "malformed public key", err)
		}
		switch k.(type) {
		case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
			return k, nil
		}
		return nil, keyErr("parse PEM public key", fmt.Sprintf("unsupported key type %T", k), nil)
	}
}
