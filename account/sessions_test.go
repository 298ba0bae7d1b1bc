package account_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// countingStore counts touches.
type countingStore struct {
	*account.MemorySessionStore
	touches int
}

func (s *countingStore) TouchSession(ctx context.Context, key string, t time.Time) error {
	s.touches++
	return s.MemorySessionStore.TouchSession(ctx, key, t)
}

func newSessions(t *testing.T) (*account.Sessions, *testClock, *countingStore) {
	clk := &testClock{t: time.Unix(1_900_000_000, 0)}
	st := &countingStore{MemorySessionStore: account.NewMemorySessionStore()}
	s, err := account.NewSessions(account.SessionConfig{Store: st, Now: clk.Now, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	return s, clk, st
}

func erika(level account.Level) *account.Identity {
	return &account.Identity{Provider: "oidc", Issuer: "https://op.example", Subject: "erika", Level: level}
}

// start logs in and returns the session cookie.
func start(t *testing.T, s *account.Sessions, id *account.Identity, old *http.Cookie, opts account.StartOptions) *http.Cookie {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "https://svc.example/cb", nil)
	if old != nil {
		req.AddCookie(old)
	}
	_, err := s.Start(context.Background(), rec, req, id, opts)
	require.NoError(t, err)
	cs := rec.Result().Cookies()
	require.Len(t, cs, 1)
	return cs[0]
}

func get(s *account.Sessions, c *http.Cookie) (*account.Session, error) {
	req := httptest.NewRequest("GET", "https://svc.example/", nil)
	if c != nil {
		req.AddCookie(c)
	}
	return s.Get(req)
}

func TestSessionCookie(t *testing.T) {
	s, _, _ := newSessions(t)
	c := start(t, s, erika(account.LevelSubstanziell), nil, account.StartOptions{})
	assert.Equal(t, "__Host-ozg_session", c.Name)
	assert.True(t, c.Secure)
	assert.True(t, c.HttpOnly)
	assert.Equal(t, "/", c.Path)
	assert.Empty(t, c.Domain)
	assert.Len(t, c.Value, 43)
	assert.NotContains(t, c.Value, "erika")
	sess, err := get(s, c)
	require.NoError(t, err)
	id, err := sess.Identity()
	require.NoError(t, err)
	assert.Equal(t, "erika", id.Subject)
}

func TestSessionRotation(t *testing.T) {
	s, _, _ := newSessions(t)
	first := start(t, s, erika(account.LevelSubstanziell), nil, account.StartOptions{})
	second := start(t, s, erika(account.LevelHoch), first, account.StartOptions{})
	assert.NotEqual(t, first.Value, second.Value)
	_, err := get(s, first)
	assert.ErrorIs(t, err, account.ErrSessionNotFound, "old session ended on login")
	_, err = get(s, second)
	require.NoError(t, err)
}

func TestSessionsLimitsPerLevel(t *testing.T) {
	tests := []struct {
		level        account.Level
		maxAge, idle time.Duration
	}{
		{account.LevelNiedrig, 12 * time.Hour, time.Hour},
		{account.LevelSubstanziell, 2 * time.Hour, 30 * time.Minute},
		{account.LevelHoch, 30 * time.Minute, 5 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.level.String(), func(t *testing.T) {
			s, clk, _ := newSessions(t)
			c := start(t, s, erika(tt.level), nil, account.StartOptions{})
			// Idle: just under the limit keeps it, reaching it ends it.
			clk.Add(tt.idle - time.Second)
			_, err := get(s, c)
			require.NoError(t, err)
			clk.Add(tt.idle)
			_, err = get(s, c)
			assert.ErrorIs(t, err, account.ErrSessionNotFound, "idle")
			// Absolute: active all the time, still ends.
			c = start(t, s, erika(tt.level), nil, account.StartOptions{})
			for el := time.Duration(0); el < tt.maxAge-tt.idle/2; el += tt.idle / 2 {
				clk.Add(tt.idle / 2)
				_, err = get(s, c)
				require.NoError(t, err)
			}
			clk.Add(tt.idle / 2)
			_, err = get(s, c)
			assert.ErrorIs(t, err, account.ErrSessionNotFound, "absolute")
		})
	}
	t.Run("unknown level refused", func(t *testing.T) {
		s, _, _ := newSessions(t)
		_, err := s.Start(context.Background(), httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), erika(account.LevelUnknown), account.StartOptions{})
		assert.ErrorIs(t, err, account.ErrInvalidIdentity)
	})
	t.Run("provider session end", func(t *testing.T) {
		s, clk, _ := newSessions(t)
		id := erika(account.LevelNiedrig)
		id.SessionNotOnOrAfter = clk.Now().Add(10 * time.Minute)
		c := start(t, s, id, nil, account.StartOptions{})
		clk.Add(10 * time.Minute)
		_, err := get(s, c)
		assert.ErrorIs(t, err, account.ErrSessionNotFound)
	})
}

func TestSessionTouchThrottled(t *testing.T) {
	s, clk, st := newSessions(t)
	c := start(t, s, erika(account.LevelSubstanziell), nil, account.StartOptions{})
	for range 100 {
		clk.Add(time.Second)
		_, err := get(s, c)
		require.NoError(t, err)
	}
	assert.Equal(t, 1, st.touches, "one write per minute, not per request")
}

func TestSessionEnd(t *testing.T) {
	s, _, _ := newSessions(t)
	c := start(t, s, erika(account.LevelSubstanziell), nil, account.StartOptions{IDToken: "a.b.c"})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "https://svc.example/logout", nil)
	req.AddCookie(c)
	ended, err := s.End(context.Background(), rec, req)
	require.NoError(t, err)
	assert.Equal(t, "a.b.c", ended.IDToken())
	assert.Equal(t, -1, rec.Result().Cookies()[0].MaxAge)
	_, err = get(s, c)
	assert.ErrorIs(t, err, account.ErrSessionNotFound)
}

func TestEndProviderSessions(t *testing.T) {
	s, _, _ := newSessions(t)
	ctx := context.Background()
	a := start(t, s, erika(account.LevelSubstanziell), nil, account.StartOptions{ProviderSessionID: "sid-a"})
	b := start(t, s, erika(account.LevelSubstanziell), nil, account.StartOptions{ProviderSessionID: "sid-b"})
	tmp := &account.Identity{Provider: "bundid", Issuer: "https://op.example", Level: account.LevelSubstanziell, Temporary: true}
	tc := start(t, s, tmp, nil, account.StartOptions{})
	n, err := s.EndProviderSessions(ctx, "https://op.example", "", "sid-a")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = get(s, a)
	assert.ErrorIs(t, err, account.ErrSessionNotFound)
	n, err = s.EndProviderSessions(ctx, "https://op.example", "", "")
	require.NoError(t, err)
	assert.Equal(t, 0, n, "empty subject never matches the temporary session")
	n, err = s.EndProviderSessions(ctx, "https://op.example", "erika", "")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = get(s, b)
	assert.ErrorIs(t, err, account.ErrSessionNotFound)
	sess, err := get(s, tc)
	require.NoError(t, err)
	assert.True(t, sess.Temporary())
	_, ok := sess.UserKey()
	assert.False(t, ok, "temporary login has no user key")
}

// TestStartRefusesInvalidIdentity: an identity that breaks the
// stable/temporary invariant never gets a session (a temporary login with
// a subject could otherwise be ended or looked up as that user).
func TestStartRefusesInvalidIdentity(t *testing.T) {
	s, _, _ := newSessions(t)
	for name, id := range map[string]*account.Identity{
		"temporary with subject": {Provider: "bundid", Issuer: "https://op.example", Subject: "erika", Temporary: true, Level: account.LevelSubstanziell},
		"stable without subject": {Provider: "bundid", Issuer: "https://op.example", Level: account.LevelSubstanziell},
		"no issuer":              {Provider: "bundid", Subject: "erika", Level: account.LevelSubstanziell},
		"nil":                    nil,
	} {
		t.Run(name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			_, err := s.Start(context.Background(), rec, httptest.NewRequest("GET", "/", nil), id, account.StartOptions{})
			assert.ErrorIs(t, err, account.ErrInvalidIdentity)
			assert.Empty(t, rec.Result().Cookies())
		})
	}
}

func TestRequireLogin(t *testing.T) {
	s, _, _ := newSessions(t)
	h := s.RequireLogin(account.LevelSubstanziell)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(account.SessionFromContext(r.Context()).Subject))
	}))
	do := func(method string, c *http.Cookie, hdr map[string]string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(method, "https://svc.example/antrag", nil)
		if c != nil {
			req.AddCookie(c)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		h.ServeHTTP(rec, req)
		return rec
	}
	assert.Equal(t, http.StatusUnauthorized, do("GET", nil, nil).Code)
	low := start(t, s, erika(account.LevelNiedrig), nil, account.StartOptions{})
	assert.Equal(t, http.StatusUnauthorized, do("GET", low, nil).Code, "level too low")
	ok := start(t, s, erika(account.LevelSubstanziell), nil, account.StartOptions{})
	rec := do("GET", ok, nil)
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "erika", rec.Body.String())
	assert.Equal(t, http.StatusOK, do("POST", ok, map[string]string{"Sec-Fetch-Site": "same-origin"}).Code)
	assert.Equal(t, http.StatusForbidden, do("POST", ok, map[string]string{"Sec-Fetch-Site": "cross-site"}).Code, "CSRF")
	assert.Equal(t, http.StatusForbidden, do("POST", ok, map[string]string{"Origin": "https://evil.example"}).Code, "CSRF by Origin")
	bad := &http.Cookie{Name: "__Host-ozg_session", Value: "forged"}
	assert.Equal(t, http.StatusUnauthorized, do("GET", bad, nil).Code)
}

func TestNewSessionsConfig(t *testing.T) {
	for name, cfg := range map[string]account.SessionConfig{
		"nil store":          {},
		"bad cookie":         {Store: account.NewMemorySessionStore(), CookieName: "a b"},
		"__Host- on http":    {Store: account.NewMemorySessionStore(), CookieName: "__Host-x", InsecureDevelopment: true},
		"negative touch":     {Store: account.NewMemorySessionStore(), TouchInterval: -1},
		"bad trusted origin": {Store: account.NewMemorySessionStore(), TrustedOrigins: []string{"not a url"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := account.NewSessions(cfg)
			assert.ErrorIs(t, err, account.ErrInvalidConfig)
		})
	}
	s, err := account.NewSessions(account.SessionConfig{Store: account.NewMemorySessionStore(), InsecureDevelopment: true})
	require.NoError(t, err)
	c := start(t, s, erika(account.LevelHoch), nil, account.StartOptions{})
	assert.Equal(t, "ozg_session", c.Name)
	assert.False(t, c.Secure)
}

func TestMemorySessionStoreFull(t *testing.T) {
	st := &account.MemorySessionStore{Max: 2}
	now := time.Unix(1_900_000_000, 0)
	for i, k := range []string{"a", "b"} {
		require.NoError(t, st.CreateSession(context.Background(), account.SessionRecord{Key: k, Expires: now.Add(time.Duration(i+1) * time.Hour)}, now))
	}
	err := st.CreateSession(context.Background(), account.SessionRecord{Key: "c", Expires: now.Add(time.Hour)}, now)
	assert.ErrorIs(t, err, account.ErrSessionStoreFull)
	// After the first expires there is room again.
	require.NoError(t, st.CreateSession(context.Background(), account.SessionRecord{Key: "c", Expires: now.Add(3 * time.Hour)}, now.Add(time.Hour)))
}

// recordingStore records subject lookups.
type recordingStore struct {
	*account.MemorySessionStore
	subjects []string
}

func (s *recordingStore) DeleteSessionsBySubject(ctx context.Context, issuer, subject string) (int, error) {
	s.subjects = append(s.subjects, subject)
	return s.MemorySessionStore.DeleteSessionsBySubject(ctx, issuer, subject)
}

// TestEndProviderSessionsNeverAsksForEmptySubject: the session layer
// itself never hands an empty subject to a store (a store without its own
// guard would end every temporary session).
func TestEndProviderSessionsNeverAsksForEmptySubject(t *testing.T) {
	st := &recordingStore{MemorySessionStore: account.NewMemorySessionStore()}
	s, err := account.NewSessions(account.SessionConfig{Store: st})
	require.NoError(t, err)
	n, err := s.EndProviderSessions(context.Background(), "https://op.example", "", "")
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Empty(t, st.subjects)
}

// TestTemporaryNeverMatchesAnotherUser: a temporary login's session is
// stored without a subject (Identity.StableSubject is the one rule), so no
// subject lookup, logout or user key of any user reaches it, and it
// reaches no user's sessions.
func TestTemporaryNeverMatchesAnotherUser(t *testing.T) {
	s, _, st := newSessions(t)
	ctx := context.Background()
	stable := start(t, s, erika(account.LevelSubstanziell), nil, account.StartOptions{})
	tmp := &account.Identity{Provider: "bundid", Issuer: "https://op.example", Level: account.LevelSubstanziell, Temporary: true}
	tc := start(t, s, tmp, nil, account.StartOptions{})

	sess, err := get(s, tc)
	require.NoError(t, err)
	assert.True(t, sess.Temporary())
	assert.Empty(t, sess.Subject)
	_, ok := sess.UserKey()
	assert.False(t, ok)
	es, err := get(s, stable)
	require.NoError(t, err)
	ek, ok := es.UserKey()
	require.True(t, ok)
	assert.NotContains(t, ek, "\x00\x00", "stable key carries a subject")

	for _, subject := range []string{"", "erika", "bundid", "temporary", "\x00"} {
		n, err := st.DeleteSessionsBySubject(ctx, "https://op.example", subject)
		require.NoError(t, err)
		if subject == "erika" {
			assert.Equal(t, 1, n, "only erika's own session")
		} else {
			assert.Zero(t, n, "subject %q", subject)
		}
		_, err = get(s, tc)
		require.NoError(t, err, "temporary session survives lookup by %q", subject)
	}
	_, err = get(s, stable)
	assert.ErrorIs(t, err, account.ErrSessionNotFound)
}
