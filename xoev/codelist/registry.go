package codelist

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"sync"

	"github.com/egosaar/ozg/internal/xmlsafe"
)

// Default limits for one genericode document. The largest published XÖV
// lists (municipality keys, AGS) are about 3.2 MB.
const (
	DefaultMaxBytes    = 16 << 20
	DefaultMaxDepth    = 32
	DefaultMaxElements = 1_000_000
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
}

// Validate reports negative limits.
func (c Config) Validate() error {
	if c.MaxBytes < 0 || c.MaxDepth < 0 || c.MaxElements < 0 {
		return errors.New("codelist: limits must not be negative")
	}
	return nil
}

func (c Config) limits() xmlsafe.Limits {
	l := xmlsafe.Limits{MaxBytes: c.MaxBytes, MaxDepth: c.MaxDepth, MaxElements: c.MaxElements}
	if l.MaxBytes == 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth == 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxElements == 0 {
		l.MaxElements = DefaultMaxElements
	}
	return l
}

type key struct{ uri, version string }

// Registry holds code lists by canonical URI and version; several versions
// of one list live side by side. It is safe for concurrent use. The zero
// value is an empty registry without fetcher and with default limits.
type Registry struct {
	cfg   Config
	mu    sync.RWMutex
	lists map[key]*List
}

// New returns an empty Registry.
func New(cfg Config) (*Registry, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Registry{cfg: cfg, lists: map[key]*List{}}, nil
}

// Add registers l. A list with the same URI and version yields
// ErrDuplicate and leaves the registry unchanged.
func (r *Registry) Add(l *List) error {
	if l == nil {
		return errors.New("codelist: nil list")
	}
	k := key{l.CanonicalURI, l.Version}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lists == nil {
		r.lists = map[key]*List{}
	}
	if _, ok := r.lists[k]; ok {
		return fmt.Errorf("%w: %s version %q", ErrDuplicate, l.CanonicalURI, l.Version)
	}
	r.lists[k] = l
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
			return 0, fmt.Errorf("%w: %s and %s both hold %s version %q", ErrDuplicate, prev, name, l.CanonicalURI, l.Version)
		}
		seen[k] = name
		parsed = append(parsed, l)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lists == nil {
		r.lists = map[key]*List{}
	}
	for _, l := range parsed {
		if _, ok := r.lists[key{l.CanonicalURI, l.Version}]; ok {
			return 0, fmt.Errorf("%w: %s version %q", ErrDuplicate, l.CanonicalURI, l.Version)
		}
	}
	for _, l := range parsed {
		r.lists[key{l.CanonicalURI, l.Version}] = l
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
	defer r.mu.RUnlock()
	l, ok := r.lists[key{uri, version}]
	return l, ok
}

// Get returns the list with the given URI and version. If it is not
// registered and a Fetcher is configured, the list is fetched, checked
// (its CanonicalUri and Version must match the request, else ErrMismatch)
// and registered. Otherwise the error wraps ErrNotFound.
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
	data, err := r.cfg.Fetcher.Fetch(ctx, uri, version)
	if err != nil {
		return nil, &NotFoundError{URI: uri, Version: version, Err: err}
	}
	if int64(len(data)) > r.cfg.limits().MaxBytes {
		return nil, fmt.Errorf("%w: fetched list exceeds %d bytes", ErrLimit, r.cfg.limits().MaxBytes)
	}
	l, err := Parse(data, r.cfg)
	if err != nil {
		return nil, err
	}
	if l.CanonicalURI != uri || l.Version != version {
		return nil, fmt.Errorf("%w: asked for %s version %q, got %s version %q", ErrMismatch, uri, version, l.CanonicalURI, l.Version)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if prev, ok := r.lists[key{uri, version}]; ok {
		return prev, nil // fetched concurrently
	}
	if r.lists == nil {
		r.lists = map[key]*List{}
	}
	r.lists[key{uri, version}] = l
	return l, nil
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
