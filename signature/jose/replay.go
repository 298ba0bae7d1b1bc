package jose

import (
	"crypto/sha256"
	"sync"
	"time"
)

// DefaultMaxReplayEntries is the default [DPoPVerifierConfig].MaxEntries:
// the number of DPoP proofs remembered at once. With the default window of
// 6 minutes (MaxAge 5 min + Leeway 1 min) it admits about 275 new proofs
// per second sustained; each entry costs about 100 bytes (a 32-byte hash
// key in a map and in a queue), so a full memory holds about 10 MB.
const DefaultMaxReplayEntries = 100_000

// replayMemory remembers keys until their expiry (RFC 9449 §11.1 jti
// tracking). Lookups are O(1). Every key is also queued in insertion
// order; as all entries live for the same window, that is expiry order, so
// pruning pops expired entries from the head of the queue: O(1) amortised
// per insert and O(expired) per call, never a scan of the whole memory. If
// the clock goes back, later entries may expire before earlier ones; they
// are then pruned late (never early) and lookups compare the expiry. When
// max entries are held, new keys are refused (fail closed) rather than
// growing the memory.
type replayMemory struct {
	max int

	mu    sync.Mutex
	seen  map[[32]byte]int64 // key hash → expiry (Unix nanoseconds)
	queue []expiryEntry      // insertion order; queue[head:] are live
	head  int
}

type expiryEntry struct {
	at  int64
	key [32]byte
}

func newReplayMemory(max int) *replayMemory {
	return &replayMemory{max: max, seen: map[[32]byte]int64{}}
}

// add records key until expires. It fails with [ErrReplay] if key is
// remembered and not yet expired at now, and with a [*LimitError]
// (MaxEntries) if the memory is full. A refused key is not recorded.
func (m *replayMemory) add(key string, now, expires time.Time) error {
	h := sha256.Sum256([]byte(key))
	n := now.UnixNano()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.prune(n)
	if at, ok := m.seen[h]; ok && at >= n {
		return ErrReplay
	}
	if len(m.seen) >= m.max {
		return &LimitError{Limit: "MaxEntries", Max: m.max}
	}
	at := expires.UnixNano()
	m.seen[h] = at
	m.queue = append(m.queue, expiryEntry{at: at, key: h})
	return nil
}

// prune forgets the entries at the head of the queue that expired before
// now (expiry < now: a proof is refused as a replay up to and including
// its expiry instant).
func (m *replayMemory) prune(now int64) {
	for m.head < len(m.queue) && m.queue[m.head].at < now {
		e := m.queue[m.head]
		m.queue[m.head] = expiryEntry{}
		m.head++
		if at, ok := m.seen[e.key]; ok && at == e.at {
			delete(m.seen, e.key)
		}
	}
	switch live := len(m.queue) - m.head; {
	case live == 0 && cap(m.queue) > 1024:
		// Give back the memory of a burst (maps never shrink).
		m.queue, m.head = nil, 0
		m.seen = map[[32]byte]int64{}
	case m.head > 1024 && m.head > live:
		// Reuse the consumed front: amortised O(1) per entry.
		m.queue = append(m.queue[:0], m.queue[m.head:]...)
		m.head = 0
	}
}

// len returns the number of remembered entries (expired ones included
// until the next add).
func (m *replayMemory) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.seen)
}
