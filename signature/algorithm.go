package signature

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"fmt"

	// Register the hash implementations the method table refers to.
	_ "crypto/sha1" //nolint:gosec // SHA-1 is registered for the verify-only legacy path.
	_ "crypto/sha256"
	_ "crypto/sha512"
)

// Signature method URIs (XML-DSig 1.1 §6.4, RFC 6931 §2.3, RFC 9231 §2.3).
const (
	// RSASHA256 is RSASSA-PKCS1-v1_5 with SHA-256 (RFC 6931 §2.3.2).
	RSASHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	// RSASHA384 is RSASSA-PKCS1-v1_5 with SHA-384 (RFC 6931 §2.3.3).
	RSASHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
	// RSASHA512 is RSASSA-PKCS1-v1_5 with SHA-512 (RFC 6931 §2.3.4).
	RSASHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"

	// RSAPSSSHA256 is RSASSA-PSS with SHA-256, MGF1-SHA-256 and salt length
	// 32 (RFC 6931 §2.3.10, RFC 9231 §2.3.10).
	RSAPSSSHA256 = "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1"
	// RSAPSSSHA384 is RSASSA-PSS with SHA-384, MGF1-SHA-384, salt length 48.
	RSAPSSSHA384 = "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1"
	// RSAPSSSHA512 is RSASSA-PSS with SHA-512, MGF1-SHA-512, salt length 64.
	RSAPSSSHA512 = "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1"

	// ECDSASHA256 is ECDSA with SHA-256 (RFC 6931 §2.3.6; value r‖s per
	// XML-DSig 1.1 §6.4.3 and RFC 4050 §3.3).
	ECDSASHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
	// ECDSASHA384 is ECDSA with SHA-384.
	ECDSASHA384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"
	// ECDSASHA512 is ECDSA with SHA-512.
	ECDSASHA512 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512"

	// RSASHA1 is RSASSA-PKCS1-v1_5 with SHA-1 (XML-DSig 1.1 §6.4.2). Verify
	// only, and only with Policy.InsecureAllowSHA1.
	RSASHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
	// ECDSASHA1 is ECDSA with SHA-1 (RFC 6931 §2.3.6). Verify only, and only
	// with Policy.InsecureAllowSHA1.
	ECDSASHA1 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1"
)

// Digest method URIs (XML-DSig 1.1 §6.2, XML-Enc 1.1 §5.7, RFC 6931 §2.1).
const (
	// DigestSHA256 is SHA-256 (XML-Enc 1.1 §5.7.2).
	DigestSHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
	// DigestSHA384 is SHA-384 (RFC 6931 §2.1.3).
	DigestSHA384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"
	// DigestSHA512 is SHA-512 (XML-Enc 1.1 §5.7.4).
	DigestSHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"
	// DigestSHA1 is SHA-1 (XML-DSig 1.1 §6.2.1); legacy, verify only.
	DigestSHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
)

// KeyType is the public-key algorithm family of a [Method].
type KeyType int

const (
	// KeyRSA is RSASSA-PKCS1-v1_5.
	KeyRSA KeyType = iota + 1
	// KeyRSAPSS is RSASSA-PSS (salt length = hash length).
	KeyRSAPSS
	// KeyECDSA is ECDSA over the NIST curves P-256, P-384, P-521.
	KeyECDSA
)

func (k KeyType) String() string {
	switch k {
	case KeyRSA:
		return "RSA"
	case KeyRSAPSS:
		return "RSA-PSS"
	case KeyECDSA:
		return "ECDSA"
	default:
		return fmt.Sprintf("KeyType(%d)", int(k))
	}
}

// Method is a signature method: its URI, the hash and the key algorithm.
type Method struct {
	URI  string
	Hash crypto.Hash
	Key  KeyType
}

// String returns the method URI.
func (m Method) String() string { return m.URI }

var methods = map[string]Method{
	RSASHA256:    {RSASHA256, crypto.SHA256, KeyRSA},
	RSASHA384:    {RSASHA384, crypto.SHA384, KeyRSA},
	RSASHA512:    {RSASHA512, crypto.SHA512, KeyRSA},
	RSAPSSSHA256: {RSAPSSSHA256, crypto.SHA256, KeyRSAPSS},
	RSAPSSSHA384: {RSAPSSSHA384, crypto.SHA384, KeyRSAPSS},
	RSAPSSSHA512: {RSAPSSSHA512, crypto.SHA512, KeyRSAPSS},
	ECDSASHA256:  {ECDSASHA256, crypto.SHA256, KeyECDSA},
	ECDSASHA384:  {ECDSASHA384, crypto.SHA384, KeyECDSA},
	ECDSASHA512:  {ECDSASHA512, crypto.SHA512, KeyECDSA},
	RSASHA1:      {RSASHA1, crypto.SHA1, KeyRSA},
	ECDSASHA1:    {ECDSASHA1, crypto.SHA1, KeyECDSA},
}

var digests = map[string]crypto.Hash{
	DigestSHA256: crypto.SHA256,
	DigestSHA384: crypto.SHA384,
	DigestSHA512: crypto.SHA512,
	DigestSHA1:   crypto.SHA1,
}

// LookupMethod returns the method registered for uri. It knows every method
// this module can execute, including the SHA-1 legacy ones; whether a method
// is allowed is decided by [Policy.SignatureMethod].
func LookupMethod(uri string) (Method, bool) {
	m, ok := methods[uri]
	return m, ok
}

// LookupDigest returns the hash for a digest method URI (see
// [LookupMethod] for the allow-list caveat).
func LookupDigest(uri string) (crypto.Hash, bool) {
	h, ok := digests[uri]
	return h, ok
}

// DigestURI returns the digest method URI for h, or "" if h has none.
func DigestURI(h crypto.Hash) string {
	switch h {
	case crypto.SHA256:
		return DigestSHA256
	case crypto.SHA384:
		return DigestSHA384
	case crypto.SHA512:
		return DigestSHA512
	case crypto.SHA1:
		return DigestSHA1
	}
	return ""
}

// DefaultMethod returns the signing method used when the caller does not
// choose one: RSA → [RSASHA256]; ECDSA P-256/P-384/P-521 → [ECDSASHA256],
// [ECDSASHA384], [ECDSASHA512]. RSA-PSS is never chosen implicitly because
// some counterparts (BundID AuthnRequests, xmlsec1 1.2) do not accept it.
func DefaultMethod(pub crypto.PublicKey) (Method, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return methods[RSASHA256], nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return methods[ECDSASHA256], nil
		case elliptic.P384():
			return methods[ECDSASHA384], nil
		case elliptic.P521():
			return methods[ECDSASHA512], nil
		}
		return Method{}, keyErr("select method", "unsupported elliptic curve", nil)
	case nil:
		return Method{}, keyErr("select method", "no public key", nil)
	}
	return Method{}, keyErr("select method", fmt.Sprintf("unsupported key type %T", pub), nil)
}
