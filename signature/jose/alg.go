package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"slices"

	"github.com/egosaar/ozg/signature"
)

// JWS algorithm names (RFC 7518 §3.1, RFC 8037 §3.1).
const (
	PS256 = "PS256"
	PS384 = "PS384"
	PS512 = "PS512"
	RS256 = "RS256"
	RS384 = "RS384"
	RS512 = "RS512"
	ES256 = "ES256"
	ES384 = "ES384"
	ES512 = "ES512"
	EdDSA = "EdDSA"
)

// jwsMethods maps every asymmetric JWS algorithm this package executes to
// the module's single method table (package signature): PS* are RSASSA-PSS
// with MGF1 over the same hash and salt length = hash length (RFC 7518
// §3.5), ES* are ECDSA with the fixed-width r‖s value (RFC 7518 §3.4) —
// the same encodings XML-DSig uses. EdDSA is handled separately.
var jwsMethods = map[string]string{
	PS256: signature.RSAPSSSHA256, PS384: signature.RSAPSSSHA384, PS512: signature.RSAPSSSHA512,
	RS256: signature.RSASHA256, RS384: signature.RSASHA384, RS512: signature.RSASHA512,
	ES256: signature.ECDSASHA256, ES384: signature.ECDSASHA384, ES512: signature.ECDSASHA512,
}

// DefaultAlgorithms is the JWS allow-list used when a config leaves
// Algorithms nil. "none" and the HMAC algorithms (HS*) are never accepted
// by this package.
func DefaultAlgorithms() []string {
	return []string{PS256, PS384, PS512, RS256, RS384, RS512, ES256, ES384, ES512, EdDSA}
}

func knownAlg(alg string) bool {
	_, ok := jwsMethods[alg]
	return ok || alg == EdDSA
}

func checkAlgList(list []string) ([]string, error) {
	if list == nil {
		return DefaultAlgorithms(), nil
	}
	for _, a := range list {
		if !knownAlg(a) {
			return nil, &signature.AlgorithmError{URI: a}
		}
	}
	return slices.Clone(list), nil
}

// keyFitsAlg reports whether pub can be used with alg (ES256 needs P-256,
// ES384 P-384, ES512 P-521; RS*/PS* RSA; EdDSA Ed25519).
func keyFitsAlg(alg string, pub crypto.PublicKey) bool {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return alg[:2] == "RS" || alg[:2] == "PS"
	case *ecdsa.PublicKey:
		switch alg {
		case ES256:
			return k.Curve == elliptic.P256()
		case ES384:
			return k.Curve == elliptic.P384()
		case ES512:
			return k.Curve == elliptic.P521()
		}
	case ed25519.PublicKey:
		return alg == EdDSA
	}
	return false
}

// DefaultAlgorithmFor returns the default signing algorithm for a key:
// PS256 for RSA (PS512 for SETs is set by the SET signer), ES256/384/512
// by curve, EdDSA for Ed25519.
func DefaultAlgorithmFor(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return PS256, nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return ES256, nil
		case elliptic.P384():
			return ES384, nil
		case elliptic.P521():
			return ES512, nil
		}
	case ed25519.PublicKey:
		return EdDSA, nil
	}
	return "", &signature.KeyError{Op: "select algorithm", Err: signature.ErrInvalidKey, Detail: "unsupported key type"}
}

// signingAlgorithm returns alg, or the default for pub when alg is empty,
// after checking that the algorithm is known and fits the key. op names the
// caller in errors.
func signingAlgorithm(op, alg string, pub crypto.PublicKey) (string, error) {
	if alg == "" {
		var err error
		if alg, err = DefaultAlgorithmFor(pub); err != nil {
			return "", err
		}
	}
	if !knownAlg(alg) {
		return "", &signature.AlgorithmError{URI: alg}
	}
	if !keyFitsAlg(alg, pub) {
		return "", &signature.KeyError{Op: op, Err: signature.ErrInvalidKey, Detail: "key does not fit algorithm " + alg}
	}
	return alg, nil
}

// verifySignature checks sig over signingInput with pub under alg. It is
// the only verification path of this package.
func verifySignature(alg string, pub crypto.PublicKey, signingInput, sig []byte) error {
	if !keyFitsAlg(alg, pub) {
		return &signature.AlgorithmError{URI: alg}
	}
	if alg == EdDSA {
		if !ed25519.Verify(pub.(ed25519.PublicKey), signingInput, sig) {
			return ErrInvalidSignature
		}
		return nil
	}
	m, ok := signature.LookupMethod(jwsMethods[alg])
	if !ok {
		return &signature.AlgorithmError{URI: alg}
	}
	return signature.Verify(pub, m, signingInput, sig, signature.VerifyOptions{})
}
