package fitconnect

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/egosaar/ozg/internal/boundedio"
	"github.com/egosaar/ozg/internal/hmacsig"
	"github.com/egosaar/ozg/internal/uuidfmt"
)

// CallbackNewSubmissions is the type of the new-submissions callback.
const CallbackNewSubmissions = "https://schema.fitko.de/fit-connect/submission-api/callbacks/new-submissions"

// maxCallbackBytes bounds a callback body.
const maxCallbackBytes = 256 << 10

// CallbackConfig configures [NewCallbackHandler].
type CallbackConfig struct {
	// Secret is the destination's callback secret. Required.
	Secret []byte
	// DestinationID is the destination the callbacks are for; entries of
	// other destinations are refused. Required.
	DestinationID string
	// Handle is called with the submissions ready for pickup; an error
	// answers 500 so the Zustelldienst repeats the callback. Required.
	Handle func(context.Context, []SubmissionRef) error
	// Now; nil means time.Now.
	Now func() time.Time
}

// NewCallbackHandler returns the handler for the destination's callback
// URL ("Callbacks"): it authenticates the raw body before parsing it —
// hex HMAC-SHA-512 over "<callback-timestamp>.<body>" in the header
// callback-authentication, compared in constant time, timestamp at most
// five minutes away in either direction — then calls Handle for a
// new-submissions callback. Unknown callback types are answered 200 and
// ignored; unauthenticated or malformed callbacks get 401 or 400 and
// never reach Handle.
func NewCallbackHandler(cfg CallbackConfig) (http.Handler, error) {
	key, err := hmacsig.NewKey(cfg.Secret)
	if err != nil || len(cfg.Secret) < 16 {
		return nil, fmt.Errorf("%w: callback secret of at least 16 bytes required", ErrInvalidConfig)
	}
	v, err := hmacsig.NewVerifier(hmacsig.FITConnectCallback, key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if !uuidfmt.Valid(cfg.DestinationID) || cfg.Handle == nil {
		return nil, fmt.Errorf("%w: callback needs DestinationID and Handle", ErrInvalidConfig)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &callbackHandler{cfg: cfg, v: v}, nil
}

type callbackHandler struct {
	cfg CallbackConfig
	v   *hmacsig.Verifier
}

func (h *callbackHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	body, err := boundedio.ReadAll(r.Body, maxCallbackBytes)
	if err != nil {
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		return
	}
	refs, err := h.verify(r.Header.Get("callback-timestamp"), r.Header.Get("callback-authentication"), body)
	if err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if refs == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	if err := h.cfg.Handle(r.Context(), refs); err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// verify authenticates and parses a callback; nil refs without error is
// an authenticated callback of another type.
func (h *callbackHandler) verify(ts, sig string, body []byte) ([]SubmissionRef, error) {
	t, err := hmacsig.ParseUnix(ts)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCallback, err)
	}
	if err := hmacsig.CheckWindow(t, h.cfg.Now(), hmacsig.DefaultTolerance); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCallback, err)
	}
	m, err := h.v.Message([]string{ts}, body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCallback, err)
	}
	if err := m.Check(sig); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCallback, err)
	}
	return parseCallback(body, h.cfg.DestinationID)
}

func parseCallback(body []byte, destinationID string) ([]SubmissionRef, error) {
	var cb struct {
		Type        string          `json:"type"`
		Submissions []SubmissionRef `json:"submissions"`
	}
	if err := json.Unmarshal(body, &cb); err != nil {
		return nil, fmt.Errorf("%w: not JSON", ErrCallback)
	}
	if cb.Type != CallbackNewSubmissions {
		return nil, nil
	}
	refs := []SubmissionRef{}
	for _, s := range cb.Submissions {
		if s.DestinationID != destinationID || !uuidfmt.Valid(s.SubmissionID) || !uuidfmt.Valid(s.CaseID) {
			return nil, fmt.Errorf("%w: entry of another destination or with bad IDs", ErrCallback)
		}
		refs = append(refs, s)
	}
	return refs, nil
}
