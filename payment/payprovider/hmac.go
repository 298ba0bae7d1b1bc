package payprovider

import (
	"crypto/hmac"
	"crypto/md5" //nolint:gosec // HMAC-MD5 only behind InsecureAllowMD5 for GiroCheckout-style legacy pushes
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"log/slog"
	"strings"

	"github.com/egosaar/ozg/internal/redact"
)

// Secret is a shared secret (client secret, HMAC key, password). It never
// prints: fmt (%v, %s, %q, %#v), log/slog and text marshalling show
// "REDACTED". Convert with string(s) only where the value is needed.
type Secret string

// String returns "REDACTED".
func (Secret) String() string { return redact.Placeholder }

// GoString returns "REDACTED".
func (Secret) GoString() string { return redact.Placeholder }

// LogValue returns "REDACTED".
func (Secret) LogValue() slog.Value { return slog.StringValue(redact.Placeholder) }

// MarshalText returns "REDACTED", so that encoding/json never writes the
// secret either.
func (Secret) MarshalText() ([]byte, error) { return []byte(redact.Placeholder), nil }

// HMACAlgorithm selects the MAC of an HMACVerifier.
type HMACAlgorithm int

const (
	// HMACSHA256 is the default (pmPayment).
	HMACSHA256 HMACAlgorithm = iota
	// HMACMD5 is GiroCheckout's legacy scheme. It is refused unless
	// HMACVerifier.InsecureAllowMD5 is set.
	HMACMD5
)

func (a HMACAlgorithm) String() string {
	switch a {
	case HMACSHA256:
		return "HMAC-SHA256"
	case HMACMD5:
		return "HMAC-MD5"
	}
	return "unknown"
}

// HMACVerifier checks hex HMACs over the exact message bytes with one of
// several secrets (rotation: put the new secret first, keep the old one
// until the provider switched). It is the one HMAC mechanism of payment and
// its adapters. The zero Algorithm is HMAC-SHA256.
type HMACVerifier struct {
	Algorithm HMACAlgorithm
	// Secrets are tried in order; Sign uses the first. At least one.
	Secrets []Secret
	// InsecureAllowMD5 permits HMACMD5. It MUST only be set for a
	// Bezahldienst that offers nothing else (GiroCheckout-style pushes).
	InsecureAllowMD5 bool
}

func (v HMACVerifier) newHash() (func() hash.Hash, error) {
	switch v.Algorithm {
	case HMACSHA256:
		return sha256.New, nil
	case HMACMD5:
		if !v.InsecureAllowMD5 {
			return nil, fmt.Errorf("%w: HMAC-MD5 needs InsecureAllowMD5", ErrAlgorithmNotAllowed)
		}
		return md5.New, nil
	}
	return nil, fmt.Errorf("%w: unknown HMAC algorithm", ErrAlgorithmNotAllowed)
}

// Sign returns the lower-case hex HMAC of msg under the first secret.
func (v HMACVerifier) Sign(msg []byte) (string, error) {
	h, err := v.newHash()
	if err != nil {
		return "", err
	}
	if len(v.Secrets) == 0 || v.Secrets[0] == "" {
		return "", fmt.Errorf("%w: no secret configured", ErrInvalidSignature)
	}
	m := hmac.New(h, []byte(v.Secrets[0]))
	m.Write(msg)
	return hex.EncodeToString(m.Sum(nil)), nil
}

// Verify checks that sig (hex, either case) is the HMAC of msg under one of
// the secrets. Comparison is constant-time (hmac.Equal) and every secret is
// tried, so timing does not reveal which one matched.
func (v HMACVerifier) Verify(msg []byte, sig string) error {
	h, err := v.newHash()
	if err != nil {
		return err
	}
	got, err := hex.DecodeString(strings.ToLower(sig))
	if err != nil || len(got) != h().Size() {
		return fmt.Errorf("%w: malformed", ErrInvalidSignature)
	}
	ok := false
	for _, s := range v.Secrets {
		if s == "" {
			continue
		}
		m := hmac.New(h, []byte(s))
		m.Write(msg)
		if hmac.Equal(m.Sum(nil), got) {
			ok = true
		}
	}
	if !ok {
		return ErrInvalidSignature
	}
	return nil
}
