package redact

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
)

// Fingerprint returns a short, stable tag for a value: the first 12 hex
// digits (48 bits) of its unkeyed SHA-256. The same value gives the same
// tag in every process, which makes it usable as a persisted key.
//
// It is not anonymisation. Anyone who sees the tag can hash candidate
// values and compare, so a value from a small or guessable set (e-mail
// address, phone number, Kassenzeichen, date of birth) is recovered by a
// dictionary. Use Fingerprint only for values with high entropy (random
// tokens, pseudonyms such as bPK2) or where a stable, keyless tag is
// required; to correlate log lines about personal data use LogFingerprint
// or a Fingerprinter with a secret key.
func Fingerprint(v string) string {
	if v == "" {
		return ""
	}
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:6])
}

// MinFingerprintKey is the shortest key NewFingerprinter accepts, in bytes.
const MinFingerprintKey = 16

// ErrFingerprintKey reports a Fingerprinter key shorter than
// MinFingerprintKey.
var ErrFingerprintKey = errors.New("redact: fingerprint key too short")

// Fingerprinter tags values with HMAC-SHA-256 under a secret key: without
// the key, a tag cannot be checked against candidate values, so a
// dictionary does not recover the value. Tags are stable for as long as
// the key is; a key shared by all instances (from the configuration, kept
// secret like other keys) gives tags that correlate across processes and
// can be persisted. It is safe for concurrent use.
type Fingerprinter struct {
	key []byte
}

// NewFingerprinter returns a Fingerprinter for key (at least
// MinFingerprintKey bytes; use 32 random bytes). key is copied.
func NewFingerprinter(key []byte) (*Fingerprinter, error) {
	if len(key) < MinFingerprintKey {
		return nil, ErrFingerprintKey
	}
	return &Fingerprinter{key: append([]byte(nil), key...)}, nil
}

// Tag returns the first 12 hex digits (48 bits) of HMAC-SHA-256(key, v);
// "" for an empty v.
func (f *Fingerprinter) Tag(v string) string {
	if v == "" {
		return ""
	}
	m := hmac.New(sha256.New, f.key)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil)[:6])
}

// processFingerprinter holds a random key that exists only in this
// process's memory.
var processFingerprinter = sync.OnceValue(func() *Fingerprinter {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // never fails (crypto/rand, Go 1.24+)
	return &Fingerprinter{key: key}
})

// LogFingerprint tags v for a log line with a key generated at random
// once per process and never stored: lines of one process about the same
// value correlate, and nobody can recover the value from its tag, in this
// process's lifetime or after. Tags differ between processes and
// restarts, so never persist them or use them as keys; use a
// Fingerprinter with a configured key for that.
func LogFingerprint(v string) string { return processFingerprinter().Tag(v) }
