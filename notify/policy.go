package notify

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// DefaultSchedule is the Svix retry schedule (docs.svix.com/retries), which
// Standard Webhooks v1.0.0 points to: the first attempt immediately, then retries after 5 s, 5 min,
// 30 min, 2 h, 5 h, 10 h and 10 h — 8 attempts over about 27.6 hours.
var defaultSchedule = []time.Duration{
	0, 5 * time.Second, 5 * time.Minute, 30 * time.Minute,
	2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour,
}

// DefaultSchedule returns a copy of the default retry schedule.
func DefaultSchedule() []time.Duration { return append([]time.Duration(nil), defaultSchedule...) }

// Policy is the delivery policy of one channel. The zero value is the
// default policy.
type Policy struct {
	// Schedule[i] is the delay before attempt i+1 after attempt i failed;
	// Schedule[0] is the delay of the first attempt and must be 0. The
	// number of attempts is len(Schedule). Default DefaultSchedule().
	Schedule []time.Duration
	// Jitter randomises each delay by ±Jitter (fraction, 0..0.5).
	// Default 0.1. Negative means none.
	Jitter float64
	// MaxRetryAfter caps a receiver's Retry-After. Default 24 h.
	MaxRetryAfter time.Duration
	// Concurrency caps in-flight attempts per target (endpoint) within
	// one process. Default 10.
	Concurrency int
	// DisableAfter disables a target that has failed without a single
	// success for this long (Svix: 5 days). Default 5 days; negative
	// never disables.
	DisableAfter time.Duration
	// Ordering of an application's events at each target of the channel.
	// Default OrderLatest (statuses never go backwards); the channel
	// packages document their choice.
	Ordering Ordering
}

func (p Policy) withDefaults() Policy {
	if len(p.Schedule) == 0 {
		p.Schedule = DefaultSchedule()
	}
	if p.Jitter == 0 {
		p.Jitter = 0.1
	} else if p.Jitter < 0 {
		p.Jitter = 0
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 24 * time.Hour
	}
	if p.Concurrency <= 0 {
		p.Concurrency = 10
	}
	if p.DisableAfter == 0 {
		p.DisableAfter = 5 * 24 * time.Hour
	}
	return p
}

func (p Policy) validate(name string) error {
	if p.Schedule[0] != 0 {
		return fmt.Errorf("%w: policy %s: first schedule entry must be 0", ErrInvalidConfig, name)
	}
	for _, d := range p.Schedule {
		if d < 0 {
			return fmt.Errorf("%w: policy %s: negative delay", ErrInvalidConfig, name)
		}
	}
	if p.Jitter > 0.5 {
		return fmt.Errorf("%w: policy %s: jitter above 0.5", ErrInvalidConfig, name)
	}
	return nil
}

// attempts is the number of attempts the schedule allows.
func (p Policy) attempts() int { return len(p.Schedule) }

// delay returns the jittered wait after failed attempt number attempt
// (1-based), honouring retryAfter (capped) when it is longer.
func (p Policy) delay(attempt int, retryAfter time.Duration) time.Duration {
	i := min(max(attempt, 1), len(p.Schedule)-1)
	d := p.Schedule[i]
	if p.Jitter > 0 && d > 0 {
		f := 1 + p.Jitter*(2*rand.Float64()-1)
		d = time.Duration(float64(d) * f)
	}
	if retryAfter > 0 {
		d = max(d, min(retryAfter, p.MaxRetryAfter))
	}
	return d
}
