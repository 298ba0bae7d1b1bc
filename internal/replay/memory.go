package replay

import (
	"crypto/sha256"
	"errors"
	"sync"
	"time"
)

var (
	// ErrReplay is returned by Add for a key that is remembered and not
	// yet expired.
	ErrReplay = errors.New("replay: key seen before")
	// ErrFull is returned by Add when the memory holds its maximum and
	// refuses new keys.
	ErrFull = errors.New("replay: memory full")
)

// Full is what a Memory does with a new key when it holds its maximum.
type Full int

const (
	// Refuse fails Add with ErrFull (fail closed).
	Refuse Full = iota
	// EvictOldest forgets the key inserted first to make room.
	EvictOldest
)

// Memory remembers keys until their expiry (RFC 9449 §11.1 jti tracking;
// Standard Webhooks message-ID deduplication). Every key is also queued
// in insertion order; when all entries live for the same window, that is
// expiry order, so pruning pops expired entries from the head of the
// queue: O(1) amortised per insert and O(expired) per call, never a scan
// of the whole memory. If the clock goes back, later entries may expire
// before earlier ones; they are then pruned late (never early) and
// lookups compare the expiry. A Memory is safe for concurrent use.
type Memory struct {
	max  int
	full Full

	mu    sync.Mutex
	seen  map[[32]byte]int64 // key hash → expiry (Unix nanoseconds)
	queue []entry            // insertion order; queue[head:] are live
	head  int
}

type entry struct {
	at  int64
	key [32]byte
}

// New returns a Memory of at most max keys (max ≥ 1) with the given
// policy for a full memory.
func New(max int, full Full) *Memory {
	return &Memory{max: max, full: full, seen: map[[32]byte]int64{}}
}

// Add records key until expires. It fails with ErrReplay if key is
// remembered and not yet expired at now, and with ErrFull if the memory
// is full and refuses new keys. A refused key is not recorded.
func (m *Memory) Add(key string, now, expires time.Time) error {
	h := sha256.Sum256([]byte(key))
	n := now.UnixNano()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.prune(n)
	at, ok := m.seen[h]
	if ok && at >= n {
		return ErrReplay
	}
	if !ok && len(m.seen) >= m.max {
		if m.full == Refuse {
			return ErrFull
		}
		m.evictOldest()
	}
	at = expires.UnixNano()
	m.seen[h] = at
	m.queue = append(m.queue, entry{at: at, key: h})
	return nil
}

// Seen reports whether key is remembered and not yet expired at now.
func (m *Memory) Seen(key string, now time.Time) bool {
	h := sha256.Sum256([]byte(key))
	m.mu.Lock()
	at, ok := m.seen[h]
	m.mu.Unlock()
	return ok && at >= now.UnixNano()
}

// Len returns the number of remembered keys (expired ones included until
// the next Add).
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.seen)
}

// prune forgets the entries at the head of the queue that expired before
// now (expiry < now: a key is a replay up to and including its expiry
// instant).
func (m *Memory) prune(now int64) {
	for m.head < len(m.queue) && m.queue[m.head].at < now {
		m.pop()
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

// evictOldest pops queue entries until one of them forgets a key.
func (m *Memory) evictOldest() {
	for m.head < len(m.queue) && !m.pop() {
	}
}

// pop removes the head of the queue and forgets its key unless the key
// was added again later (then a later queue entry owns it). It reports
// whether a key was forgotten.
func (m *Memory) pop() bool {
	e := m.queue[m.head]
	m.queue[m.head] = entry{}
	m.head++
	if at, ok := m.seen[e.key]; ok && at == e.at {
		delete(m.seen, e.key)
		return true
	}
	return false
}
