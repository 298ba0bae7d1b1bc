package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/account/internal/uabind"
	"github.com/egosaar/ozg/internal/telemetry"
)

// ErrInvalidConfig reports a configuration this package refuses.
var ErrInvalidConfig = errors.New("account: invalid configuration")

// Session cookie names.
const (
	DefaultSessionCookie         = "__Host-ozg_session"
	DefaultInsecureSessionCookie = "ozg_session"
)

// SessionConfig configures Sessions.
type SessionConfig struct {
	// Store keeps the sessions; required (NewMemorySessionStore for one
	// instance, account/sqlstore for several).
	Store SessionStore
	// CookieName names the session cookie; default DefaultSessionCookie
	// (__Host- prefix: set only by this host over https, Path "/", no
	// Domain) or DefaultInsecureSessionCookie with InsecureDevelopment.
	CookieName string
	// InsecureDevelopment sends the cookie without Secure (plain http on
	// loopback). Never in production.
	InsecureDevelopment bool
	// Limits returns the absolute and idle limits for a level; default
	// Level.SessionLimits (BSI TR-03160-1).
	Limits func(Level) (SessionLimits, error)
	// TouchInterval throttles idle-time updates: LastSeen is written at
	// most once per interval (default 1 min, at most a quarter of the idle
	// timeout), so a session may end up to one interval early, never late.
	TouchInterval time.Duration
	// LoginRequired answers RequireLogin's refusals (no session, expired,
	// level too low); it can read the required level with
	// RequiredLevel(r.Context()). Default: 401 with a short text.
	LoginRequired http.Handler
	// TrustedOrigins may send state-changing requests besides the
	// service's own origin (http.CrossOriginProtection).
	TrustedOrigins []string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger; default slog.Default().
	Logger *slog.Logger
	// TracerProvider receives a span per operation and MeterProvider
	// the metrics ozg.account.operations and
	// ozg.account.operation.duration (see docs/observability.md; attributes:
	// operation, outcome, refusal reason; never identities, subjects,
	// tokens, URLs or error texts). nil: the otel global providers, which
	// record nothing until the application installs its own
	// (otel.SetTracerProvider, otel.SetMeterProvider).
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
}

// Sessions is the application session layer for logins from account/saml
// and account/oidc: server-side sessions in a SessionStore, a cookie that
// holds only a random 256-bit ID (the store keeps its SHA-256), a new ID
// on every login (session fixation defence), absolute and idle limits per
// Level, logout locally and by the identity provider (OIDC back-channel
// logout), RequireLogin middleware with CSRF protection. It is safe for
// concurrent use.
type Sessions struct {
	cfg  SessionConfig
	csrf *http.CrossOriginProtection
	tel  *telemetry.Telemetry
}

// NewSessions checks cfg and returns Sessions; errors wrap
// ErrInvalidConfig.
func NewSessions(cfg SessionConfig) (*Sessions, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("%w: Store required (NewMemorySessionStore for one instance)", ErrInvalidConfig)
	}
	if cfg.TouchInterval < 0 {
		return nil, fmt.Errorf("%w: negative TouchInterval", ErrInvalidConfig)
	}
	if cfg.CookieName == "" {
		cfg.CookieName = DefaultSessionCookie
		if cfg.InsecureDevelopment {
			cfg.CookieName = DefaultInsecureSessionCookie
		}
	}
	if err := (&http.Cookie{Name: cfg.CookieName, Value: "x"}).Valid(); err != nil {
		return nil, fmt.Errorf("%w: CookieName invalid", ErrInvalidConfig)
	}
	if cfg.InsecureDevelopment && (strings.HasPrefix(cfg.CookieName, "__Host-") || strings.HasPrefix(cfg.CookieName, "__Secure-")) {
		return nil, fmt.Errorf("%w: __Host-/__Secure- cookie needs https (InsecureDevelopment unset)", ErrInvalidConfig)
	}
	if cfg.Limits == nil {
		cfg.Limits = Level.SessionLimits
	}
	if cfg.TouchInterval == 0 {
		cfg.TouchInterval = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.LoginRequired == nil {
		cfg.LoginRequired = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "login required", http.StatusUnauthorized)
		})
	}
	csrf := http.NewCrossOriginProtection()
	for _, o := range cfg.TrustedOrigins {
		if err := csrf.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("%w: TrustedOrigins: %w", ErrInvalidConfig, err)
		}
	}
	return &Sessions{cfg: cfg, csrf: csrf, tel: newSessionTelemetry(&cfg)}, nil
}

// Session is one logged-in session.
type Session struct {
	// Issuer is the identity provider (entityID or OIDC issuer).
	Issuer string
	// Subject is the user's stable identifier at Issuer; "" for a
	// temporary login.
	Subject  string
	Level    Level
	Created  time.Time
	LastSeen time.Time
	// Expires is the absolute end; the session also ends after
	// IdleTimeout without requests.
	Expires     time.Time
	IdleTimeout time.Duration
	// ProviderSessionID is the OIDC sid or SAML SessionIndex.
	ProviderSessionID string

	key  string
	data []byte

	once  sync.Once
	id    *Identity
	idTok string
	err   error
}

// Identity returns the verified login result the session started with.
// It is decoded from the store on first use (a handler that only checks
// the level never decodes personal data).
func (s *Session) Identity() (*Identity, error) {
	s.decode()
	return s.id, s.err
}

// IDToken returns the OIDC ID token (id_token_hint for RP-initiated
// logout); "" for SAML.
func (s *Session) IDToken() string {
	s.decode()
	return s.idTok
}

func (s *Session) decode() {
	s.once.Do(func() {
		var d sessionData
		if err := json.Unmarshal(s.data, &d); err != nil || d.Identity == nil {
			s.err = errors.New("account: session data unreadable")
			return
		}
		s.id, s.idTok = d.Identity, d.IDToken
	})
}

// Temporary reports a login without a stable subject (BundID temporary
// login): the session belongs to nobody who could be recognised later.
// Start stores the subject only when [Identity.StableSubject] reports one,
// so an empty Subject here means exactly that rule said "temporary".
func (s *Session) Temporary() bool { return s.Subject == "" }

// UserKey identifies the user across sessions (issuer and subject); ok is
// false for a temporary login, whose session must never be linked to
// stored data of any user.
func (s *Session) UserKey() (key string, ok bool) {
	if s.Temporary() {
		return "", false
	}
	return s.Issuer + "\x00" + s.Subject, true
}

// StartOptions carry protocol data into a new session.
type StartOptions struct {
	IDToken           string // OIDC ID token (raw), for RP-initiated logout
	ProviderSessionID string // OIDC sid or SAML SessionIndex
}

type sessionData struct {
	Identity *Identity `json:"identity"`
	IDToken  string    `json:"id_token,omitempty"`
}

// Start opens a session for a verified login: it checks id.Validate
// (errors wrap ErrInvalidIdentity), ends the session the request carried
// (rotation: an ID planted before login is worthless), stores a new one
// with the limits of id.Level, and sets the cookie.
func (s *Sessions) Start(ctx context.Context, w http.ResponseWriter, r *http.Request, id *Identity, opts StartOptions) (_ *Session, err error) {
	ctx, op := s.tel.Start(ctx, opSessionStart, trace.SpanKindInternal)
	defer op.End(&err)
	// A session starts only from an Identity that keeps the stable/
	// temporary invariant: a temporary login has no subject, so no
	// subject lookup can ever reach its session, nor it another's.
	if err := id.Validate(); err != nil {
		return nil, err
	}
	lim, err := s.cfg.Limits(id.Level)
	if err != nil {
		return nil, err
	}
	if old, ok := s.cookieKey(r); ok {
		if err := s.cfg.Store.DeleteSession(ctx, old); err != nil {
			return nil, fmt.Errorf("account: end previous session: %w", err)
		}
	}
	now := s.cfg.Now()
	exp := now.Add(lim.MaxAge)
	if !id.SessionNotOnOrAfter.IsZero() && id.SessionNotOnOrAfter.Before(exp) {
		exp = id.SessionNotOnOrAfter
	}
	data, err := json.Marshal(sessionData{Identity: id, IDToken: opts.IDToken})
	if err != nil {
		return nil, fmt.Errorf("account: encode session: %w", err)
	}
	value := uabind.Random(32)
	// StableSubject is the one rule for "temporary": "" for a temporary
	// login, which no subject lookup ever matches.
	subject, _ := id.StableSubject()
	rec := SessionRecord{Key: sessionKey(value), Issuer: id.Issuer, Subject: subject,
		ProviderSessionID: opts.ProviderSessionID, Level: id.Level, Created: now, LastSeen: now, Expires: exp, Data: data}
	if err := s.cfg.Store.CreateSession(ctx, rec, now); err != nil {
		return nil, fmt.Errorf("account: create session: %w", err)
	}
	http.SetCookie(w, s.cookie(value, exp.Sub(now)))
	s.cfg.Logger.InfoContext(ctx, "account: session started", "identity", id)
	return sessionOf(rec, lim), nil
}

// Get returns the request's session; ErrSessionNotFound when there is
// none or it has ended (absolute or idle limit; an idle-expired session
// is deleted). LastSeen is written at most once per TouchInterval.
func (s *Sessions) Get(r *http.Request) (_ *Session, err error) {
	ctx, op := s.tel.Start(r.Context(), opSessionGet, trace.SpanKindInternal)
	defer op.End(&err)
	key, ok := s.cookieKey(r)
	if !ok {
		return nil, ErrSessionNotFound
	}
	now := s.cfg.Now()
	rec, err := s.cfg.Store.Session(ctx, key, now)
	if err != nil {
		return nil, err
	}
	lim, err := s.cfg.Limits(rec.Level)
	if err != nil {
		return nil, err
	}
	// The stored Expires already holds the absolute limit; the limits of
	// the level are applied again in case the configuration tightened.
	if lim.Expired(rec.Created, rec.LastSeen, now) || !now.Before(rec.Expires) {
		_ = s.cfg.Store.DeleteSession(ctx, key)
		return nil, ErrSessionNotFound
	}
	if now.Sub(rec.LastSeen) >= min(s.cfg.TouchInterval, lim.IdleTimeout/4) {
		if err := s.cfg.Store.TouchSession(ctx, key, now); err != nil {
			return nil, err
		}
		rec.LastSeen = now
	}
	return sessionOf(rec, lim), nil
}

func sessionOf(rec SessionRecord, lim SessionLimits) *Session {
	return &Session{Issuer: rec.Issuer, Subject: rec.Subject, Level: rec.Level, Created: rec.Created,
		LastSeen: rec.LastSeen, Expires: rec.Expires, IdleTimeout: lim.IdleTimeout,
		ProviderSessionID: rec.ProviderSessionID, key: rec.Key, data: rec.Data}
}

// End ends the request's session (local logout) and deletes the cookie.
// It returns the ended session (its IDToken serves RP-initiated logout)
// or ErrSessionNotFound.
func (s *Sessions) End(ctx context.Context, w http.ResponseWriter, r *http.Request) (_ *Session, err error) {
	ctx, op := s.tel.Start(ctx, opSessionEnd, trace.SpanKindInternal)
	defer op.End(&err)
	sess, err := s.Get(r)
	http.SetCookie(w, s.cookie("", 0))
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Store.DeleteSession(ctx, sess.key); err != nil {
		return nil, fmt.Errorf("account: end session: %w", err)
	}
	return sess, nil
}

// EndProviderSessions ends the sessions an identity provider logged out
// (OIDC Back-Channel Logout 1.0 §2.7): by sid when it is set, else every
// session of subject at issuer. Temporary sessions carry no subject and
// are never matched by one. It returns the number ended.
func (s *Sessions) EndProviderSessions(ctx context.Context, issuer, subject, sid string) (_ int, err error) {
	ctx, op := s.tel.Start(ctx, opProviderLogout, trace.SpanKindInternal)
	defer op.End(&err)
	if sid != "" {
		return s.cfg.Store.DeleteSessionsByProviderSession(ctx, issuer, sid)
	}
	if subject == "" {
		return 0, nil
	}
	return s.cfg.Store.DeleteSessionsBySubject(ctx, issuer, subject)
}

// cookieKey returns the store key of the request's session cookie.
func (s *Sessions) cookieKey(r *http.Request) (string, bool) {
	c, err := r.Cookie(s.cfg.CookieName)
	if err != nil || !uabind.WellFormed(c.Value) {
		return "", false
	}
	return sessionKey(c.Value), true
}

// sessionKey is the store key of a session cookie value: its hex SHA-256,
// so a store leak yields no usable cookie.
func sessionKey(v string) string { return uabind.Hash(v) }

// cookie returns the session cookie; an empty v deletes it.
func (s *Sessions) cookie(v string, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{Name: s.cfg.CookieName, Value: v, Path: "/", HttpOnly: true, Secure: !s.cfg.InsecureDevelopment,
		SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge.Seconds())}
	if v == "" {
		c.MaxAge = -1
	}
	return c
}
