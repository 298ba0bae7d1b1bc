package httpx

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/boundedio"
)

func TestBackoffDelay(t *testing.T) {
	t.Parallel()
	b := Backoff{Initial: 100 * time.Millisecond, Max: time.Second, Multiplier: 2, Jitter: 0.5}
	for attempt, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 10: time.Second} {
		for range 50 {
			d := b.Delay(attempt)
			assert.LessOrEqual(t, d, want)
			assert.GreaterOrEqual(t, d, want/2)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"5", 5 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second, true},
		{now.Add(-30 * time.Second).Format(http.TimeFormat), 0, true},
	}
	for _, tc := range tests {
		h := http.Header{}
		if tc.in != "" {
			h.Set("Retry-After", tc.in)
		}
		d, ok := RetryAfter(h, now)
		assert.Equal(t, tc.ok, ok, tc.in)
		assert.Equal(t, tc.want, d, tc.in)
	}
}

func TestRetrierDo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		statuses  []int
		attempts  int
		wantCalls int32
		wantCode  int
		wantSleep []time.Duration
	}{
		{name: "first ok", statuses: []int{200}, attempts: 3, wantCalls: 1, wantCode: 200},
		{name: "503 then ok", statuses: []int{503, 200}, attempts: 3, wantCalls: 2, wantCode: 200},
		{name: "always 500", statuses: []int{500, 500, 500, 500}, attempts: 3, wantCalls: 3, wantCode: 500},
		{name: "400 not retried", statuses: []int{400, 200}, attempts: 3, wantCalls: 1, wantCode: 400},
		{name: "429 honours retry-after", statuses: []int{429, 200}, attempts: 3, wantCalls: 2, wantCode: 200, wantSleep: []time.Duration{7 * time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := calls.Add(1)
				code := tc.statuses[n-1]
				if code == 429 {
					w.Header().Set("Retry-After", "7")
				}
				w.WriteHeader(code)
			}))
			defer srv.Close()
			var slept []time.Duration
			r := Retrier{Client: srv.Client(), Backoff: Backoff{MaxAttempts: tc.attempts},
				Sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }}
			resp, err := r.Do(context.Background(), func(ctx context.Context) (*http.Request, error) {
				return http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
			})
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tc.wantCode, resp.StatusCode)
			assert.Equal(t, tc.wantCalls, calls.Load())
			if tc.wantSleep != nil {
				assert.Equal(t, tc.wantSleep, slept)
			}
		})
	}
}

func TestRetrierCancelled(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	r := Retrier{Client: srv.Client(), Backoff: Backoff{MaxAttempts: 5},
		Sleep: func(ctx context.Context, d time.Duration) error { cancel(); return Sleep(ctx, d) }}
	_, err := r.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	})
	require.ErrorIs(t, err, context.Canceled)
}

func TestRetrierRequestBuildError(t *testing.T) {
	t.Parallel()
	want := errors.New("boom")
	_, err := (&Retrier{}).Do(context.Background(), func(context.Context) (*http.Request, error) { return nil, want })
	require.ErrorIs(t, err, want)
}

func TestReadBody(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(strings.Repeat("x", 100)))
	}))
	defer srv.Close()
	get := func() *http.Response {
		resp, err := srv.Client().Get(srv.URL)
		require.NoError(t, err)
		return resp
	}
	b, err := ReadBody(get(), 100)
	require.NoError(t, err)
	assert.Len(t, b, 100)
	_, err = ReadBody(get(), 99)
	require.ErrorIs(t, err, boundedio.ErrTooLarge)
}

// ReadBody with a declared Content-Length: exact, too long for the limit,
// shorter than declared, and a body longer than its declared length
// (possible with a hand-made response) are all handled like an
// undeclared body.
func TestReadBodyDeclaredLength(t *testing.T) {
	t.Parallel()
	resp := func(body string, declared int64) *http.Response {
		return &http.Response{Body: io.NopCloser(strings.NewReader(body)), ContentLength: declared}
	}
	for name, tc := range map[string]struct {
		body     string
		declared int64
		limit    int64
		want     string
		err      error
	}{
		"exact":                 {body: "abc", declared: 3, limit: 10, want: "abc"},
		"at the limit":          {body: "abc", declared: 3, limit: 3, want: "abc"},
		"undeclared":            {body: "abc", declared: -1, limit: 10, want: "abc"},
		"declared over limit":   {body: "abcd", declared: 4, limit: 3, err: boundedio.ErrTooLarge},
		"shorter than declared": {body: "ab", declared: 3, limit: 10, err: io.ErrUnexpectedEOF},
		"longer than declared":  {body: "abcdef", declared: 3, limit: 10, want: "abcdef"},
		"longer than limit":     {body: "abcdef", declared: 3, limit: 5, err: boundedio.ErrTooLarge},
	} {
		got, err := ReadBody(resp(tc.body, tc.declared), tc.limit)
		if tc.err != nil {
			require.ErrorIs(t, err, tc.err, name)
			continue
		}
		require.NoError(t, err, name)
		assert.Equal(t, tc.want, string(got), name)
	}
}
