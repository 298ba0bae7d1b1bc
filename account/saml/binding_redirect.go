package saml

import (
	"bytes"
	"compress/flate"
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/egosaar/ozg/internal/boundedio"
	"github.com/egosaar/ozg/signature"
)

// Redirect binding limits. A signed AuthnRequest with the akdb extension
// deflates to well under 4 KiB; browsers cap URLs at about 8 KiB.
const (
	// DefaultMaxRedirectQuery bounds the raw query string.
	DefaultMaxRedirectQuery = 16 << 10
	// DefaultMaxInflated bounds the inflated message (DEFLATE bombs).
	DefaultMaxInflated = 64 << 10
)

// encodeRedirect builds the query of the HTTP-Redirect binding (bindings
// §3.4.4.1): DEFLATE (RFC 1951) + base64 of the message, RelayState, SigAlg,
// and the signature over the exact octets
// "SAMLRequest=…&RelayState=…&SigAlg=…".
func encodeRedirect(param string, xml []byte, relayState string, signer crypto.Signer, sigAlg string, m signature.Method) (string, error) {
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := fw.Write(xml); err != nil {
		return "", err
	}
	if err := fw.Close(); err != nil {
		return "", err
	}
	q := param + "=" + url.QueryEscape(base64.StdEncoding.EncodeToString(buf.Bytes()))
	if relayState != "" {
		q += "&RelayState=" + url.QueryEscape(relayState)
	}
	q += "&SigAlg=" + url.QueryEscape(sigAlg)
	sig, err := signature.Sign(signer, m, []byte(q))
	if err != nil {
		return "", err
	}
	return q + "&Signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig)), nil
}

// RedirectMessage is a message received with the HTTP-Redirect binding.
type RedirectMessage struct {
	Param      string // "SAMLRequest" or "SAMLResponse"
	XML        []byte // the inflated message
	RelayState string
	SigAlg     string
	Signature  []byte
	signed     []byte // the exact octets the signature covers
}

// DecodeRedirect parses the raw query of an HTTP-Redirect binding request
// (bindings §3.4.4.1). It keeps the parameters as received, because the
// signature covers their URL-encoded form, caps the query at maxQuery bytes
// and the inflated message at maxInflated bytes (zero selects the
// defaults), and refuses duplicate parameters. It does not verify the
// signature; call [RedirectMessage.Verify].
func DecodeRedirect(rawQuery string, maxQuery, maxInflated int64) (*RedirectMessage, error) {
	if maxQuery <= 0 {
		maxQuery = DefaultMaxRedirectQuery
	}
	if maxInflated <= 0 {
		maxInflated = DefaultMaxInflated
	}
	if int64(len(rawQuery)) > maxQuery {
		return nil, fmt.Errorf("%w: redirect query over %d bytes", ErrLimit, maxQuery)
	}
	raw := map[string]string{}
	for _, part := range strings.Split(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if _, dup := raw[k]; dup {
			return nil, fmt.Errorf("%w: parameter %q twice", ErrBinding, k)
		}
		raw[k] = v
	}
	m := &RedirectMessage{}
	switch {
	case raw["SAMLRequest"] != "" && raw["SAMLResponse"] != "":
		return nil, fmt.Errorf("%w: both SAMLRequest and SAMLResponse", ErrBinding)
	case raw["SAMLRequest"] != "":
		m.Param = "SAMLRequest"
	case raw["SAMLResponse"] != "":
		m.Param = "SAMLResponse"
	default:
		return nil, fmt.Errorf("%w: no SAMLRequest or SAMLResponse", ErrBinding)
	}
	dec := func(k string) (string, error) {
		v, err := url.QueryUnescape(raw[k])
		if err != nil {
			return "", fmt.Errorf("%w: parameter %s not URL-encoded", ErrBinding, k)
		}
		return v, nil
	}
	b64, err := dec(m.Param)
	if err != nil {
		return nil, err
	}
	compressed, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("%w: %s not base64", ErrBinding, m.Param)
	}
	m.XML, err = boundedio.ReadAll(flate.NewReader(bytes.NewReader(compressed)), maxInflated)
	if err != nil {
		if errors.Is(err, boundedio.ErrTooLarge) {
			return nil, fmt.Errorf("%w: inflated message over %d bytes", ErrLimit, maxInflated)
		}
		return nil, fmt.Errorf("%w: invalid DEFLATE data", ErrBinding)
	}
	if m.RelayState, err = dec("RelayState"); err != nil {
		return nil, err
	}
	if len(m.RelayState) > 80 {
		// bindings §3.4.3: RelayState MUST NOT exceed 80 bytes.
		return nil, fmt.Errorf("%w: RelayState over 80 bytes", ErrBinding)
	}
	if m.SigAlg, err = dec("SigAlg"); err != nil {
		return nil, err
	}
	if s, ok := raw["Signature"]; ok {
		sv, err := url.QueryUnescape(s)
		if err != nil {
			return nil, fmt.Errorf("%w: Signature not URL-encoded", ErrBinding)
		}
		if m.Signature, err = base64.StdEncoding.DecodeString(sv); err != nil {
			return nil, fmt.Errorf("%w: Signature not base64", ErrBinding)
		}
	}
	signed := m.Param + "=" + raw[m.Param]
	if _, ok := raw["RelayState"]; ok {
		signed += "&RelayState=" + raw["RelayState"]
	}
	signed += "&SigAlg=" + raw["SigAlg"]
	m.signed = []byte(signed)
	return m, nil
}

// Verify checks the query-string signature with pub; the SigAlg must be
// allowed by policy. An unsigned message is an error.
func (m *RedirectMessage) Verify(pub crypto.PublicKey, policy signature.Policy) error {
	if len(m.Signature) == 0 || m.SigAlg == "" {
		return fmt.Errorf("%w: redirect message not signed", ErrSignature)
	}
	meth, err := policy.SignatureMethod(m.SigAlg)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	if err := signature.Verify(pub, meth, m.signed, m.Signature, signature.VerifyOptions{}); err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	return nil
}
