package hmacsig

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"log/slog"
	"strings"
)

// Errors returned by this package.
var (
	// ErrEmptyKey: a key has no bytes, or no key was given.
	ErrEmptyKey = errors.New("hmacsig: empty key")
	// ErrSeparatorInField: a field other than the body contains the separator.
	ErrSeparatorInField = errors.New("hmacsig: separator in field")
	// ErrMalformedSignature: a signature is not in the scheme's encoding or length.
	ErrMalformedSignature = errors.New("hmacsig: malformed signature")
	// ErrNoMatch: no key produced the given signature.
	ErrNoMatch = errors.New("hmacsig: no matching signature")
)

// Encoding is how a MAC is written on the wire.
type Encoding int

const (
	// Base64 is standard base64 with padding (RFC 4648 §4).
	Base64 Encoding = iota
	// Hex is lowercase hexadecimal; decoding accepts either case.
	Hex
)

// Scheme is one HMAC signature scheme. Schemes are values; the predefined
// ones below cover the module's wire formats.
type Scheme struct {
	// Hash is the HMAC's hash function.
	Hash func() hash.Hash
	// Size is the MAC length in bytes (Hash().Size()).
	Size int
	// Encoding of the MAC on the wire.
	Encoding Encoding
	// Separator joins the fields.
	Separator byte
}

// Predefined schemes (see the package doc for their sources).
var (
	StandardWebhooksV1 = Scheme{Hash: sha256.New, Size: sha256.Size, Encoding: Base64, Separator: '.'}
	FITConnectCallback = Scheme{Hash: sha512.New, Size: sha512.Size, Encoding: Hex, Separator: '.'}
)

// Key is an HMAC key. It never prints its bytes.
type Key struct{ b []byte }

// NewKey copies b into a Key; an empty b is ErrEmptyKey.
func NewKey(b []byte) (Key, error) {
	if len(b) == 0 {
		return Key{}, ErrEmptyKey
	}
	return Key{b: append([]byte(nil), b...)}, nil
}

// Bytes returns a copy of the key bytes. Handle the result as a secret.
func (k Key) Bytes() []byte { return append([]byte(nil), k.b...) }

// Len returns the key length in bytes.
func (k Key) Len() int { return len(k.b) }

// IsZero reports whether k holds no key.
func (k Key) IsZero() bool { return len(k.b) == 0 }

func (Key) String() string       { return "REDACTED" }
func (Key) GoString() string     { return "REDACTED" }
func (Key) LogValue() slog.Value { return slog.StringValue("REDACTED") }

// MAC returns the raw HMAC of fields joined by the separator, followed by
// the separator and body. A field containing the separator is
// ErrSeparatorInField; an empty key ErrEmptyKey.
func (s Scheme) MAC(k Key, fields []string, body []byte) ([]byte, error) {
	if k.IsZero() {
		return nil, ErrEmptyKey
	}
	for _, f := range fields {
		if strings.IndexByte(f, s.Separator) >= 0 {
			return nil, ErrSeparatorInField
		}
	}
	return s.mac(k.b, fields, body), nil
}

func (s Scheme) mac(key []byte, fields []string, body []byte) []byte {
	m := hmac.New(s.Hash, key)
	sep := []byte{s.Separator}
	for _, f := range fields {
		m.Write([]byte(f))
		m.Write(sep)
	}
	m.Write(body)
	return m.Sum(nil)
}

// Sign returns the encoded MAC (see MAC).
func (s Scheme) Sign(k Key, fields []string, body []byte) (string, error) {
	mac, err := s.MAC(k, fields, body)
	if err != nil {
		return "", err
	}
	return s.encode(mac), nil
}

func (s Scheme) encode(mac []byte) string {
	if s.Encoding == Hex {
		return hex.EncodeToString(mac)
	}
	return base64.StdEncoding.EncodeToString(mac)
}

// Decode parses an encoded signature of exactly Size bytes.
func (s Scheme) Decode(sig string) ([]byte, error) {
	var (
		out []byte
		err error
	)
	if s.Encoding == Hex {
		if len(sig) != hex.EncodedLen(s.Size) {
			return nil, ErrMalformedSignature
		}
		out, err = hex.DecodeString(sig)
	} else {
		if len(sig) != base64.StdEncoding.EncodedLen(s.Size) {
			return nil, ErrMalformedSignature
		}
		out, err = base64.StdEncoding.Strict().DecodeString(sig)
	}
	if err != nil || len(out) != s.Size {
		return nil, ErrMalformedSignature
	}
	return out, nil
}

// Verifier checks signatures of one scheme against several keys. It
// computes each key's MAC once per message, however many signatures are
// offered.
type Verifier struct {
	scheme Scheme
	keys   []Key
}

// NewVerifier returns a Verifier; no keys or an empty key is ErrEmptyKey.
func NewVerifier(s Scheme, keys ...Key) (*Verifier, error) {
	if len(keys) == 0 {
		return nil, ErrEmptyKey
	}
	for _, k := range keys {
		if k.IsZero() {
			return nil, ErrEmptyKey
		}
	}
	return &Verifier{scheme: s, keys: append([]Key(nil), keys...)}, nil
}

// Message is the MAC input of one message, prepared for checking one or
// more offered signatures.
type Message struct {
	v      *Verifier
	fields []string
	body   []byte
	macs   [][]byte
}

// Message prepares fields and body for Check. A field containing the
// separator is ErrSeparatorInField.
func (v *Verifier) Message(fields []string, body []byte) (*Message, error) {
	for _, f := range fields {
		if strings.IndexByte(f, v.scheme.Separator) >= 0 {
			return nil, ErrSeparatorInField
		}
	}
	return &Message{v: v, fields: fields, body: body, macs: make([][]byte, len(v.keys))}, nil
}

// Check reports nil when sig (encoded) is the MAC of the message under
// one of the keys, compared in constant time; ErrMalformedSignature or
// ErrNoMatch otherwise.
func (m *Message) Check(sig string) error {
	got, err := m.v.scheme.Decode(sig)
	if err != nil {
		return err
	}
	for i, k := range m.v.keys {
		if m.macs[i] == nil {
			m.macs[i] = m.v.scheme.mac(k.b, m.fields, m.body)
		}
		if hmac.Equal(m.macs[i], got) {
			return nil
		}
	}
	return ErrNoMatch
}
