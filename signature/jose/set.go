package jose

import (
	"bytes"
	"crypto"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

// TypeSET is the typ header of a Security Event Token (RFC 8417 §2.3).
const TypeSET = "secevent+jwt"

// SET is a Security Event Token (RFC 8417) as used for FIT-Connect event
// logs and signed status records.
type SET struct {
	// Issuer (iss) identifies the signer, e.g. a FIT-Connect destinationId.
	Issuer string
	// IssuedAt (iat); zero means the signer's Now when signing.
	IssuedAt time.Time
	// ID (jti) is unique per SET; empty means a random UUID when signing.
	ID string
	// Subject (sub), e.g. "submission:<uuid>".
	Subject string
	// Audience (aud); optional.
	Audience []string
	// TransactionID (txn), e.g. "case:<uuid>".
	TransactionID string
	// Schema ($schema) is the FIT-Connect SET payload schema URI; optional.
	Schema string
	// Events maps event type URIs to their JSON payloads (RFC 8417 §2.2;
	// "{}" for events without payload). At least one is required.
	Events map[string]json.RawMessage
}

// SetEvent adds event uri with payload v (marshalled to JSON; nil → {}).
func (s *SET) SetEvent(uri string, v any) error {
	raw := json.RawMessage("{}")
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("jose: event payload: %w", err)
		}
		raw = b
	}
	if s.Events == nil {
		s.Events = map[string]json.RawMessage{}
	}
	s.Events[uri] = raw
	return nil
}

type setClaims struct {
	Schema   string                     `json:"$schema,omitempty"`
	Issuer   string                     `json:"iss"`
	IssuedAt int64                      `json:"iat"`
	ID       string                     `json:"jti"`
	Subject  string                     `json:"sub,omitempty"`
	Audience []string                   `json:"aud,omitempty"`
	Txn      string                     `json:"txn,omitempty"`
	Events   map[string]json.RawMessage `json:"events"`
}

// SETSignerConfig configures a [SETSigner].
type SETSignerConfig struct {
	// Key signs the SETs (software key, HSM or KMS). Required.
	Key crypto.Signer
	// KeyID is written as kid; "" means the RFC 7638 thumbprint of the
	// public key. FIT-Connect requires the kid of the registered signing
	// key.
	KeyID string
	// Algorithm; "" means PS512 (the FIT-Connect profile). For an EC key
	// set ES256/384/512 explicitly.
	Algorithm string
	// Issuer is the default iss for SETs that leave Issuer empty.
	Issuer string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// SETSigner signs Security Event Tokens. It is safe for concurrent use.
type SETSigner struct {
	signer *Signer
	issuer string
	now    func() time.Time
}

// NewSETSigner validates cfg and returns a SETSigner.
func NewSETSigner(cfg SETSignerConfig) (*SETSigner, error) {
	if cfg.Key == nil {
		return nil, fmt.Errorf("%w: SET signer: no key", ErrInvalidConfig)
	}
	alg := cfg.Algorithm
	if alg == "" {
		alg = PS512
	}
	signer, err := NewSigner(SignerConfig{Key: cfg.Key, Algorithm: alg, KeyID: cfg.KeyID, Type: TypeSET})
	if err != nil {
		return nil, err
	}
	s := &SETSigner{signer: signer, issuer: cfg.Issuer, now: cfg.Now}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// Sign returns the compact JWS of set with header typ secevent+jwt, alg and
// kid.
func (s *SETSigner) Sign(set SET) (string, error) {
	c := setClaims{
		Schema: set.Schema, Issuer: set.Issuer, ID: set.ID, Subject: set.Subject,
		Audience: set.Audience, Txn: set.TransactionID, Events: set.Events,
	}
	if c.Issuer == "" {
		c.Issuer = s.issuer
	}
	if c.Issuer == "" {
		return "", claimErr("iss", "missing")
	}
	if c.ID == "" {
		c.ID = uuid.NewString()
	}
	iat := set.IssuedAt
	if iat.IsZero() {
		iat = s.now()
	}
	c.IssuedAt = iat.Unix()
	if len(c.Events) == 0 {
		return "", claimErr("events", "at least one event is required")
	}
	for uri, raw := range c.Events {
		if uri == "" || !isJSONObject(raw) {
			return "", claimErr("events", "each event needs a URI and a JSON object payload")
		}
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("jose: marshal SET: %w", err)
	}
	return s.signer.Sign(payload)
}

// SETVerifierConfig configures a [SETVerifier]. Exactly one of Key and
// KeySet is required, and Issuer; a missing or contradicting setting fails
// in [NewSETVerifier] with [ErrInvalidConfig].
type SETVerifierConfig struct {
	// Key is the pinned verification key (crypto.PublicKey or jwk.Key).
	Key any
	// KeyID, if set with Key, must equal the token's kid.
	KeyID string
	// KeySet resolves the key by the token's kid (e.g. the FIT-Connect
	// Zustelldienst's /.well-known/jwks.json). A key's alg member, if
	// present, must equal the token's alg.
	KeySet jwk.Set
	// Algorithms allow-lists alg; nil means [PS512] only (FIT-Connect).
	Algorithms []string
	// Issuer must equal iss. Required: a key (and above all a key set such
	// as the Zustelldienst's, shared by all destinations) signs SETs of
	// several issuers, and a SET of another issuer must not verify.
	Issuer string
	// Audience must be contained in aud. Empty means the SET must not
	// carry an aud claim: a SET addressed to some audience is refused by a
	// verifier that names none (FIT-Connect and audit SETs carry no aud).
	Audience string
	// InsecureSkipAudience accepts SETs for any audience, with or without
	// aud. Only for a party that reads SETs addressed to others (e.g. an
	// auditor of a whole event log). It cannot be combined with Audience.
	InsecureSkipAudience bool
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Leeway tolerates clock skew for iat in the future (and exp/nbf);
	// zero means one minute.
	Leeway time.Duration
	// MaxAge, if positive, refuses SETs whose iat is older. Zero accepts
	// any age (event logs are read long after they were written).
	MaxAge time.Duration
	// SingleEvent requires exactly one event (FIT-Connect profile).
	SingleEvent bool
	// Subject, if set, must equal sub (FIT-Connect: "submission:<id>").
	Subject string
	// TransactionID, if set, must equal txn (FIT-Connect: "case:<id>").
	TransactionID string
	// MinRSABits for RSA keys; zero means 2048. FIT-Connect keys have 4096.
	MinRSABits int
	// MaxTokenBytes; zero means [DefaultMaxTokenBytes].
	MaxTokenBytes int
}

// SETVerifier verifies Security Event Tokens. It is safe for concurrent
// use.
type SETVerifier struct {
	cfg SETVerifierConfig
	jws *Verifier
}

// NewSETVerifier validates cfg and returns a SETVerifier.
func NewSETVerifier(cfg SETVerifierConfig) (*SETVerifier, error) {
	if cfg.Issuer == "" {
		return nil, fmt.Errorf("%w: SET verifier: Issuer is required", ErrInvalidConfig)
	}
	if cfg.InsecureSkipAudience && cfg.Audience != "" {
		return nil, fmt.Errorf("%w: SET verifier: Audience and InsecureSkipAudience are exclusive", ErrInvalidConfig)
	}
	algs := cfg.Algorithms
	if algs == nil {
		algs = []string{PS512}
	}
	jv, err := NewVerifier(VerifierConfig{
		Key: cfg.Key, KeyID: cfg.KeyID, KeySet: cfg.KeySet, Algorithms: algs, Type: TypeSET,
		MinRSABits: cfg.MinRSABits, MaxTokenBytes: cfg.MaxTokenBytes,
	})
	if err != nil {
		return nil, err
	}
	v := &SETVerifier{cfg: cfg, jws: jv}
	if v.cfg.Now == nil {
		v.cfg.Now = time.Now
	}
	if v.cfg.Leeway == 0 {
		v.cfg.Leeway = time.Minute
	}
	if v.cfg.Leeway < 0 || v.cfg.MaxAge < 0 {
		return nil, fmt.Errorf("%w: SET verifier: negative duration", ErrInvalidConfig)
	}
	return v, nil
}

// Verify checks token with a JWS [Verifier] (typ secevent+jwt, alg
// allow-list, pinned key or key set) and returns the verified SET after
// checking the claims iss (must equal Issuer), iat, jti, events (required),
// aud (must contain Audience; absent when no Audience is configured, unless
// InsecureSkipAudience) and exp, nbf (if present) against the config and
// clock.
func (v *SETVerifier) Verify(token string) (*SET, error) {
	verified, err := v.jws.Verify(token)
	if err != nil {
		return nil, err
	}
	return v.claims(verified.Payload)
}

func (v *SETVerifier) claims(payload []byte) (*SET, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(payload, &raw); err != nil {
		return nil, malformed("payload is not a JSON object")
	}
	set := &SET{}
	var err error
	if set.Issuer, err = stringClaim(raw, "iss", true); err != nil {
		return nil, err
	}
	if set.ID, err = stringClaim(raw, "jti", true); err != nil {
		return nil, err
	}
	if set.Subject, err = stringClaim(raw, "sub", false); err != nil {
		return nil, err
	}
	if set.TransactionID, err = stringClaim(raw, "txn", false); err != nil {
		return nil, err
	}
	if set.Schema, err = stringClaim(raw, "$schema", false); err != nil {
		return nil, err
	}
	if set.Audience, err = audienceClaim(raw); err != nil {
		return nil, err
	}
	now := v.cfg.Now()
	iat, ok, err := timeClaim(raw, "iat")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, claimErr("iat", "missing")
	}
	if iat.After(now.Add(v.cfg.Leeway)) {
		return nil, timeErr("iat", "in the future")
	}
	if v.cfg.MaxAge > 0 && iat.Before(now.Add(-v.cfg.MaxAge-v.cfg.Leeway)) {
		return nil, timeErr("iat", "too old")
	}
	set.IssuedAt = iat
	if exp, ok, err := timeClaim(raw, "exp"); err != nil {
		return nil, err
	} else if ok && !now.Before(exp.Add(v.cfg.Leeway)) {
		return nil, timeErr("exp", "expired")
	}
	if nbf, ok, err := timeClaim(raw, "nbf"); err != nil {
		return nil, err
	} else if ok && now.Add(v.cfg.Leeway).Before(nbf) {
		return nil, timeErr("nbf", "not yet valid")
	}
	evRaw, ok := raw["events"]
	if !ok {
		return nil, claimErr("events", "missing")
	}
	if err := json.Unmarshal(evRaw, &set.Events); err != nil || set.Events == nil {
		return nil, claimErr("events", "not a JSON object")
	}
	if len(set.Events) == 0 || (v.cfg.SingleEvent && len(set.Events) != 1) {
		return nil, claimErr("events", "wrong number of events")
	}
	for uri, ev := range set.Events {
		if uri == "" || !isJSONObject(ev) {
			return nil, claimErr("events", "event payload is not a JSON object")
		}
	}
	if set.Issuer != v.cfg.Issuer {
		return nil, claimErr("iss", "unexpected issuer")
	}
	if v.cfg.Subject != "" && set.Subject != v.cfg.Subject {
		return nil, claimErr("sub", "unexpected subject")
	}
	if v.cfg.TransactionID != "" && set.TransactionID != v.cfg.TransactionID {
		return nil, claimErr("txn", "unexpected transaction")
	}
	switch {
	case v.cfg.InsecureSkipAudience:
	case v.cfg.Audience == "" && set.Audience != nil:
		return nil, claimErr("aud", "SET is addressed to an audience, none expected")
	case v.cfg.Audience != "" && !slices.Contains(set.Audience, v.cfg.Audience):
		return nil, claimErr("aud", "audience not accepted")
	}
	return set, nil
}

func stringClaim(raw map[string]json.RawMessage, name string, required bool) (string, error) {
	r, ok := raw[name]
	if !ok {
		if required {
			return "", claimErr(name, "missing")
		}
		return "", nil
	}
	var s string
	if err := json.Unmarshal(r, &s); err != nil {
		return "", claimErr(name, "not a string")
	}
	if required && s == "" {
		return "", claimErr(name, "empty")
	}
	return s, nil
}

func audienceClaim(raw map[string]json.RawMessage) ([]string, error) {
	r, ok := raw["aud"]
	if !ok {
		return nil, nil
	}
	var one string
	if err := json.Unmarshal(r, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(r, &many); err != nil {
		return nil, claimErr("aud", "not a string or array of strings")
	}
	return many, nil
}

// timeClaim reads a NumericDate (RFC 7519 §2; integer or fractional
// seconds).
func timeClaim(raw map[string]json.RawMessage, name string) (time.Time, bool, error) {
	r, ok := raw[name]
	if !ok {
		return time.Time{}, false, nil
	}
	var f float64
	if err := json.Unmarshal(r, &f); err != nil || f < 0 || f > 1e11 {
		return time.Time{}, false, claimErr(name, "not a NumericDate")
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), true, nil
}

func isJSONObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	if len(t) < 2 || t[0] != '{' {
		return false
	}
	var m map[string]json.RawMessage
	return json.Unmarshal(t, &m) == nil
}

// isType compares a typ header with want, case-insensitively and with an
// optional "application/" prefix (RFC 7515 §4.1.9).
func isType(got, want string) bool {
	got = strings.ToLower(got)
	return got == want || got == "application/"+want
}
