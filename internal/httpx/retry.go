package httpx

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Backoff describes a jittered exponential schedule. The zero value means
// 3 attempts, 200 ms initial delay, factor 2, 10 s cap and 50 % jitter.
type Backoff struct {
	MaxAttempts int           // total attempts including the first; default 3
	Initial     time.Duration // delay before the second attempt; default 200 ms
	Max         time.Duration // cap for one delay; default 10 s
	Multiplier  float64       // growth per attempt; default 2
	Jitter      float64       // fraction of the delay randomised, 0..1; default 0.5
}

// WithDefaults fills zero fields.
func (b Backoff) WithDefaults() Backoff {
	if b.MaxAttempts <= 0 {
		b.MaxAttempts = 3
	}
	if b.Initial <= 0 {
		b.Initial = 200 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 10 * time.Second
	}
	if b.Multiplier < 1 {
		b.Multiplier = 2
	}
	if b.Jitter <= 0 || b.Jitter > 1 {
		b.Jitter = 0.5
	}
	return b
}

// Delay returns the wait before attempt number attempt+1 (attempt counts
// from 1 for the first retry), with jitter applied: a uniformly random
// value in [d·(1-Jitter), d].
func (b Backoff) Delay(attempt int) time.Duration {
	b = b.WithDefaults()
	d := float64(b.Initial)
	for i := 1; i < attempt; i++ {
		d *= b.Multiplier
		if d >= float64(b.Max) {
			d = float64(b.Max)
			break
		}
	}
	if d > float64(b.Max) {
		d = float64(b.Max)
	}
	return time.Duration(d * (1 - b.Jitter*rand.Float64()))
}

// Sleep waits for d or until ctx is done, whichever comes first.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// RetryAfter parses a Retry-After header (RFC 9110 §10.2.3): delay-seconds
// or an HTTP-date relative to now. It reports false when absent or invalid.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// Retryable is the default classification for idempotent requests: transport
// errors (other than the caller's own cancellation and certificate
// failures, see IsCertificateError) and 408, 425, 429, 500, 502, 503, 504
// responses.
func Retryable(resp *http.Response, err error) bool {
	if err != nil {
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) && !IsCertificateError(err)
	}
	switch resp.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable,
		http.StatusGatewayTimeout:
		return true
	}
	return false
}

// Retrier runs idempotent HTTP requests with backoff. The zero value is
// usable. Only use it for requests that may be repeated safely (GET, or a
// POST that carries an idempotency key the server honours).
type Retrier struct {
	Client        *http.Client                               // nil: http.DefaultClient
	Backoff       Backoff                                    // schedule
	ShouldRetry   func(*http.Response, error) bool           // nil: Retryable
	MaxRetryAfter time.Duration                              // cap on a server's Retry-After; default 60 s
	Now           func() time.Time                           // nil: time.Now
	Sleep         func(context.Context, time.Duration) error // nil: Sleep (tests inject)
}

// Do sends the request built by newReq (called once per attempt, so bodies
// are fresh) and retries per the policy. Between attempts the body of a
// retried response is drained (bounded) and closed. The last response or
// error is returned; a response is never returned together with an error.
func (r *Retrier) Do(ctx context.Context, newReq func(context.Context) (*http.Request, error)) (*http.Response, error) {
	client := r.Client
	if client == nil {
		client = http.DefaultClient
	}
	b := r.Backoff.WithDefaults()
	should := r.ShouldRetry
	if should == nil {
		should = Retryable
	}
	now := r.Now
	if now == nil {
		now = time.Now
	}
	sleep := r.Sleep
	if sleep == nil {
		sleep = Sleep
	}
	maxRA := r.MaxRetryAfter
	if maxRA <= 0 {
		maxRA = 60 * time.Second
	}
	for attempt := 1; ; attempt++ {
		req, err := newReq(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if attempt >= b.MaxAttempts || IsCertificateError(err) || !should(resp, err) || ctx.Err() != nil {
			if err != nil {
				return nil, err
			}
			return resp, nil
		}
		delay := b.Delay(attempt)
		if resp != nil {
			if ra, ok := RetryAfter(resp.Header, now()); ok {
				delay = min(ra, maxRA)
			}
			DrainAndClose(resp)
		}
		if err := sleep(ctx, delay); err != nil {
			return nil, err
		}
	}
}
