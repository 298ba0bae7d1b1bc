package codelist

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/egosaar/ozg/internal/xmlsafe"
)

// Default limits for one genericode document. The largest published XÖV
// lists (municipality keys, AGS) are about 3.2 MB. Attributes per element
// default to the module parser's limit (xmlsafe, 256).
const (
	DefaultMaxBytes    = 16 << 20
	DefaultMaxDepth    = 32
	DefaultMaxElements = 1_000_000
)

// Defaults for lists obtained from the Fetcher.
const (
	// DefaultMaxFetched bounds the fetched lists a Registry keeps, and
	// separately the failed fetches it remembers.
	DefaultMaxFetched = 64
	// DefaultFailureTTL is how long a failed fetch is remembered.
	DefaultFailureTTL = 5 * time.Minute
	// MaxIdentifierLen bounds the URI and the version a Registry passes
	// to the Fetcher (bytes each); real listURIs are well under 100.
	MaxIdentifierLen = 256
)

// Fetcher retrieves one code list version, typically from the XRepository
// (https://www.xrepository.de) or a mirror. The caller supplies and owns
// the implementation (HTTP client, caching, authentication); this package
// never opens a connection itself. Fetch returns the genericode document.
type Fetcher interface {
	Fetch(ctx context.Context, uri, version string) ([]byte, error)
}

// Config configures a Registry. The zero value is usable: no fetcher,
// default limits.
type Config struct {
	// Fetcher, if set, is asked for lists that are not registered. nil:
	// unknown lists yield ErrNotFound.
	Fetcher Fetcher
	// MaxBytes bounds one genericode document; 0 means DefaultMaxBytes.
	MaxBytes int64
	// MaxDepth bounds element nesting; 0 means DefaultMaxDepth.
	MaxDepth int
	// MaxElements bounds the elements of one document; 0 means
	// DefaultMaxElements.
	MaxElements int
	// MaxAttributes bounds the attributes of one element (namespace
	// declarations included); 0 means the module parser's default (256).
	MaxAttributes int

	// MaxFetched bounds the lists kept from the Fetcher; 0 means
	// DefaultMaxFetched. When it is reached, the least recently used
	// fetched list is evicted (and fetched again when next needed).
	// Lists registered with Add, AddBytes or LoadFS are never evicted.
	// MaxFetched also bounds the remembered failures (FailureTTL).
	MaxFetched int
	// FailureTTL is how long a failed fetch (fetcher error, oversized,
	// invalid or mismatched list) is remembered: within it, Get returns
	// the same error without asking the Fetcher again. 0 means
	// DefaultFailureTTL. Cancellation of the caller's ctx is not
	// remembered.
	FailureTTL time.Duration
	// Now returns the current time for FailureTTL; nil means time.Now.
	Now func() time.Time
}

// Validate reports negative limits.
func (c Config) Validate() error {
	if c.MaxBytes < 0 || c.MaxDepth < 0 || c.MaxElements < 0 || c.MaxAttributes < 0 || c.MaxFetched < 0 || c.FailureTTL < 0 {
		return fmt.Errorf("%w: limits must not be negative", ErrInvalidConfig)
	}
	return nil
}

// limits fills the genericode-specific defaults; xmlsafe fills the rest.
func (c Config) limits() xmlsafe.Limits {
	return xmlsafe.Limits{
		MaxBytes:      cmp.Or(c.MaxBytes, DefaultMaxBytes),
		MaxDepth:      cmp.Or(c.MaxDepth, DefaultMaxDepth),
		MaxElements:   cmp.Or(c.MaxElements, DefaultMaxElements),
		MaxAttributes: c.MaxAttributes,
	}.WithDefaults()
}

func (c Config) maxFetched() int { return cmp.Or(c.MaxFetched, DefaultMaxFetched) }

func (c Config) failureTTL() time.Duration { return cmp.Or(c.FailureTTL, DefaultFailureTTL) }

func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

type key struct{ uri, version string }

// entry is a registered list. Fetched entries carry a use stamp for
// least-recently-used eviction.
type entry struct {
	list    *List
	fetched bool
	used    atomic.Uint64
}

// failure is a remembered failed fetch.
type failure struct {
	err   error
	until time.Time
}

// Registry holds code lists by canonical URI and version; several versions
// of one list live side by side. It is safe for concurrent use. The zero
// value is an empty registry without fetcher and with default limits.
type Registry struct {
	cfg      Config
	mu       sync.RWMutex
	lists    map[key]*entry
	nfetched int // entries with fetched set
	failed   map[key]failure
	tick     atomic.Uint64 // use stamps
}

// New returns an empty Registry.
func New(cfg Config) (*Registry, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Registry{cfg: cfg, lists: map[key]*entry{}}, nil
}

// Add registers l. A list with the same URI and version yields
// ErrDuplicate and leaves the registry unchanged.
func (r *Registry) Add(l *List) error {
	if l == nil {
		return fmt.Errorf("%w: nil list", ErrInvalid)
	}
	k := key{l.CanonicalURI, l.Version}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lists == nil {
		r.lists = map[key]*entry{}
	}
	if _, ok := r.lists[k]; ok {
		return fmt.Errorf("%w: %s version %s", ErrDuplicate, quote(l.CanonicalURI), quote(l.Version))
	}
	r.lists[k] = &entry{list: l}
	return nil
}

// AddBytes parses a genericode document and registers it.
func (r *Registry) AddBytes(data []byte) (*List, error) {
	l, err := Parse(data, r.cfg)
	if err != nil {
		return nil, err
	}
	if err := r.Add(l); err != nil {
		return nil, err
	}
	return l, nil
}

// LoadFS parses every file of fsys matching one of the glob patterns
// (fs.Glob syntax, e.g. "codelists/*.xml") and registers the lists. It
// checks ctx between files. On error nothing is registered.
func (r *Registry) LoadFS(ctx context.Context, fsys fs.FS, patterns ...string) (int, error) {
	var names []string
	for _, p := range patterns {
		m, err := fs.Glob(fsys, p)
		if err != nil {
			return 0, fmt.Errorf("codelist: bad pattern %q: %w", p, err)
		}
		names = append(names, m...)
	}
	sort.Strings(names)
	var parsed []*List
	seen := map[key]string{}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		data, err := readFile(fsys, name, r.cfg.limits().MaxBytes)
		if err != nil {
			return 0, err
		}
		l, err := Parse(data, r.cfg)
		if err != nil {
			return 0, fmt.Errorf("codelist: %s: %w", name, err)
		}
		k := key{l.CanonicalURI, l.Version}
		if prev, dup := seen[k]; dup {
			return 0, fmt.Errorf("%w: %s and %s both hold %s version %s", ErrDuplicate, prev, name, quote(l.CanonicalURI), quote(l.Version))
		}
		seen[k] = name
		parsed = append(parsed, l)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lists == nil {
		r.lists = map[key]*entry{}
	}
	for _, l := range parsed {
		if _, ok := r.lists[key{l.CanonicalURI, l.Version}]; ok {
			return 0, fmt.Errorf("%w: %s version %s", ErrDuplicate, quote(l.CanonicalURI), quote(l.Version))
		}
	}
	for _, l := range parsed {
		r.lists[key{l.CanonicalURI, l.Version}] = &entry{list: l}
	}
	return len(parsed), nil
}

func readFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	if st, err := fs.Stat(fsys, name); err == nil && st.Size() > limit {
		return nil, fmt.Errorf("%w: %s has %d bytes, limit %d", ErrLimit, name, st.Size(), limit)
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("codelist: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s exceeds %d bytes", ErrLimit, name, limit)
	}
	return data, nil
}

// Lookup returns a registered list without consulting the fetcher.
func (r *Registry) Lookup(uri, version string) (*List, bool) {
	r.mu.RLock()
	e, ok := r.lists[key{uri, version}]
	r.mu.RUnlock()
	if !ok {
		return nil, false
	}
	if e.fetched {
		e.used.Store(r.tick.Add(1))
	}
	return e.list, true
}

// Get returns the list with the given URI and version. If it is not
// registered and a Fetcher is configured, the list is fetched, checked
// (its CanonicalUri and Version must match the request, else ErrMismatch)
// and registered, evicting the least recently used fetched list beyond
// Config.MaxFetched. Otherwise the error wraps ErrNotFound.
//
// A failed fetch is remembered for Config.FailureTTL: Get then returns
// the same error without asking the Fetcher. A URI or version longer than
// MaxIdentifierLen is never passed to the Fetcher (ErrNotFound and
// ErrLimit).
func (r *Registry) Get(ctx context.Context, uri, version string) (*List, error) {
	if l, ok := r.Lookup(uri, version); ok {
		return l, nil
	}
	if r.cfg.Fetcher == nil {
		return nil, &NotFoundError{URI: uri, Version: version}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(uri) > MaxIdentifierLen || len(version) > MaxIdentifierLen {
		// No real list has such an identifier: not found, and never
		// passed to the Fetcher.
		return nil, &NotFoundError{URI: uri, Version: version,
			Err: fmt.Errorf("%w: list URI or version longer than %d bytes; not fetched", ErrLimit, MaxIdentifierLen)}
	}
	k := key{uri, version}
	if err := r.failedBefore(k); err != nil {
		return nil, err
	}
	l, err := r.fetch(ctx, uri, version)
	if err != nil {
		if ctx.Err() == nil || !(errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			r.rememberFailure(k, err)
		}
		return nil, err
	}
	return r.addFetched(k, l), nil
}

// fetch asks the Fetcher and checks what it returns.
func (r *Registry) fetch(ctx context.Context, uri, version string) (*List, error) {
	data, err := r.cfg.Fetcher.Fetch(ctx, uri, version)
	if err != nil {
		return nil, &NotFoundError{URI: uri, Version: version, Err: err}
	}
	if max := r.cfg.limits().MaxBytes; int64(len(data)) > max {
		return nil, fmt.Errorf("%w: fetched list exceeds %d bytes", ErrLimit, max)
	}
	l, err := Parse(data, r.cfg)
	if err != nil {
		return nil, err
	}
	if l.CanonicalURI != uri || l.Version != version {
		return nil, fmt.Errorf("%w: asked for %s version %s, got %s version %s", ErrMismatch, quote(uri), quote(version), quote(l.CanonicalURI), quote(l.Version))
	}
	return l, nil
}

// failedBefore returns the remembered error of an earlier failed fetch of
// k, if it has not expired.
func (r *Registry) failedBefore(k key) error {
	r.mu.RLock()
	f, ok := r.failed[k]
	r.mu.RUnlock()
	if !ok || !r.cfg.now().Before(f.until) {
		return nil
	}
	return f.err
}

// rememberFailure records a failed fetch of k. Beyond MaxFetched
// remembered failures, expired ones go first, then the one that expires
// soonest.
func (r *Registry) rememberFailure(k key, err error) {
	now := r.cfg.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed == nil {
		r.failed = map[key]failure{}
	}
	if _, ok := r.failed[k]; !ok && len(r.failed) >= r.cfg.maxFetched() {
		var oldest key
		var first time.Time
		for fk, f := range r.failed {
			if !now.Before(f.until) {
				delete(r.failed, fk)
				continue
			}
			if first.IsZero() || f.until.Before(first) {
				oldest, first = fk, f.until
			}
		}
		if len(r.failed) >= r.cfg.maxFetched() {
			delete(r.failed, oldest)
		}
	}
	r.failed[k] = failure{err: err, until: now.Add(r.cfg.failureTTL())}
}

// addFetched registers a fetched list, evicting the least recently used
// fetched list when MaxFetched is reached. A list registered meanwhile
// (concurrent fetch or Add) wins.
func (r *Registry) addFetched(k key, l *List) *List {
	r.mu.Lock()
	defer r.mu.Unlock()
	if prev, ok := r.lists[k]; ok {
		return prev.list
	}
	if r.lists == nil {
		r.lists = map[key]*entry{}
	}
	if r.nfetched >= r.cfg.maxFetched() {
		var victim key
		var stamp uint64
		found := false
		for ek, e := range r.lists {
			if u := e.used.Load(); e.fetched && (!found || u < stamp) {
				victim, stamp, found = ek, u, true
			}
		}
		if found {
			delete(r.lists, victim)
			r.nfetched--
		}
	}
	e := &entry{list: l, fetched: true}
	e.used.Store(r.tick.Add(1))
	r.lists[k] = e
	r.nfetched++
	delete(r.failed, k)
	return l
}

// Versions returns the registered versions of the list uri, sorted.
func (r *Registry) Versions(uri string) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []string
	for k := range r.lists {
		if k.uri == uri {
			out = append(out, k.version)
		}
	}
	sort.Strings(out)
	return out
}

// URIs returns the canonical URIs of all registered lists, sorted.
func (r *Registry) URIs() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	set := map[string]bool{}
	for k := range r.lists {
		set[k.uri] = true
	}
	out := make([]string, 0, len(set))
	for u := range set {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}
