package oidc

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/egosaar/ozg/account"
)

// IDToken is a verified ID token.
type IDToken struct {
	Issuer   string
	Subject  string
	Audience []string
	Expiry   time.Time
	IssuedAt time.Time
	// AuthTime is the auth_time claim; zero if absent.
	AuthTime time.Time
	// ACR is the acr claim as sent; Level its mapping by Config.ACRLevels.
	ACR   string
	Level account.Level
	// SessionID is the sid claim (OIDC Front-/Back-Channel Logout), "" if
	// absent.
	SessionID string
	// Raw is the compact token (id_token_hint for RP-initiated logout).
	Raw string

	payload []byte
}

// Claims decodes the verified payload into v (a map or a struct).
func (t *IDToken) Claims(v any) error {
	if err := json.Unmarshal(t.payload, v); err != nil {
		return fmt.Errorf("%w: claims", ErrMalformed)
	}
	return nil
}

// VerifyOptions are the per-login expectations of VerifyIDToken.
type VerifyOptions struct {
	// Nonce is the value sent in the authorization request; required.
	Nonce string
	// AccessToken, when set, is checked against at_hash (if present).
	AccessToken string
	// MinLevel overrides Config.MinLevel when it is higher.
	MinLevel account.Level
	// MaxAge overrides Config.MaxAge when positive.
	MaxAge time.Duration
}

// VerifyIDToken verifies an ID token (OIDC Core 1.0 §3.1.3.7) in this
// fixed order; the first failing check is returned as a *CheckError:
//
//  1. size (Config.MaxTokenBytes) and form: one compact JWS, JSON header
//     and payload, no crit header; typ, when present, is "JWT" and there is
//     no events claim (a logout token is never an ID token, RFC 8725 §3.11)
//  2. sub: present, non-empty, at most 255 ASCII characters (§2)
//  3. iss: exactly Config.Issuer
//  4. aud: contains Config.ClientID
//  5. azp: if present, equals ClientID; required with several audiences
//  6. alg: in the allow-list (RS256, PS256, ES256 or Config.Algorithms);
//     none and HS* never
//  7. signature: with the key from the provider's key set chosen by kid
//     (see keySet rules in the package doc)
//  8. exp (required) and nbf, with Config.ClockSkew
//  9. iat: required, not in the future, not older than
//     Config.IssuedAtWindow (plus skew)
//  10. nonce: equals opts.Nonce (constant time)
//  11. acr: mapped by Config.ACRLevels, at least MinLevel
//  12. auth_time: with MaxAge required and within it; never in the future
//  13. at_hash: when opts.AccessToken is set and at_hash present, equal to
//     the left half of SHA-256 of the access token (§3.1.3.8)
//
// Checks before the signature only read the untrusted payload and
// change no state.
func (c *Client) VerifyIDToken(ctx context.Context, raw string, opts VerifyOptions) (*IDToken, error) {
	const tok = "id_token"
	j, cl, err := c.parse(tok, raw)
	if err != nil {
		return nil, err
	}
	if j.header.Typ != "" && !strings.EqualFold(j.header.Typ, "JWT") {
		return nil, checkf(tok, "typ", ErrTokenType, "typ is not JWT")
	}
	if cl.Events != nil {
		return nil, checkf(tok, "events", ErrTokenType, "logout token offered as ID token")
	}
	if cl.Sub == nil || !validSubject(*cl.Sub) {
		return nil, check(tok, "sub", ErrSubject)
	}
	if err := c.checkIssAudAzp(tok, cl); err != nil {
		return nil, err
	}
	if err := c.checkSignature(ctx, tok, j); err != nil {
		return nil, err
	}
	now := c.cfg.Now()
	skew := c.cfg.ClockSkew
	if err := c.checkTimes(tok, cl, now, true); err != nil {
		return nil, err
	}
	if opts.Nonce == "" || cl.Nonce == nil || subtle.ConstantTimeCompare([]byte(*cl.Nonce), []byte(opts.Nonce)) != 1 {
		return nil, check(tok, "nonce", ErrNonce)
	}
	level := c.cfg.ACRLevels[cl.Acr]
	minLevel := max(c.cfg.MinLevel, opts.MinLevel)
	if !level.Valid() || level < minLevel {
		return nil, checkf(tok, "acr", ErrLevel, "level %s below required %s", level, minLevel)
	}
	maxAge := c.cfg.MaxAge
	if opts.MaxAge > 0 {
		maxAge = opts.MaxAge
	}
	if cl.AuthTime != nil && cl.AuthTime.After(now.Add(skew)) {
		return nil, checkf(tok, "auth_time", ErrAuthTime, "in the future")
	}
	if maxAge > 0 && (cl.AuthTime == nil || now.Sub(cl.AuthTime.Time) > maxAge+skew) {
		return nil, check(tok, "auth_time", ErrAuthTime)
	}
	if opts.AccessToken != "" && cl.AtHash != "" {
		if subtle.ConstantTimeCompare([]byte(cl.AtHash), []byte(leftHalfHash(opts.AccessToken))) != 1 {
			return nil, check(tok, "at_hash", ErrAccessTokenHash)
		}
	}
	t := &IDToken{Issuer: cl.Iss, Subject: *cl.Sub, Audience: cl.Aud, Expiry: cl.Exp.Time, IssuedAt: cl.Iat.Time,
		ACR: cl.Acr, Level: level, SessionID: cl.Sid, Raw: raw, payload: j.payload}
	if cl.AuthTime != nil {
		t.AuthTime = cl.AuthTime.Time
	}
	return t, nil
}

// parse splits the token and decodes its registered claims.
func (c *Client) parse(tok, raw string) (*compactJWT, *claims, error) {
	j, err := parseCompact(tok, raw, c.cfg.MaxTokenBytes)
	if err != nil {
		return nil, nil, err
	}
	var cl claims
	if err := json.Unmarshal(j.payload, &cl); err != nil {
		return nil, nil, checkf(tok, "form", ErrMalformed, "claims not a JSON object of the registered types")
	}
	return j, &cl, nil
}

// validSubject: OIDC Core 1.0 §2 "MUST NOT exceed 255 ASCII characters".
func validSubject(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for i := range len(s) {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return utf8.ValidString(s)
}

func (c *Client) checkIssAudAzp(tok string, cl *claims) error {
	if cl.Iss != c.cfg.Issuer {
		return check(tok, "iss", ErrIssuer)
	}
	if !slices.Contains(cl.Aud, c.cfg.ClientID) {
		return check(tok, "aud", ErrAudience)
	}
	if cl.Azp != nil && *cl.Azp != c.cfg.ClientID {
		return checkf(tok, "azp", ErrAuthorizedParty, "issued to another client")
	}
	if cl.Azp == nil && len(cl.Aud) > 1 {
		return checkf(tok, "azp", ErrAuthorizedParty, "several audiences without azp")
	}
	return nil
}

func (c *Client) checkSignature(ctx context.Context, tok string, j *compactJWT) error {
	alg := j.header.Alg
	v, ok := c.verifiers[alg]
	if !ok {
		return checkf(tok, "alg", ErrAlgorithm, "%s", quoteAlg(alg))
	}
	key, err := c.keys.key(ctx, j.header.Kid, alg)
	if err != nil {
		return check(tok, "kid", err)
	}
	if err := v.Verify(j.signingInput, j.signature, key); err != nil {
		return check(tok, "signature", ErrSignature)
	}
	return nil
}

// checkTimes checks exp (required for ID tokens, optional for logout
// tokens), nbf and iat.
func (c *Client) checkTimes(tok string, cl *claims, now time.Time, expRequired bool) error {
	skew := c.cfg.ClockSkew
	if cl.Exp == nil && expRequired {
		return checkf(tok, "exp", ErrExpired, "missing")
	}
	if cl.Exp != nil && !now.Before(cl.Exp.Add(skew)) {
		return check(tok, "exp", ErrExpired)
	}
	if cl.Nbf != nil && now.Before(cl.Nbf.Add(-skew)) {
		return check(tok, "nbf", ErrNotYetValid)
	}
	if cl.Iat == nil {
		return checkf(tok, "iat", ErrIssuedAt, "missing")
	}
	if cl.Iat.After(now.Add(skew)) {
		return checkf(tok, "iat", ErrIssuedAt, "in the future")
	}
	if now.Sub(cl.Iat.Time) > c.cfg.IssuedAtWindow+skew {
		return checkf(tok, "iat", ErrIssuedAt, "too old")
	}
	return nil
}

// leftHalfHash is at_hash for the SHA-256 based algorithms allowed here.
func leftHalfHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return b64.EncodeToString(h[:16])
}

func quoteAlg(a string) string {
	if len(a) > 16 {
		a = a[:16]
	}
	return fmt.Sprintf("%q", a)
}
