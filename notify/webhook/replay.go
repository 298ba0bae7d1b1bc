package webhook

import (
	"context"
	"sync"
	"time"
)

// ReplayCache remembers processed message IDs. Implementations (e.g. on
// Redis or SQL for several receiver instances) must be safe for
// concurrent use.
type ReplayCache interface {
	// Seen reports whether id was remembered and has not expired.
	Seen(ctx context.Context, id string) (bool, error)
	// Remember stores id until the given time.
	Remember(ctx context.Context, id string, until time.Time) error
}

// MemoryReplayCache is an in-process ReplayCache with a size bound. When
// full, expired entries are swept; if it is still full, the entries
// closest to expiry are dropped first.
type MemoryReplayCache struct {
	mu  sync.Mutex
	max int
	m   map[string]time.Time
	now func() time.Time
}

// NewMemoryReplayCache returns a cache of at most maxEntries IDs
// (default 100,000 when ≤ 0).
func NewMemoryReplayCache(maxEntries int) *MemoryReplayCache {
	if maxEntries <= 0 {
		maxEntries = 100_000
	}
	return &MemoryReplayCache{max: maxEntries, m: make(map[string]time.Time), now: time.Now}
}

// Seen implements ReplayCache.
func (c *MemoryReplayCache) Seen(_ context.Context, id string) (bool, error) {
	c.mu.Lock()
	until, ok := c.m[id]
	c.mu.Unlock()
	return ok && c.now().Before(until), nil
}

// Remember implements ReplayCache.
func (c *MemoryReplayCache) Remember(_ context.Context, id string, until time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[id]; !ok && len(c.m) >= c.max {
		c.evict()
	}
	c.m[id] = until
	return nil
}

func (c *MemoryReplayCache) evict() {
	now := c.now()
	for k, t := range c.m {
		if !now.Before(t) {
			delete(c.m, k)
		}
	}
	for len(c.m) >= c.max {
		var oldK string
		var oldT time.Time
		for k, t := range c.m {
			if oldK == "" || t.Before(oldT) {
				oldK, oldT = k, t
			}
		}
		delete(c.m, oldK)
	}
}

// Len returns the number of remembered IDs.
func (c *MemoryReplayCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
