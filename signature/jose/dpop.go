package jose

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/egosaar/ozg/signature"
)

// TypeDPoP is the typ header of a DPoP proof (RFC 9449 §4.2).
const TypeDPoP = "dpop+jwt"

// DPoPConfig configures a [DPoP] proof generator.
type DPoPConfig struct {
	// Key is the client's proof-of-possession key. Required.
	Key crypto.Signer
	// Algorithm; "" means ES256/ES384/ES512 by curve for ECDSA keys, PS256
	// for RSA, EdDSA for Ed25519.
	Algorithm string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// DPoP creates DPoP proofs (RFC 9449) for one key. It is safe for
// concurrent use.
type DPoP struct {
	key crypto.Signer
	alg string
	jwk jwk.Key
	tp  string
	now func() time.Time
}

// NewDPoP validates cfg and returns a DPoP generator.
func NewDPoP(cfg DPoPConfig) (*DPoP, error) {
	if cfg.Key == nil {
		return nil, fmt.Errorf("%w: DPoP: no key", ErrInvalidConfig)
	}
	pub := cfg.Key.Public()
	if err := (signature.Policy{}).CheckPublicKey(pub); err != nil {
		return nil, err
	}
	alg, err := signingAlgorithm("DPoP config", cfg.Algorithm, pub)
	if err != nil {
		return nil, err
	}
	// RFC 9449 §4.2: the jwk header carries the public key only, without
	// kid or other metadata that could be confused for a key reference.
	raw, err := rawPublicKey(pub)
	if err != nil {
		return nil, err
	}
	k, err := jwk.FromRaw(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	tp, err := Thumbprint(raw)
	if err != nil {
		return nil, err
	}
	d := &DPoP{key: cfg.Key, alg: alg, jwk: k, tp: tp, now: cfg.Now}
	if d.now == nil {
		d.now = time.Now
	}
	return d, nil
}

// Thumbprint returns the RFC 7638 thumbprint of the proof key (the
// authorization server binds tokens to it as cnf.jkt, RFC 9449 §6.1).
func (d *DPoP) Thumbprint() string { return d.tp }

// Algorithm returns the JWS algorithm of the proofs.
func (d *DPoP) Algorithm() string { return d.alg }

type dpopClaims struct {
	JTI   string `json:"jti"`
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	IAT   int64  `json:"iat"`
	ATH   string `json:"ath,omitempty"`
	Nonce string `json:"nonce,omitempty"`
}

// Proof returns a DPoP proof JWT for an HTTP request (RFC 9449 §4.2):
// header typ dpop+jwt, alg and the public jwk; claims jti (random), htm,
// htu (targetURL without query and fragment), iat, ath (base64url
// SHA-256 of accessToken, if given) and nonce (if given). The result goes
// into the DPoP request header.
func (d *DPoP) Proof(method, targetURL, accessToken, nonce string) (string, error) {
	if method == "" || strings.ContainsAny(method, " \t\r\n") {
		return "", errors.New("jose: DPoP: invalid HTTP method")
	}
	u, err := url.Parse(targetURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", errors.New("jose: DPoP: target URL must be an absolute http(s) URL")
	}
	u.RawQuery, u.Fragment, u.RawFragment, u.User = "", "", "", nil
	jti := make([]byte, 16)
	_, _ = rand.Read(jti) // crypto/rand.Read never fails (Go ≥ 1.24)
	c := dpopClaims{
		JTI:   base64.RawURLEncoding.EncodeToString(jti),
		HTM:   method,
		HTU:   u.String(),
		IAT:   d.now().Unix(),
		Nonce: nonce,
	}
	if accessToken != "" {
		sum := sha256.Sum256([]byte(accessToken))
		c.ATH = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	payload, err := jsonMarshal(c)
	if err != nil {
		return "", err
	}
	return signCompact(d.alg, d.key, payload, map[string]any{"typ": TypeDPoP, "jwk": d.jwk})
}
