package signature

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"

	"software.sslmate.com/src/go-pkcs12"
)

// MaxPKCS12Bytes bounds the input of [LoadPKCS12].
const MaxPKCS12Bytes = 1 << 20

// LoadPKCS12 decodes a PKCS#12 file (.p12/.pfx) with one private key, its
// certificate and optional CA certificates, as exported by `openssl pkcs12
// -export` (OpenSSL 3 default PBES2/AES-256 and `-legacy` RC2/3DES) or by
// Windows and Java key stores. Decoding is done by
// software.sslmate.com/src/go-pkcs12 (DecodeChain). A wrong password yields
// a [*KeyError] wrapping [ErrInvalidKey] and [ErrIncorrectPassword]; the
// password never appears in an error.
func LoadPKCS12(data []byte, password string) (*KeyPair, error) {
	const op = "load PKCS#12"
	if len(data) == 0 {
		return nil, keyErr(op, "empty input", nil)
	}
	if len(data) > MaxPKCS12Bytes {
		return nil, keyErr(op, "input too large", nil)
	}
	key, leaf, cas, err := decodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, &KeyError{Op: op, Err: ErrInvalidKey, Cause: ErrIncorrectPassword, Detail: "incorrect password"}
		}
		// go-pkcs12 messages describe structure only, never the password.
		return nil, keyErr(op, "malformed or unsupported file", err)
	}
	if leaf == nil {
		return nil, keyErr(op, "no certificate in file", nil)
	}
	signer, err := asSigner(key, op)
	if err != nil {
		return nil, err
	}
	all := append([]*x509.Certificate{leaf}, cas...)
	return pairFromCerts(signer, all, op)
}

// decodeChain calls go-pkcs12 and converts a panic in that parser (never
// observed; defence in depth for untrusted input) into an error.
func decodeChain(data []byte, password string) (key any, leaf *x509.Certificate, cas []*x509.Certificate, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("pkcs12: malformed input")
		}
	}()
	return pkcs12.DecodeChain(data, password)
}

// CertificateFingerprint returns the lowercase hex SHA-256 of c's DER
// encoding ("" for nil).
func CertificateFingerprint(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}
