package webhook

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
)

type ctxKey struct{}

// MessageFromContext returns the verified message Middleware stored in
// the request context.
func MessageFromContext(ctx context.Context) (Message, bool) {
	m, ok := ctx.Value(ctxKey{}).(Message)
	return m, ok
}

// Middleware verifies every request before next sees it. next reads the
// verified body from r.Body (the exact bytes that were signed) or the
// Message from MessageFromContext. Responses: 413 for a body above
// MaxBodyBytes, 400 for missing or malformed headers, 401 for a bad
// signature or timestamp, 200 without calling next for an ID already
// processed (so the sender stops retrying). When next answers 2xx the ID
// is remembered. Response bodies carry only the sentinel text.
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, v.cfg.MaxBodyBytes))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				http.Error(w, ErrBodyTooLarge.Error(), http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		msg, err := v.Verify(r.Context(), body, r.Header)
		switch {
		case errors.Is(err, ErrReplay):
			w.WriteHeader(http.StatusOK)
			return
		case errors.Is(err, ErrMissingHeaders), errors.Is(err, ErrInvalidHeaders):
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		case err != nil && (errors.Is(err, ErrNoMatchingSignature) || errors.Is(err, ErrTimestampTooOld) || errors.Is(err, ErrTimestampTooNew)):
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		case err != nil:
			http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
			return
		}
		r2 := r.WithContext(context.WithValue(r.Context(), ctxKey{}, msg))
		r2.Body = io.NopCloser(bytes.NewReader(body))
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r2)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if rec.status >= 200 && rec.status < 300 {
			if err := v.MarkProcessed(r.Context(), msg); err != nil {
				// The handler has run; all that is lost is replay
				// protection for this one message, so say so.
				v.cfg.Logger.WarnContext(r.Context(), "webhook: replay cache write failed; a redelivery of this message will not be recognised",
					slog.String("webhook_id", msg.ID), slog.String("error", err.Error()))
			}
		}
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
