package replay

import (
	"crypto/sha256"
	"errors"
	"sync"
	"time"

	"github.com/egosaar/ozg/internal/expiry"
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
	// EvictFirstExpiring forgets the key that expires first to make room.
	EvictFirstExpiring
)

// Memory remembers keys until their expiry (RFC 9449 §11.1 jti tracking;
// Standard Webhooks message-ID deduplication) in an [expiry.Map]: each
// Add first removes the expired keys, O(expired · log n), never a scan of
// the live ones. A Memory is safe for concurrent use.
type Memory struct {
	max  int
	full Full

	mu   sync.Mutex
	keys expiry.Map[[32]byte, struct{}] // key hash → remembered until
}

// New returns a Memory of at most max keys (max ≥ 1) with the given
// policy for a full memory.
func New(max int, full Full) *Memory {
	return &Memory{max: max, full: full}
}

// Add records key until expires, inclusive. It fails with ErrReplay if key
// is remembered at now, and with ErrFull if the memory is full and
// refuses new keys. A refused key is not recorded.
func (m *Memory) Add(key string, now, expires time.Time) error {
	h := sha256.Sum256([]byte(key))
	m.mu.Lock()
	defer m.mu.Unlock()
	m.keys.Prune(now)
	if _, _, ok := m.keys.Get(h); ok {
		return ErrReplay
	}
	if m.keys.Len() >= m.max {
		if m.full == Refuse {
			return ErrFull
		}
		m.keys.PopFirst()
	}
	// An expiry.Map entry is expired at its expiry instant; the key is a
	// replay up to and including expires.
	m.keys.Set(h, struct{}{}, expires.Add(time.Nanosecond))
	return nil
}

// Seen reports whether key is remembered at now (up to and including its
// expiry instant).
func (m *Memory) Seen(key string, now time.Time) bool {
	h := sha256.Sum256([]byte(key))
	m.mu.Lock()
	_, until, ok := m.keys.Get(h)
	m.mu.Unlock()
	return ok && now.Before(until)
}

// Len returns the number of remembered keys (expired ones included until
// the next Add).
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.keys.Len()
}
