package oidc

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// joseHeader is the protected header of a compact JWS. jku, x5u, jwk and
// x5c are never used: keys come only from the provider's key set
// (RFC 8725 §3.10).
type joseHeader struct {
	Alg  string          `json:"alg"`
	Kid  string          `json:"kid"`
	Typ  string          `json:"typ"`
	Crit json.RawMessage `json:"crit"`
}

// compactJWT is a split, decoded compact JWS. Only the compact
// serialization is accepted: exactly one signature (no JSON serialization
// with several signatures to choose from).
type compactJWT struct {
	header       joseHeader
	payload      []byte
	signingInput []byte
	signature    []byte
}

var b64 = base64.RawURLEncoding

// parseCompact splits raw (at most max bytes) into its parts.
func parseCompact(token, raw string, max int) (*compactJWT, error) {
	if len(raw) > max {
		return nil, checkf(token, "size", ErrLimit, "token longer than %d bytes", max)
	}
	h, rest, ok1 := strings.Cut(raw, ".")
	p, s, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(s, ".") || h == "" || p == "" || s == "" {
		return nil, checkf(token, "form", ErrMalformed, "not a compact JWS")
	}
	var j compactJWT
	hb, err := b64.DecodeString(h)
	if err != nil {
		return nil, checkf(token, "form", ErrMalformed, "header not base64url")
	}
	if err := json.Unmarshal(hb, &j.header); err != nil {
		return nil, checkf(token, "form", ErrMalformed, "header not a JSON object")
	}
	if len(j.header.Crit) > 0 {
		// RFC 7515 §4.1.11: no extension is understood here.
		return nil, checkf(token, "crit", ErrMalformed, "critical header extension not understood")
	}
	if j.payload, err = b64.DecodeString(p); err != nil {
		return nil, checkf(token, "form", ErrMalformed, "payload not base64url")
	}
	if j.signature, err = b64.DecodeString(s); err != nil {
		return nil, checkf(token, "form", ErrMalformed, "signature not base64url")
	}
	j.signingInput = []byte(raw[:len(h)+1+len(p)])
	return &j, nil
}

// audience is the aud claim: one string or an array of strings.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("[")) {
		var s []string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = s
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*a = audience{s}
	return nil
}

// numericDate is a JWT NumericDate (RFC 7519 §2): seconds since the epoch,
// possibly fractional.
type numericDate struct{ time.Time }

func (d *numericDate) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	if math.IsNaN(f) || f < 0 || f > 1e11 {
		return fmt.Errorf("NumericDate out of range")
	}
	sec, frac := math.Modf(f)
	d.Time = time.Unix(int64(sec), int64(frac*1e9))
	return nil
}

// claims are the registered and OIDC claims the verifiers check.
type claims struct {
	Iss      string                     `json:"iss"`
	Sub      *string                    `json:"sub"`
	Aud      audience                   `json:"aud"`
	Azp      *string                    `json:"azp"`
	Exp      *numericDate               `json:"exp"`
	Nbf      *numericDate               `json:"nbf"`
	Iat      *numericDate               `json:"iat"`
	Nonce    *string                    `json:"nonce"`
	Acr      string                     `json:"acr"`
	AuthTime *numericDate               `json:"auth_time"`
	AtHash   string                     `json:"at_hash"`
	Sid      string                     `json:"sid"`
	Jti      string                     `json:"jti"`
	Events   map[string]json.RawMessage `json:"events"`
}
