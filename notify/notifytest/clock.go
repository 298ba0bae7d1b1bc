package notifytest

import (
	"sync"
	"time"
)

// Clock is a controllable clock. Pass Clock.Now as Config.Now of notify,
// the webhook sender and verifier, and the Clock itself as notify's
// Config.Test.Time (river's stubbed time generator) so scheduling,
// signatures and tolerance checks all see the same time. Start it at or
// after the real time: river's rescuer measures stuck jobs with the real
// clock, so attempts stamped in the past would look stuck and be rescued.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// NowOrNil implements river's rivertype.TimeGenerator.
func (c *Clock) NowOrNil() *time.Time {
	t := c.Now()
	return &t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Set sets the clock.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}
