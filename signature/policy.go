package signature

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"fmt"
	"slices"
)

// DefaultMinRSABits is the minimum RSA modulus size of the zero [Policy]
// (BSI TR-02102-1 requires ≥ 3000 bits from 2023 for new keys; 2048 is the
// floor still met by deployed administration certificates).
const DefaultMinRSABits = 2048

// DefaultSignatureMethods is the allow-list of the zero [Policy].
var defaultSignatureMethods = []string{
	RSASHA256, RSASHA384, RSASHA512,
	RSAPSSSHA256, RSAPSSSHA384, RSAPSSSHA512,
	ECDSASHA256, ECDSASHA384, ECDSASHA512,
}

var defaultDigestMethods = []string{DigestSHA256, DigestSHA384, DigestSHA512}

// DefaultSignatureMethods returns the signature methods allowed by the zero
// [Policy].
func DefaultSignatureMethods() []string { return slices.Clone(defaultSignatureMethods) }

// DefaultDigestMethods returns the digest methods allowed by the zero
// [Policy].
func DefaultDigestMethods() []string { return slices.Clone(defaultDigestMethods) }

// Policy is an algorithm allow-list. The zero value is the secure default:
// RSA PKCS#1 v1.5 and RSA-PSS with SHA-256/384/512, ECDSA with
// SHA-256/384/512 on P-256/384/521, digests SHA-256/384/512, RSA keys of at
// least 2048 bits. A Policy is a value; it is safe for concurrent use.
type Policy struct {
	// SignatureMethods lists the allowed signature method URIs; nil means
	// [DefaultSignatureMethods]. SHA-1 methods listed here are still refused
	// unless InsecureAllowSHA1 is set.
	SignatureMethods []string
	// DigestMethods lists the allowed digest method URIs; nil means
	// [DefaultDigestMethods]. SHA-1 needs InsecureAllowSHA1 as well.
	DigestMethods []string
	// MinRSABits is the minimum RSA modulus size; 0 means
	// [DefaultMinRSABits]. Values below 2048 are raised to 2048.
	MinRSABits int
	// InsecureAllowSHA1 additionally allows SHA-1 signature and digest
	// methods for verification of legacy documents. Signing with SHA-1 is
	// impossible regardless ([Sign] refuses it). Callers should log a warning
	// for every such verification.
	InsecureAllowSHA1 bool
}

// SignatureMethod returns the method for uri if the policy allows it, else
// an [*AlgorithmError].
func (p Policy) SignatureMethod(uri string) (Method, error) {
	m, ok := methods[uri]
	if !ok {
		return Method{}, &AlgorithmError{URI: uri}
	}
	if m.Hash == crypto.SHA1 {
		if !p.InsecureAllowSHA1 {
			return Method{}, &AlgorithmError{URI: uri}
		}
		if p.SignatureMethods == nil || slices.Contains(p.SignatureMethods, uri) {
			return m, nil
		}
		return Method{}, &AlgorithmError{URI: uri}
	}
	allowed := p.SignatureMethods
	if allowed == nil {
		allowed = defaultSignatureMethods
	}
	if !slices.Contains(allowed, uri) {
		return Method{}, &AlgorithmError{URI: uri}
	}
	return m, nil
}

// DigestMethod returns the hash for uri if the policy allows it, else an
// [*AlgorithmError].
func (p Policy) DigestMethod(uri string) (crypto.Hash, error) {
	h, ok := digests[uri]
	if !ok {
		return 0, &AlgorithmError{URI: uri}
	}
	if h == crypto.SHA1 {
		if p.InsecureAllowSHA1 && (p.DigestMethods == nil || slices.Contains(p.DigestMethods, uri)) {
			return h, nil
		}
		return 0, &AlgorithmError{URI: uri}
	}
	allowed := p.DigestMethods
	if allowed == nil {
		allowed = defaultDigestMethods
	}
	if !slices.Contains(allowed, uri) {
		return 0, &AlgorithmError{URI: uri}
	}
	return h, nil
}

// MinRSA returns the effective minimum RSA modulus size.
func (p Policy) MinRSA() int {
	if p.MinRSABits < DefaultMinRSABits {
		return DefaultMinRSABits
	}
	return p.MinRSABits
}

// CheckPublicKey reports whether pub is strong enough: RSA with at least
// [Policy.MinRSA] bits and exponent 65537 or another odd exponent ≥ 3,
// ECDSA on P-256, P-384 or P-521, or Ed25519. Failures wrap
// [ErrInvalidKey].
func (p Policy) CheckPublicKey(pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k.N == nil || k.N.BitLen() < p.MinRSA() {
			bits := 0
			if k.N != nil {
				bits = k.N.BitLen()
			}
			return keyErr("check key", fmt.Sprintf("RSA key of %d bits is below the minimum of %d", bits, p.MinRSA()), nil)
		}
		if k.E < 3 || k.E%2 == 0 {
			return keyErr("check key", "RSA public exponent not allowed", nil)
		}
		return nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256(), elliptic.P384(), elliptic.P521():
			return nil
		}
		return keyErr("check key", "elliptic curve not allowed", nil)
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return keyErr("check key", "malformed Ed25519 key", nil)
		}
		return nil
	case nil:
		return keyErr("check key", "no public key", nil)
	}
	return keyErr("check key", fmt.Sprintf("unsupported key type %T", pub), nil)
}

// checkMethodKey reports whether pub can be used with m.
func checkMethodKey(m Method, pub crypto.PublicKey) error {
	switch m.Key {
	case KeyRSA, KeyRSAPSS:
		if _, ok := pub.(*rsa.PublicKey); ok {
			return nil
		}
	case KeyECDSA:
		if _, ok := pub.(*ecdsa.PublicKey); ok {
			return nil
		}
	}
	return keyErr("check key", fmt.Sprintf("%s method used with %T key", m.Key, pub), nil)
}
