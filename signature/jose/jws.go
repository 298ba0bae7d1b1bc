package jose

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/egosaar/ozg/signature"
)

// DefaultMaxTokenBytes bounds a compact JWS when a config leaves the limit
// zero.
const DefaultMaxTokenBytes = 1 << 20

var b64 = base64.RawURLEncoding.Strict()

// compactJWS is a parsed, not yet verified compact JWS.
type compactJWS struct {
	headers      jwsHeader
	alg          string
	payload      []byte
	signingInput []byte
	sig          []byte
}

// jwsHeader holds the protected header members this package reads.
type jwsHeader struct {
	Alg string          `json:"alg"`
	Kid string          `json:"kid"`
	Typ string          `json:"typ"`
	Cty string          `json:"cty"`
	Key json.RawMessage `json:"jwk"`
}

func (h *jwsHeader) KeyID() string       { return h.Kid }
func (h *jwsHeader) Type() string        { return h.Typ }
func (h *jwsHeader) ContentType() string { return h.Cty }

// JWK returns the jwk header member, or nil when absent or not a JWK.
func (h *jwsHeader) JWK() jwk.Key {
	if len(h.Key) == 0 {
		return nil
	}
	k, err := jwk.ParseKey(h.Key)
	if err != nil {
		return nil
	}
	return k
}

// parseCompactJWS splits and decodes a compact JWS (RFC 7515 §7.1) with
// strict base64url (no padding, URL alphabet, no CR/LF) and refuses the
// extensions this package does not implement (crit, b64=false, JSON
// serialization). Each segment is decoded once; the header is read with
// encoding/json.
func parseCompactJWS(token string, max int) (*compactJWS, error) {
	if len(token) > max {
		return nil, &LimitError{Limit: "MaxTokenBytes", Max: max}
	}
	if strings.Count(token, ".") != 2 {
		return nil, malformed("not a compact JWS")
	}
	parts := strings.SplitN(token, ".", 3)
	var dec [3][]byte
	for i, p := range parts {
		d, err := b64.DecodeString(p)
		if err != nil || (p == "" && i != 1) || !isB64URL(p) {
			return nil, malformed("segment is not base64url")
		}
		dec[i] = d
	}
	var h jwsHeader
	fields, err := decodeProtectedHeader(dec[0], &h)
	if err != nil {
		return nil, err
	}
	if _, ok := fields["b64"]; ok {
		return nil, malformed("b64 header not supported")
	}
	return &compactJWS{
		headers:      h,
		alg:          h.Alg,
		payload:      dec[1],
		signingInput: []byte(token[:len(parts[0])+1+len(parts[1])]),
		sig:          dec[2],
	}, nil
}

// signCompact signs payload with signer under alg, with the given extra
// protected headers, via jwx (which signs RSA-PSS with salt length = hash
// length and converts ECDSA to r‖s, also for opaque crypto.Signers).
func signCompact(alg string, signer crypto.Signer, payload []byte, headers map[string]any) (string, error) {
	h := jws.NewHeaders()
	for k, v := range headers {
		if err := h.Set(k, v); err != nil {
			return "", fmt.Errorf("jose: set header %s: %w", k, err)
		}
	}
	out, err := jws.Sign(payload, jws.WithKey(jwa.SignatureAlgorithm(alg), signer, jws.WithProtectedHeaders(h)))
	if err != nil {
		return "", fmt.Errorf("jose: sign: %w", err)
	}
	return string(out), nil
}

func jsonMarshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("jose: marshal claims: %w", err)
	}
	return b, nil
}

// SignerConfig configures a JWS [Signer].
type SignerConfig struct {
	// Key signs (software key, HSM or KMS). Required.
	Key crypto.Signer
	// Algorithm; "" means [DefaultAlgorithmFor] the key.
	Algorithm string
	// KeyID is written as kid; "" means the RFC 7638 thumbprint.
	KeyID string
	// Type is written as typ when not empty (e.g. "JWT").
	Type string
	// ContentType is written as cty when not empty.
	ContentType string
}

// Signer produces compact JWS (RFC 7515 §7.1) with an allow-listed
// asymmetric algorithm. Safe for concurrent use.
type Signer struct {
	key     crypto.Signer
	alg     string
	headers map[string]any
}

// NewSigner validates cfg and returns a Signer.
func NewSigner(cfg SignerConfig) (*Signer, error) {
	if cfg.Key == nil {
		return nil, fmt.Errorf("%w: signer: no key", ErrInvalidConfig)
	}
	pub := cfg.Key.Public()
	alg, err := signingAlgorithm("signer config", cfg.Algorithm, pub)
	if err != nil {
		return nil, err
	}
	if err := (signature.Policy{}).CheckPublicKey(pub); err != nil {
		return nil, err
	}
	kid := cfg.KeyID
	if kid == "" {
		var err error
		if kid, err = Thumbprint(pub); err != nil {
			return nil, err
		}
	}
	h := map[string]any{"kid": kid}
	if cfg.Type != "" {
		h["typ"] = cfg.Type
	}
	if cfg.ContentType != "" {
		h["cty"] = cfg.ContentType
	}
	return &Signer{key: cfg.Key, alg: alg, headers: h}, nil
}

// Algorithm returns the signing algorithm.
func (s *Signer) Algorithm() string { return s.alg }

// KeyID returns the kid written into every header.
func (s *Signer) KeyID() string { return s.headers["kid"].(string) }

// Sign returns the compact JWS of payload.
func (s *Signer) Sign(payload []byte) (string, error) {
	return signCompact(s.alg, s.key, payload, s.headers)
}

// VerifierConfig configures a JWS [Verifier]. Exactly one of Key and
// KeySet is required.
type VerifierConfig struct {
	// Key is the pinned verification key (crypto.PublicKey or jwk.Key).
	Key any
	// KeyID, if set with Key, must equal the token's kid.
	KeyID string
	// KeySet resolves the key by the token's kid. A key's alg member, if
	// present, must equal the token's alg.
	KeySet jwk.Set
	// Algorithms allow-lists alg; nil means [DefaultAlgorithms]. "none"
	// and HS* cannot be listed.
	Algorithms []string
	// Type, if set, must equal the typ header (case-insensitive, optional
	// "application/" prefix, RFC 7515 §4.1.9).
	Type string
	// MinRSABits for RSA keys; zero means 2048.
	MinRSABits int
	// MaxTokenBytes; zero means [DefaultMaxTokenBytes].
	MaxTokenBytes int
}

// Verifier verifies compact JWS. Safe for concurrent use.
type Verifier struct {
	cfg    VerifierConfig
	pinned crypto.PublicKey
	algs   []string
	policy signature.Policy
}

// Verified is a verified JWS.
type Verified struct {
	// Payload is the signed payload.
	Payload []byte
	// Algorithm, KeyID, Type and ContentType are the alg, kid, typ and cty
	// headers.
	Algorithm, KeyID, Type, ContentType string
}

// NewVerifier validates cfg and returns a Verifier.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	v := &Verifier{cfg: cfg, policy: signature.Policy{MinRSABits: cfg.MinRSABits}}
	if (cfg.Key == nil) == (cfg.KeySet == nil) {
		return nil, fmt.Errorf("%w: verifier: exactly one of Key and KeySet is required", ErrInvalidConfig)
	}
	if cfg.Key != nil {
		pub, err := rawPublicKey(cfg.Key)
		if err != nil {
			return nil, err
		}
		if err := v.policy.CheckPublicKey(pub); err != nil {
			return nil, err
		}
		v.pinned = pub
	}
	algs, err := checkAlgList(cfg.Algorithms)
	if err != nil {
		return nil, err
	}
	v.algs = algs
	if v.cfg.MaxTokenBytes < 0 {
		return nil, fmt.Errorf("%w: negative MaxTokenBytes", ErrInvalidConfig)
	}
	if v.cfg.MaxTokenBytes == 0 {
		v.cfg.MaxTokenBytes = DefaultMaxTokenBytes
	}
	return v, nil
}

// Verify checks token: compact serialization with strict base64url, no
// crit/b64 headers, alg in the allow-list and fitting the key, typ if
// configured, and the signature over the exact received bytes against the
// pinned key or the key set entry for kid. Keys embedded in the token
// (jwk, jku, x5c, x5u headers) are never used.
func (v *Verifier) Verify(token string) (*Verified, error) {
	j, err := parseCompactJWS(token, v.cfg.MaxTokenBytes)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(v.algs, j.alg) {
		return nil, &signature.AlgorithmError{URI: j.alg}
	}
	if v.cfg.Type != "" && !isType(j.headers.Type(), v.cfg.Type) {
		return nil, ErrInvalidType
	}
	pub, err := v.key(j)
	if err != nil {
		return nil, err
	}
	if err := verifySignature(j.alg, pub, j.signingInput, j.sig); err != nil {
		return nil, err
	}
	return &Verified{Payload: j.payload, Algorithm: j.alg, KeyID: j.headers.KeyID(), Type: j.headers.Type(), ContentType: j.headers.ContentType()}, nil
}

func (v *Verifier) key(j *compactJWS) (crypto.PublicKey, error) {
	kid := j.headers.KeyID()
	if v.pinned != nil {
		if v.cfg.KeyID != "" && kid != v.cfg.KeyID {
			return nil, ErrKeyNotFound
		}
		return v.pinned, nil
	}
	if kid == "" {
		return nil, ErrKeyNotFound
	}
	k, ok := v.cfg.KeySet.LookupKeyID(kid)
	if !ok {
		return nil, ErrKeyNotFound
	}
	if a := k.Algorithm().String(); a != "" && a != j.alg {
		return nil, &signature.AlgorithmError{URI: j.alg}
	}
	pub, err := rawPublicKey(k)
	if err != nil {
		return nil, err
	}
	if err := v.policy.CheckPublicKey(pub); err != nil {
		return nil, err
	}
	return pub, nil
}

// decodeProtectedHeader reads a decoded JOSE protected header (RFC 7515
// §4, RFC 7516 §4) into h. The header must be a JSON object whose members
// have h's types and no crit member (no extension is understood). The
// object's members are returned for the caller's further refusals.
func decodeProtectedHeader(raw []byte, h any) (map[string]json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, malformed("header is not a JSON object")
	}
	if err := json.Unmarshal(raw, h); err != nil {
		return nil, malformed("header member has the wrong type")
	}
	if _, ok := fields["crit"]; ok {
		return nil, malformed("crit header not supported")
	}
	return fields, nil
}

// UnverifiedKeyID returns the kid header of a compact JWS without
// verifying it, to pick the verification key (for example the signing key
// of the destination that issued a SET). Nothing else of an unverified
// token may be trusted.
func UnverifiedKeyID(token string) (string, error) {
	j, err := parseCompactJWS(token, DefaultMaxTokenBytes)
	if err != nil {
		return "", err
	}
	return j.headers.KeyID(), nil
}
