package account

import (
	"context"
	"errors"
	"net/http"
)

type ctxKey int

const (
	sessionCtx ctxKey = iota
	levelCtx
)

// SessionFromContext returns the session RequireLogin put into the
// request context, or nil.
func SessionFromContext(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionCtx).(*Session)
	return s
}

// RequiredLevel returns the level RequireLogin demanded when it called
// SessionConfig.LoginRequired (LevelUnknown otherwise).
func RequiredLevel(ctx context.Context) Level {
	l, _ := ctx.Value(levelCtx).(Level)
	return l
}

// RequireLogin returns middleware that lets a request through only with
// a live session of at least minLevel (the session is then in the
// context, SessionFromContext), and refuses cross-origin state-changing
// requests (POST, PUT, DELETE, … from another origin) with 403 through
// http.CrossOriginProtection. Other requests go to
// SessionConfig.LoginRequired. Do not put the SAML ACS or the OIDC
// back-channel logout endpoint behind it: those are cross-site POSTs by
// design and carry their own proof.
func (s *Sessions) RequireLogin(minLevel Level) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return s.csrf.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sess, err := s.Get(r)
			if err != nil && !errors.Is(err, ErrSessionNotFound) {
				s.cfg.Logger.ErrorContext(r.Context(), "account: session lookup failed", "err", err)
				http.Error(w, "session unavailable", http.StatusServiceUnavailable)
				return
			}
			if sess == nil || !sess.Level.Valid() || sess.Level < minLevel {
				w.Header().Set("Cache-Control", "no-store")
				s.cfg.LoginRequired.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), levelCtx, minLevel)))
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionCtx, sess)))
		}))
	}
}

// Protect refuses cross-origin state-changing requests
// (http.CrossOriginProtection with SessionConfig.TrustedOrigins) without
// requiring a session; for forms that start a login or log out.
func (s *Sessions) Protect(h http.Handler) http.Handler { return s.csrf.Handler(h) }
