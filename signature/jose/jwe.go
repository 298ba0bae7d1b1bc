package jose

import (
	"crypto/rsa"
	"fmt"
	"slices"
	"strings"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwe"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/egosaar/ozg/signature"
)

// JWE algorithm names (RFC 7518 §4.3, §5.3).
const (
	RSAOAEP256 = "RSA-OAEP-256"
	A128GCM    = "A128GCM"
	A192GCM    = "A192GCM"
	A256GCM    = "A256GCM"
)

// FITConnectMinRSABits is the key size FIT-Connect requires for
// destination encryption keys (fitconnect.md §7.1/§7.2: 4096-bit RSA).
const FITConnectMinRSABits = 4096

// DefaultMaxJWEBytes bounds a compact JWE when a config leaves it zero
// (FIT-Connect Fachdaten are limited to about 10 MB; attachments may be
// larger, raise the limit for them).
const DefaultMaxJWEBytes = 64 << 20

// EncryptOptions are per-message JWE options.
type EncryptOptions struct {
	// ContentType (cty), e.g. "application/json" for FIT-Connect metadata
	// and data; FIT-Connect rejects metadata and data JWEs without it.
	ContentType string
	// KeyID (kid); "" means the recipient JWK's kid, else none.
	KeyID string
	// ContentEncryption (enc); "" means A256GCM (FIT-Connect).
	ContentEncryption string
	// MinRSABits; zero means [FITConnectMinRSABits] (4096). Set 2048 or
	// more to encrypt for other recipients.
	MinRSABits int
}

// Encrypt returns the compact JWE (RFC 7516 §7.1) of payload for
// recipient (a *rsa.PublicKey or an RSA jwk.Key) with RSA-OAEP-256 key
// encryption and A256GCM content encryption, without compression. A JWK
// whose alg is set must say RSA-OAEP-256 and whose key_ops is set must
// permit wrapKey or encrypt. Validate a counterpart's JWK with [VerifyJWK]
// first.
func Encrypt(payload []byte, recipient any, opts EncryptOptions) (string, error) {
	kid := opts.KeyID
	if k, ok := recipient.(jwk.Key); ok {
		if a := k.Algorithm().String(); a != "" && a != RSAOAEP256 {
			return "", &signature.AlgorithmError{URI: a}
		}
		if ops := k.KeyOps(); len(ops) > 0 && !slices.Contains(ops, jwk.KeyOpWrapKey) && !slices.Contains(ops, jwk.KeyOpEncrypt) {
			return "", &signature.KeyError{Op: "encrypt", Err: signature.ErrInvalidKey, Detail: "key_ops does not permit wrapKey"}
		}
		if kid == "" {
			kid = k.KeyID()
		}
	}
	raw, err := rawPublicKey(recipient)
	if err != nil {
		return "", err
	}
	pub, ok := raw.(*rsa.PublicKey)
	if !ok {
		return "", &signature.KeyError{Op: "encrypt", Err: signature.ErrInvalidKey, Detail: "RSA key required"}
	}
	minBits := opts.MinRSABits
	if minBits == 0 {
		minBits = FITConnectMinRSABits
	}
	if err := (signature.Policy{MinRSABits: minBits}).CheckPublicKey(pub); err != nil {
		return "", err
	}
	enc := opts.ContentEncryption
	if enc == "" {
		enc = A256GCM
	}
	if enc != A256GCM && enc != A192GCM && enc != A128GCM {
		return "", &signature.AlgorithmError{URI: enc}
	}
	h := jwe.NewHeaders()
	if opts.ContentType != "" {
		if err := h.Set(jwe.ContentTypeKey, opts.ContentType); err != nil {
			return "", fmt.Errorf("jose: cty: %w", err)
		}
	}
	if kid != "" {
		if err := h.Set(jwe.KeyIDKey, kid); err != nil {
			return "", fmt.Errorf("jose: kid: %w", err)
		}
	}
	out, err := jwe.Encrypt(payload,
		jwe.WithKey(jwa.RSA_OAEP_256, pub),
		jwe.WithContentEncryption(jwa.ContentEncryptionAlgorithm(enc)),
		jwe.WithProtectedHeaders(h),
		jwe.WithCompact())
	if err != nil {
		return "", fmt.Errorf("jose: encrypt: %w", err)
	}
	return string(out), nil
}

// AuthenticationTag returns the fifth segment of a compact JWE, which
// FIT-Connect's accept-submission event lists per part
// (fitconnect.md §5.4).
func AuthenticationTag(compact string) (string, error) {
	parts := strings.Split(compact, ".")
	if len(parts) != 5 || parts[4] == "" {
		return "", malformed("not a compact JWE")
	}
	if _, err := b64.DecodeString(parts[4]); err != nil {
		return "", malformed("authentication tag is not base64url")
	}
	return parts[4], nil
}

// DecrypterConfig configures a JWE [Decrypter].
type DecrypterConfig struct {
	// Key is the recipient's RSA private key. Required. (jwx v2 cannot use
	// an opaque crypto.Decrypter, so HSM-held JWE keys are not supported.)
	Key *rsa.PrivateKey
	// KeyID, if set, must equal the JWE's kid when the JWE has one.
	KeyID string
	// ContentEncryptions allow-lists enc; nil means A256GCM only.
	ContentEncryptions []string
	// MinRSABits for Key; zero means 2048.
	MinRSABits int
	// MaxBytes bounds the compact JWE; zero means [DefaultMaxJWEBytes].
	MaxBytes int
}

// Decrypter decrypts compact JWEs. It is safe for concurrent use.
type Decrypter struct {
	key  *rsa.PrivateKey
	kid  string
	encs []string
	max  int
}

// NewDecrypter validates cfg and returns a Decrypter.
func NewDecrypter(cfg DecrypterConfig) (*Decrypter, error) {
	if cfg.Key == nil {
		return nil, fmt.Errorf("%w: decrypter: no key", ErrConfig)
	}
	if err := (signature.Policy{MinRSABits: cfg.MinRSABits}).CheckPublicKey(&cfg.Key.PublicKey); err != nil {
		return nil, err
	}
	d := &Decrypter{key: cfg.Key, kid: cfg.KeyID, encs: []string{A256GCM}, max: cfg.MaxBytes}
	if cfg.ContentEncryptions != nil {
		d.encs = nil
		for _, e := range cfg.ContentEncryptions {
			if e != A256GCM && e != A192GCM && e != A128GCM {
				return nil, &signature.AlgorithmError{URI: e}
			}
			d.encs = append(d.encs, e)
		}
	}
	if d.max == 0 {
		d.max = DefaultMaxJWEBytes
	}
	return d, nil
}

// Decrypted is a decrypted JWE.
type Decrypted struct {
	// Payload is the plaintext.
	Payload []byte
	// ContentType is the cty header ("" if absent).
	ContentType string
	// KeyID is the kid header ("" if absent).
	KeyID string
	// AuthenticationTag is the fifth compact segment (base64url).
	AuthenticationTag string
}

// Decrypt checks the header (compact serialization only; alg
// RSA-OAEP-256; enc in the allow-list; no zip or crit; key-reference
// headers such as jku, x5u or jwk are ignored) before any private-key
// operation, then decrypts with jwx. Every cryptographic failure is
// [ErrDecrypt].
func (d *Decrypter) Decrypt(compact string) (*Decrypted, error) {
	if len(compact) > d.max {
		return nil, &LimitError{Limit: "MaxTokenBytes", Max: d.max}
	}
	parts := strings.Split(compact, ".")
	if len(parts) != 5 {
		return nil, malformed("not a compact JWE")
	}
	for i, p := range parts {
		if _, err := b64.DecodeString(p); err != nil || (p == "" && i != 3) {
			return nil, malformed("segment is not base64url")
		}
	}
	msg, err := jwe.Parse([]byte(compact))
	if err != nil {
		return nil, malformed("cannot parse JWE")
	}
	h := msg.ProtectedHeaders()
	if alg := h.Algorithm().String(); alg != RSAOAEP256 {
		return nil, &signature.AlgorithmError{URI: alg}
	}
	if enc := h.ContentEncryption().String(); !slices.Contains(d.encs, enc) {
		return nil, &signature.AlgorithmError{URI: enc}
	}
	if zip := h.Compression().String(); zip != "" {
		return nil, malformed("compression (zip) is not accepted")
	}
	if len(h.Critical()) > 0 {
		return nil, malformed("crit header not supported")
	}
	kid := h.KeyID()
	if d.kid != "" && kid != "" && kid != d.kid {
		return nil, ErrKeyNotFound
	}
	pt, err := jwe.Decrypt([]byte(compact), jwe.WithKey(jwaKeyAlg(RSAOAEP256), d.key))
	if err != nil {
		return nil, ErrDecrypt
	}
	return &Decrypted{Payload: pt, ContentType: h.ContentType(), KeyID: kid, AuthenticationTag: parts[4]}, nil
}
