package webhook

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"

	"github.com/egosaar/ozg/internal/hmacsig"
)

// Secret prefixes and sizes of Standard Webhooks v1 §"Symmetric": "Random.
// At least 24 bytes (192 bits, 512 maximum)", base64 with prefix whsec_.
const (
	SecretPrefix   = "whsec_"
	MinSecretBytes = 24
	MaxSecretBytes = 64
)

// Secret is a symmetric signing key. It never prints its value (fmt and
// slog show REDACTED); use Encode to export it.
type Secret struct {
	key hmacsig.Key
}

// NewSecret returns a fresh random 32-byte secret.
func NewSecret() (Secret, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return Secret{}, fmt.Errorf("webhook: new secret: %w", err)
	}
	return SecretFromBytes(k)
}

// ParseSecret parses a Standard Webhooks secret: the optional prefix
// "whsec_" followed by standard base64 (RFC 4648 §4, alphabet A–Z a–z 0–9
// + /) of 24..64 key bytes, with or without "=" padding. The URL-safe
// alphabet (- _), whitespace and line breaks are refused.
func ParseSecret(s string) (Secret, error) {
	b64 := strings.TrimPrefix(s, SecretPrefix)
	enc := base64.StdEncoding
	if !strings.HasSuffix(b64, "=") && len(b64)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	k, err := enc.Strict().DecodeString(b64)
	if err != nil || strings.ContainsAny(b64, "\r\n") {
		return Secret{}, fmt.Errorf("%w: not base64", ErrInvalidSecret)
	}
	return SecretFromBytes(k)
}

// SecretFromBytes wraps raw key bytes (24..64 bytes, copied).
func SecretFromBytes(k []byte) (Secret, error) {
	if len(k) < MinSecretBytes || len(k) > MaxSecretBytes {
		return Secret{}, fmt.Errorf("%w: %d bytes, need %d to %d", ErrInvalidSecret, len(k), MinSecretBytes, MaxSecretBytes)
	}
	key, err := hmacsig.NewKey(k)
	if err != nil {
		return Secret{}, fmt.Errorf("%w: empty", ErrInvalidSecret)
	}
	return Secret{key: key}, nil
}

// FITConnectSecret wraps a FIT-Connect callback secret: the UTF-8 bytes
// of the secret string configured for the destination (no whsec_
// encoding; FIT-Connect sets no length rule, we require 24 bytes too).
func FITConnectSecret(s string) (Secret, error) { return SecretFromBytes([]byte(s)) }

// Encode returns the whsec_ form. Handle the result as a secret.
func (s Secret) Encode() string {
	return SecretPrefix + base64.StdEncoding.EncodeToString(s.key.Bytes())
}

// IsZero reports whether s holds no key.
func (s Secret) IsZero() bool { return s.key.IsZero() }

func (Secret) String() string       { return "REDACTED" }
func (Secret) GoString() string     { return "REDACTED" }
func (Secret) LogValue() slog.Value { return slog.StringValue("REDACTED") }
