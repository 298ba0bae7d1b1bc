package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/egosaar/ozg/internal/hmacsig"
)

// DefaultTolerance is the accepted clock difference in both directions
// (Standard Webhooks reference library; FIT-Connect: "nicht älter als 5
// Minuten").
const DefaultTolerance = hmacsig.DefaultTolerance

// maxIDLen bounds webhook-id.
const maxIDLen = 255

// Message is a verified webhook: only use these bytes, never re-read the
// request.
type Message struct {
	// ID is webhook-id (Standard Webhooks) or, for FIT-Connect callbacks
	// that carry no ID, "fit-connect:" + the signature.
	ID        string
	Timestamp time.Time
	Body      []byte
	Profile   Profile
}

// VerifierConfig configures a Verifier.
type VerifierConfig struct {
	// Secrets are all currently accepted secrets (several during
	// rotation). Required.
	Secrets []Secret
	// Profile selects Standard Webhooks (default) or FIT-Connect callbacks.
	Profile Profile
	// Tolerance is the allowed timestamp skew in both directions.
	// Default 5 min; at most 1 h.
	Tolerance time.Duration
	// Now is the clock; nil: time.Now.
	Now func() time.Time
	// Replay remembers processed message IDs. nil: a MemoryReplayCache
	// with 24 h retention and 100,000 entries.
	Replay ReplayCache
	// Retention is how long processed IDs are remembered. Default 24 h.
	Retention time.Duration
	// MaxBodyBytes limits request bodies in Middleware. Default 1 MiB.
	MaxBodyBytes int64
	// Logger receives a warning when Middleware cannot record a processed
	// message in Replay; nil: slog.Default().
	Logger *slog.Logger
}

// Verifier checks webhook signatures. It is safe for concurrent use.
type Verifier struct {
	cfg VerifierConfig
	sig *hmacsig.Verifier
}

// NewVerifier validates cfg and returns a Verifier.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	if len(cfg.Secrets) == 0 {
		return nil, fmt.Errorf("%w: %w: no secrets", ErrInvalidConfig, ErrInvalidSecret)
	}
	keys := make([]hmacsig.Key, 0, len(cfg.Secrets))
	for _, s := range cfg.Secrets {
		if s.key.Len() < MinSecretBytes {
			return nil, fmt.Errorf("%w: %w: secret shorter than %d bytes", ErrInvalidConfig, ErrInvalidSecret, MinSecretBytes)
		}
		keys = append(keys, s.key)
	}
	scheme := hmacsig.StandardWebhooksV1
	if cfg.Profile == FITConnect {
		scheme = hmacsig.FITConnectCallback
	}
	sv, err := hmacsig.NewVerifier(scheme, keys...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w: %w", ErrInvalidConfig, ErrInvalidSecret, err)
	}
	if cfg.Tolerance <= 0 {
		cfg.Tolerance = DefaultTolerance
	}
	if cfg.Tolerance > time.Hour {
		return nil, fmt.Errorf("%w: tolerance %s above 1h", ErrInvalidConfig, cfg.Tolerance)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Retention <= 0 {
		cfg.Retention = 24 * time.Hour
	}
	if cfg.Replay == nil {
		mc := NewMemoryReplayCache(100_000)
		mc.now = cfg.Now
		cfg.Replay = mc
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	return &Verifier{cfg: cfg, sig: sv}, nil
}

var (
	canonID    = http.CanonicalHeaderKey(HeaderID)
	canonTS    = http.CanonicalHeaderKey(HeaderTimestamp)
	canonSig   = http.CanonicalHeaderKey(HeaderSignature)
	canonFCSig = http.CanonicalHeaderKey(HeaderCallbackAuthentication)
	canonFCTS  = http.CanonicalHeaderKey(HeaderCallbackTimestamp)
)

// header returns the single value of a canonical key, falling back to
// Get for maps built by hand with other spellings.
func header(h http.Header, canon string) (string, bool) {
	v, ok := h[canon]
	if !ok {
		s := h.Get(canon)
		return s, s != ""
	}
	if len(v) != 1 {
		return "", false
	}
	return v[0], true
}

// Verify checks body against the signature headers: timestamp within the
// tolerance in both directions, at least one signature valid under one of
// the secrets (constant-time compare), and the message ID not processed
// before (ErrReplay; answer 2xx to such duplicates). After handling the
// message successfully call MarkProcessed. Errors are *VerifyError
// wrapping one sentinel.
func (v *Verifier) Verify(ctx context.Context, body []byte, h http.Header) (Message, error) {
	var msg Message
	var err error
	if v.cfg.Profile == FITConnect {
		msg, err = v.verifyFIT(body, h)
	} else {
		msg, err = v.verifyStandard(body, h)
	}
	if err != nil {
		return Message{}, err
	}
	seen, err := v.cfg.Replay.Seen(ctx, msg.ID)
	if err != nil {
		return Message{}, fmt.Errorf("webhook: replay cache: %w", err)
	}
	if seen {
		return msg, verr(ErrReplay, "message id already processed")
	}
	return msg, nil
}

// MarkProcessed remembers msg's ID so redeliveries are recognised.
func (v *Verifier) MarkProcessed(ctx context.Context, msg Message) error {
	return v.cfg.Replay.Remember(ctx, msg.ID, v.cfg.Now().Add(v.cfg.Retention))
}

func (v *Verifier) checkTimestamp(s string) (time.Time, error) {
	ts, err := hmacsig.CheckTimestamp(s, v.cfg.Now(), v.cfg.Tolerance)
	switch {
	case err == nil:
		return ts, nil
	case errors.Is(err, hmacsig.ErrTooOld):
		return time.Time{}, verr(ErrTimestampTooOld, "timestamp outside tolerance")
	case errors.Is(err, hmacsig.ErrTooNew):
		return time.Time{}, verr(ErrTimestampTooNew, "timestamp outside tolerance")
	default:
		return time.Time{}, verr(ErrInvalidHeaders, "timestamp not an integer")
	}
}

func (v *Verifier) verifyStandard(body []byte, h http.Header) (Message, error) {
	id, ok1 := header(h, canonID)
	tsStr, ok2 := header(h, canonTS)
	sigs, ok3 := header(h, canonSig)
	if !ok1 || !ok2 || !ok3 || id == "" || sigs == "" {
		return Message{}, verr(ErrMissingHeaders, "webhook-id, webhook-timestamp and webhook-signature required")
	}
	if len(id) > maxIDLen || strings.ContainsAny(id, ". \t") {
		return Message{}, verr(ErrInvalidHeaders, "webhook-id malformed")
	}
	if len(sigs) > 8192 {
		return Message{}, verr(ErrInvalidHeaders, "webhook-signature too long")
	}
	ts, err := v.checkTimestamp(tsStr)
	if err != nil {
		return Message{}, err
	}
	m, err := v.sig.Message([]string{id, tsStr}, body)
	if err != nil {
		return Message{}, verr(ErrInvalidHeaders, "webhook-id malformed")
	}
	for sigs != "" {
		var entry string
		entry, sigs, _ = strings.Cut(sigs, " ")
		ver, b64, ok := strings.Cut(entry, ",")
		if !ok || ver != "v1" {
			continue // other schemes (v1a) are ignored, as the spec allows
		}
		if m.Check(b64) == nil {
			return Message{ID: id, Timestamp: ts, Body: body, Profile: StandardWebhooks}, nil
		}
	}
	return Message{}, verr(ErrNoMatchingSignature, "no v1 signature matched")
}

func (v *Verifier) verifyFIT(body []byte, h http.Header) (Message, error) {
	sig, ok1 := header(h, canonFCSig)
	tsStr, ok2 := header(h, canonFCTS)
	if !ok1 || !ok2 || sig == "" {
		return Message{}, verr(ErrMissingHeaders, "callback-authentication and callback-timestamp required")
	}
	if _, err := hmacsig.FITConnectCallback.Decode(sig); err != nil {
		return Message{}, verr(ErrInvalidHeaders, "callback-authentication is not 128 hex digits")
	}
	ts, err := v.checkTimestamp(tsStr)
	if err != nil {
		return Message{}, err
	}
	m, err := v.sig.Message([]string{tsStr}, body)
	if err == nil && m.Check(sig) == nil {
		return Message{ID: "fit-connect:" + strings.ToLower(sig), Timestamp: ts, Body: body, Profile: FITConnect}, nil
	}
	return Message{}, verr(ErrNoMatchingSignature, "callback-authentication did not match")
}
