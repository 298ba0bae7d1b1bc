package signature

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// VerifyOptions are per-call verification variants.
type VerifyOptions struct {
	// AllowECDSADER additionally accepts ASN.1 DER encoded ECDSA signature
	// values (as produced by goxmldsig and Go's crypto.Signer). The default
	// accepts only the fixed-width r‖s encoding that XML-DSig 1.1 §6.4.3 and
	// RFC 4050 §3.3 prescribe, plus the one short form described at
	// [P521ShortHalf].
	AllowECDSADER bool
}

// P521ShortHalf is the length of r and s in the one short ECDSA value that
// [Verify] accepts: a P-521 value of 2×65 bytes instead of 2×66, as older
// Java XML-DSig signers produce for P-521, and as xmlsec1 verifies (its test vector
// aleksey-xmldsig-01/enveloped-ecdsa-java-bug.xml, xmlsec issue 228). Each
// half is read as a big-endian integer. Every other length that is not
// 2×field size is refused, on every curve, even when r and s would verify
// after left-padding, because a value of the wrong length is not an
// XML-DSig 1.1 §6.4.3 encoding.
const P521ShortHalf = 65

// Sign hashes data with m.Hash and signs it with signer using method m. It
// is the module's single mapping from a method to a crypto operation:
//
//   - KeyRSA: RSASSA-PKCS1-v1_5 (RFC 8017 §8.2);
//   - KeyRSAPSS: RSASSA-PSS with MGF1 over the same hash and salt length =
//     hash length (RFC 6931 §2.3.10, [rsa.PSSSaltLengthEqualsHash]);
//   - KeyECDSA: the value is the raw big-endian r‖s, each padded to the
//     curve's byte length (XML-DSig 1.1 §6.4.3), converted from the DER that
//     crypto.Signer returns.
//
// SHA-1 methods are always refused ([*AlgorithmError]). signer may be an
// HSM or KMS key.
func Sign(signer crypto.Signer, m Method, data []byte) ([]byte, error) {
	if err := checkSignMethod(m); err != nil {
		return nil, err
	}
	h := m.Hash.New()
	h.Write(data)
	return signDigest(signer, m, h.Sum(nil))
}

// SignDigest signs an already computed digest (len = m.Hash.Size()); see
// [Sign].
func SignDigest(signer crypto.Signer, m Method, digest []byte) ([]byte, error) {
	if err := checkSignMethod(m); err != nil {
		return nil, err
	}
	return signDigest(signer, m, digest)
}

func checkSignMethod(m Method) error {
	known, ok := methods[m.URI]
	if !ok || known != m || m.Hash == crypto.SHA1 || !m.Hash.Available() {
		return &AlgorithmError{URI: m.URI}
	}
	return nil
}

func signDigest(signer crypto.Signer, m Method, digest []byte) ([]byte, error) {
	if signer == nil {
		return nil, keyErr("sign", "no signer", nil)
	}
	if len(digest) != m.Hash.Size() {
		return nil, fmt.Errorf("%w: length %d, %s needs %d", ErrInvalidDigest, len(digest), m.Hash, m.Hash.Size())
	}
	pub := signer.Public()
	if err := checkMethodKey(m, pub); err != nil {
		return nil, err
	}
	switch m.Key {
	case KeyRSA:
		return signer.Sign(rand.Reader, digest, m.Hash)
	case KeyRSAPSS:
		return signer.Sign(rand.Reader, digest, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: m.Hash})
	case KeyECDSA:
		der, err := signer.Sign(rand.Reader, digest, m.Hash)
		if err != nil {
			return nil, err
		}
		r, s, err := parseECDSADER(der)
		if err != nil {
			return nil, fmt.Errorf("signature: sign: signer returned malformed ECDSA value: %w", err)
		}
		return rawECDSA(pub.(*ecdsa.PublicKey), r, s)
	}
	return nil, &AlgorithmError{URI: m.URI}
}

// Verify hashes data with m.Hash and verifies sig with pub. Verify checks
// only that m fits pub; whether m is allowed is the caller's [Policy]
// decision (use [Policy.SignatureMethod] to obtain m). Failures wrap
// [ErrInvalidSignature].
func Verify(pub crypto.PublicKey, m Method, data, sig []byte, opts VerifyOptions) error {
	known, ok := methods[m.URI]
	if !ok || known != m || !m.Hash.Available() {
		return &AlgorithmError{URI: m.URI}
	}
	h := m.Hash.New()
	h.Write(data)
	return verifyDigest(pub, m, h.Sum(nil), sig, opts)
}

// VerifyDigest verifies sig over an already computed digest; see [Verify].
func VerifyDigest(pub crypto.PublicKey, m Method, digest, sig []byte, opts VerifyOptions) error {
	known, ok := methods[m.URI]
	if !ok || known != m || !m.Hash.Available() {
		return &AlgorithmError{URI: m.URI}
	}
	return verifyDigest(pub, m, digest, sig, opts)
}

func verifyDigest(pub crypto.PublicKey, m Method, digest, sig []byte, opts VerifyOptions) error {
	if len(digest) != m.Hash.Size() {
		return fmt.Errorf("%w: digest length does not match %s", ErrInvalidSignature, m.Hash)
	}
	if err := checkMethodKey(m, pub); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidSignature, err)
	}
	switch m.Key {
	case KeyRSA:
		if err := rsa.VerifyPKCS1v15(pub.(*rsa.PublicKey), m.Hash, digest, sig); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidSignature, err)
		}
		return nil
	case KeyRSAPSS:
		// Salt length = hash length is required, not merely accepted
		// (RFC 6931 §2.3.10): a signature with another salt length is invalid.
		if err := rsa.VerifyPSS(pub.(*rsa.PublicKey), m.Hash, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: m.Hash}); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidSignature, err)
		}
		return nil
	case KeyECDSA:
		k := pub.(*ecdsa.PublicKey)
		n := curveBytes(k)
		if k.Curve == elliptic.P521() && len(sig) == 2*P521ShortHalf {
			n = P521ShortHalf
		}
		if len(sig) == 2*n {
			r := new(big.Int).SetBytes(sig[:n])
			s := new(big.Int).SetBytes(sig[n:])
			if ecdsa.Verify(k, digest, r, s) {
				return nil
			}
			if !opts.AllowECDSADER {
				return ErrInvalidSignature
			}
		}
		if opts.AllowECDSADER && ecdsa.VerifyASN1(k, digest, sig) {
			return nil
		}
		if !opts.AllowECDSADER && len(sig) != 2*n {
			return fmt.Errorf("%w: ECDSA value is not %d-byte r||s (DER needs VerifyOptions.AllowECDSADER)", ErrInvalidSignature, 2*n)
		}
		return ErrInvalidSignature
	}
	return &AlgorithmError{URI: m.URI}
}

func curveBytes(k *ecdsa.PublicKey) int { return (k.Curve.Params().BitSize + 7) / 8 }

func rawECDSA(pub *ecdsa.PublicKey, r, s *big.Int) ([]byte, error) {
	n := curveBytes(pub)
	if r.Sign() <= 0 || s.Sign() <= 0 || r.BitLen() > 8*n || s.BitLen() > 8*n {
		return nil, errors.New("signature: sign: ECDSA value out of range")
	}
	out := make([]byte, 2*n)
	r.FillBytes(out[:n])
	s.FillBytes(out[n:])
	return out, nil
}

func parseECDSADER(der []byte) (r, s *big.Int, err error) {
	r, s = new(big.Int), new(big.Int)
	var inner cryptobyte.String
	in := cryptobyte.String(der)
	if !in.ReadASN1(&inner, cbasn1.SEQUENCE) || !in.Empty() ||
		!inner.ReadASN1Integer(r) || !inner.ReadASN1Integer(s) || !inner.Empty() {
		return nil, nil, asn1.SyntaxError{Msg: "invalid ECDSA signature"}
	}
	return r, s, nil
}
