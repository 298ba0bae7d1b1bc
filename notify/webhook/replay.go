package webhook

import (
	"context"
	"errors"
	"time"

	"github.com/egosaar/ozg/internal/replay"
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
// full, it forgets the ID that expires first to make room: redeliveries
// follow their original closely (Standard Webhooks retries within about a
// day and a half), so the newest IDs are the ones worth keeping. Inserts
// cost O(log n), lookups O(1), however full it is.
type MemoryReplayCache struct {
	m   *replay.Memory
	now func() time.Time
}

// NewMemoryReplayCache returns a cache of at most maxEntries IDs
// (default 100,000 when ≤ 0).
func NewMemoryReplayCache(maxEntries int) *MemoryReplayCache {
	if maxEntries <= 0 {
		maxEntries = 100_000
	}
	return &MemoryReplayCache{m: replay.New(maxEntries, replay.EvictFirstExpiring), now: time.Now}
}

// Seen implements ReplayCache.
func (c *MemoryReplayCache) Seen(_ context.Context, id string) (bool, error) {
	return c.m.Seen(id, c.now()), nil
}

// Remember implements ReplayCache. An ID still remembered keeps its first
// expiry.
func (c *MemoryReplayCache) Remember(_ context.Context, id string, until time.Time) error {
	if err := c.m.Add(id, c.now(), until); err != nil && !errors.Is(err, replay.ErrReplay) {
		return err
	}
	return nil
}

// Len returns the number of remembered IDs.
func (c *MemoryReplayCache) Len() int { return c.m.Len() }
