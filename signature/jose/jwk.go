package jose

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"

	"github.com/lestrrat-go/jwx/v2/cert"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/egosaar/ozg/signature"
)

// JWKOptions describe the metadata of a public JWK (RFC 7517 §4).
type JWKOptions struct {
	// KeyID (kid); "" means the RFC 7638 SHA-256 thumbprint.
	KeyID string
	// Algorithm (alg), e.g. "PS512" or "RSA-OAEP-256"; optional.
	Algorithm string
	// Use (use): "sig" or "enc"; optional.
	Use string
	// KeyOps (key_ops), e.g. ["verify"] or ["wrapKey"]; optional.
	KeyOps []string
}

// Thumbprint returns the RFC 7638 JWK thumbprint (SHA-256, base64url) of a
// public key (crypto.PublicKey or jwk.Key).
func Thumbprint(pub any) (string, error) {
	raw, err := rawPublicKey(pub)
	if err != nil {
		return "", err
	}
	k, err := jwk.FromRaw(raw)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	tp, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	return base64.RawURLEncoding.EncodeToString(tp), nil
}

// PublicJWK returns the public JWK of pub (RSA, ECDSA or Ed25519; a
// private key or crypto.Signer is reduced to its public half).
func PublicJWK(pub any, opts JWKOptions) (jwk.Key, error) {
	raw, err := rawPublicKey(pub)
	if err != nil {
		return nil, err
	}
	k, err := jwk.FromRaw(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	kid := opts.KeyID
	if kid == "" {
		if kid, err = Thumbprint(raw); err != nil {
			return nil, err
		}
	}
	set := map[string]any{jwk.KeyIDKey: kid}
	if opts.Algorithm != "" {
		set[jwk.AlgorithmKey] = opts.Algorithm
	}
	if opts.Use != "" {
		set[jwk.KeyUsageKey] = opts.Use
	}
	if len(opts.KeyOps) > 0 {
		ops := make(jwk.KeyOperationList, 0, len(opts.KeyOps))
		for _, o := range opts.KeyOps {
			ops = append(ops, jwk.KeyOperation(o))
		}
		set[jwk.KeyOpsKey] = ops
	}
	for name, v := range set {
		if err := k.Set(name, v); err != nil {
			return nil, fmt.Errorf("jose: jwk %s: %w", name, err)
		}
	}
	return k, nil
}

// KeyPairJWK returns the public JWK of kp with x5c set to its certificates
// (leaf first, then the chain, RFC 7517 §4.7). FIT-Connect requires the
// complete chain up to the root; include the root in kp.Chain for that.
func KeyPairJWK(kp *signature.KeyPair, opts JWKOptions) (jwk.Key, error) {
	if kp == nil || kp.Certificate == nil {
		return nil, &signature.KeyError{Op: "jwk", Err: signature.ErrInvalidKey, Detail: "incomplete key pair"}
	}
	k, err := PublicJWK(kp.Public(), opts)
	if err != nil {
		return nil, err
	}
	var chain cert.Chain
	for _, c := range kp.Certificates() {
		if err := chain.Add([]byte(base64.StdEncoding.EncodeToString(c.Raw))); err != nil {
			return nil, fmt.Errorf("jose: x5c: %w", err)
		}
	}
	if err := k.Set(jwk.X509CertChainKey, &chain); err != nil {
		return nil, fmt.Errorf("jose: x5c: %w", err)
	}
	return k, nil
}

// JWKPolicy are the checks [VerifyJWK] applies besides the chain.
type JWKPolicy struct {
	// MinRSABits; zero means 2048. FIT-Connect requires 4096.
	MinRSABits int
	// Algorithm, if set, must equal the JWK's alg (e.g. "RSA-OAEP-256").
	Algorithm string
	// KeyOp, if set, must be contained in key_ops when key_ops is present
	// (e.g. "wrapKey" for encryption keys, "verify" for SET keys).
	KeyOp string
	// RequireX5C refuses keys without x5c (FIT-Connect). Without x5c and
	// without RequireX5C, VerifyJWK fails with ErrUntrustedKey anyway,
	// since trust needs a certificate.
	RequireX5C bool
}

// FITConnectEncryptionKeyPolicy is the JWK policy for FIT-Connect
// destination encryption keys (RSA 4096,
// RSA-OAEP-256, key_ops wrapKey, x5c required).
var FITConnectEncryptionKeyPolicy = JWKPolicy{MinRSABits: 4096, Algorithm: "RSA-OAEP-256", KeyOp: "wrapKey", RequireX5C: true}

// FITConnectSignatureKeyPolicy is the JWK policy for FIT-Connect SET
// verification keys (RSA 4096, PS512, key_ops verify).
var FITConnectSignatureKeyPolicy = JWKPolicy{MinRSABits: 4096, Algorithm: PS512, KeyOp: "verify", RequireX5C: true}

// VerifyJWK checks a public JWK received from a counterpart: its key
// strength and metadata against p, that the x5c leaf certifies exactly the
// JWK's key, and that the leaf chains (through the other x5c certificates)
// to store's anchors. It returns the verified chain.
func VerifyJWK(ctx context.Context, key jwk.Key, store *signature.TrustStore, p JWKPolicy) ([]*x509.Certificate, error) {
	if key == nil || store == nil {
		return nil, errors.New("jose: verify jwk: nil key or trust store")
	}
	if isPriv, err := jwk.IsPrivateKey(key); err != nil || isPriv {
		return nil, &signature.KeyError{Op: "verify jwk", Err: signature.ErrInvalidKey, Detail: "not a public key"}
	}
	pub, err := rawPublicKey(key)
	if err != nil {
		return nil, err
	}
	if err := (signature.Policy{MinRSABits: p.MinRSABits}).CheckPublicKey(pub); err != nil {
		return nil, err
	}
	if rk, ok := pub.(*rsa.PublicKey); ok && p.MinRSABits >= 4096 && rk.E != 65537 {
		return nil, &signature.KeyError{Op: "verify jwk", Err: signature.ErrInvalidKey, Detail: "exponent must be 65537 (AQAB)"}
	}
	if p.Algorithm != "" && key.Algorithm().String() != p.Algorithm {
		return nil, &signature.AlgorithmError{URI: key.Algorithm().String()}
	}
	if p.KeyOp != "" {
		if ops := key.KeyOps(); len(ops) > 0 && !slices.Contains(ops, jwk.KeyOperation(p.KeyOp)) {
			return nil, &signature.KeyError{Op: "verify jwk", Err: signature.ErrInvalidKey, Detail: "key_ops does not permit " + p.KeyOp}
		}
	}
	chain := key.X509CertChain()
	if chain == nil || chain.Len() == 0 {
		return nil, &signature.TrustError{Reason: signature.TrustUnknownAuthority, Err: errors.New("jwk has no x5c")}
	}
	certs := make([]*x509.Certificate, 0, chain.Len())
	for i := range chain.Len() {
		b, _ := chain.Get(i)
		der, err := base64.StdEncoding.DecodeString(string(b))
		if err != nil {
			return nil, &signature.KeyError{Op: "verify jwk", Err: signature.ErrInvalidKey, Detail: "x5c entry is not base64"}
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, &signature.KeyError{Op: "verify jwk", Err: signature.ErrInvalidKey, Detail: "x5c entry is not a certificate"}
		}
		certs = append(certs, c)
	}
	if eq, ok := pub.(interface{ Equal(crypto.PublicKey) bool }); !ok || !eq.Equal(certs[0].PublicKey) {
		return nil, &signature.KeyError{Op: "verify jwk", Err: signature.ErrKeyMismatch, Detail: "x5c leaf does not certify the JWK key"}
	}
	return store.Verify(ctx, certs[0], certs[1:])
}

// rawPublicKey returns the public crypto key of v: a crypto.PublicKey, a
// private key / crypto.Signer, or a jwk.Key.
func rawPublicKey(v any) (crypto.PublicKey, error) {
	switch k := v.(type) {
	case jwk.Key:
		var raw any
		if err := k.Raw(&raw); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
		return rawPublicKey(raw)
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
		return k, nil
	case *rsa.PrivateKey:
		return &k.PublicKey, nil
	case *ecdsa.PrivateKey:
		return &k.PublicKey, nil
	case ed25519.PrivateKey:
		return k.Public(), nil
	case crypto.Signer:
		return rawPublicKey(k.Public())
	}
	return nil, &signature.KeyError{Op: "jwk", Err: signature.ErrInvalidKey, Detail: fmt.Sprintf("unsupported key type %T", v)}
}
