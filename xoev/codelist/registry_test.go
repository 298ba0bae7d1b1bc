package codelist_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev/codelist"
	"github.com/egosaar/ozg/xoev/xoevtest"
)

// clock is a settable fake clock for FailureTTL.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: xoevtest.Now} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

const (
	xbau30File = "urn_xoev-de_xbau-kernmodul_codeliste_xbau-kernmodul-nachrichten_3.0.xml"
	kernURI    = "urn:xoev-de:xbau-kernmodul:codeliste:xbau-kernmodul-nachrichten"
	err3File   = "urn_de_xoev_codeliste_erreichbarkeit_3.xml"
	err4File   = "urn_de_xoev_codeliste_erreichbarkeit_4.xml"
)

// A failed fetch is remembered for FailureTTL, whatever made it fail; a
// cancelled caller is not remembered.
func TestGetRemembersFailures(t *testing.T) {
	good := read(t, xbauFile)
	tests := []struct {
		name    string
		fetcher *xoevtest.Fetcher
		cfg     codelist.Config
		kind    error // nil: success, fetched once and cached
	}{
		{name: "success is cached", fetcher: &xoevtest.Fetcher{Lists: map[string][]byte{xbauURI + "|4.0": good}}},
		{name: "fetcher error", fetcher: &xoevtest.Fetcher{Fail: true}, kind: xoevtest.ErrFetch},
		{name: "list not in repository", fetcher: &xoevtest.Fetcher{}, kind: codelist.ErrNotFound},
		{name: "substituted list", fetcher: &xoevtest.Fetcher{Substitute: read(t, err4File)}, kind: codelist.ErrMismatch},
		{name: "hostile document", fetcher: &xoevtest.Fetcher{Substitute: xoevtest.BillionLaughs()}, kind: codelist.ErrInvalid},
		{name: "oversized document", fetcher: &xoevtest.Fetcher{Substitute: good}, cfg: codelist.Config{MaxBytes: 1000}, kind: codelist.ErrLimit},
		{name: "too many attributes", fetcher: &xoevtest.Fetcher{Substitute: good}, cfg: codelist.Config{MaxAttributes: 1}, kind: codelist.ErrLimit},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			cfg := tt.cfg
			cfg.Fetcher, cfg.Now, cfg.FailureTTL = tt.fetcher, clk.Now, time.Minute
			r, err := codelist.New(cfg)
			require.NoError(t, err)
			for i := 0; i < 3; i++ {
				_, err = r.Get(ctx, xbauURI, "4.0")
				if tt.kind == nil {
					require.NoError(t, err)
				} else {
					require.ErrorIs(t, err, tt.kind)
				}
			}
			assert.Equal(t, 1, tt.fetcher.Calls, "asked again within the TTL")
			clk.Advance(time.Minute)
			_, _ = r.Get(ctx, xbauURI, "4.0")
			want := 2
			if tt.kind == nil {
				want = 1 // fetched lists do not expire
			}
			assert.Equal(t, want, tt.fetcher.Calls, "after the TTL")
		})
	}
}

func TestGetDoesNotRememberCancellation(t *testing.T) {
	f := &xoevtest.Fetcher{Delay: time.Hour, Lists: map[string][]byte{xbauURI + "|4.0": read(t, xbauFile)}}
	r, err := codelist.New(codelist.Config{Fetcher: f})
	require.NoError(t, err)
	cctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	_, err = r.Get(cctx, xbauURI, "4.0")
	require.ErrorIs(t, err, context.DeadlineExceeded)

	f2 := &xoevtest.Fetcher{Lists: f.Lists}
	r2, err := codelist.New(codelist.Config{Fetcher: f2})
	require.NoError(t, err)
	cctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	_, err = r2.Get(cctx2, xbauURI, "4.0")
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 0, f2.Calls, "cancelled before asking")
	_, err = r2.Get(context.Background(), xbauURI, "4.0")
	require.NoError(t, err)
	assert.Equal(t, 1, f2.Calls)
}

func TestGetRefusesLongIdentifiers(t *testing.T) {
	long := strings.Repeat("A", 4*codelist.MaxIdentifierLen)
	tests := []struct{ name, uri, version string }{
		{"just too long", xbauURI, strings.Repeat("1", codelist.MaxIdentifierLen+1)},
		{"long version", xbauURI, long},
		{"long uri", "urn:" + long, "1"},
		{"both long", long, long},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &xoevtest.Fetcher{}
			r, err := codelist.New(codelist.Config{Fetcher: f})
			require.NoError(t, err)
			_, err = r.Get(context.Background(), tt.uri, tt.version)
			require.ErrorIs(t, err, codelist.ErrLimit)
			require.ErrorIs(t, err, codelist.ErrNotFound)
			assert.Equal(t, 0, f.Calls)
			assert.Less(t, len(err.Error()), 300, "error quotes the identifier unbounded")
		})
	}
	// Without a fetcher the request is a plain miss, and the message
	// quotes a bounded prefix of the identifiers.
	r, _ := codelist.New(codelist.Config{})
	_, err := r.Get(context.Background(), "urn:"+strings.Repeat("u", 10_000), strings.Repeat("v", 10_000))
	require.ErrorIs(t, err, codelist.ErrNotFound)
	var nf *codelist.NotFoundError
	require.ErrorAs(t, err, &nf)
	assert.Len(t, nf.Version, 10_000, "the field keeps the full value")
	assert.Less(t, len(err.Error()), 250)
}

// Fetched lists are capped at MaxFetched; the least recently used one is
// evicted, registered lists never are.
func TestFetchedListsAreBounded(t *testing.T) {
	f := &xoevtest.Fetcher{Lists: map[string][]byte{
		xbauURI + "|4.0": read(t, xbauFile),
		kernURI + "|3.0": read(t, xbau30File),
		errURI + "|4":    read(t, err4File),
	}}
	r, err := codelist.New(codelist.Config{Fetcher: f, MaxFetched: 2})
	require.NoError(t, err)
	_, err = r.AddBytes(read(t, err3File)) // registered, not fetched
	require.NoError(t, err)
	ctx := context.Background()
	get := func(uri, version string) {
		t.Helper()
		_, err := r.Get(ctx, uri, version)
		require.NoError(t, err)
	}
	get(xbauURI, "4.0")
	get(kernURI, "3.0")
	get(xbauURI, "4.0") // xbau is now the most recently used
	get(errURI, "4")    // evicts kern
	assert.Equal(t, 3, f.Calls)
	_, ok := r.Lookup(kernURI, "3.0")
	assert.False(t, ok, "least recently used fetched list evicted")
	_, ok = r.Lookup(xbauURI, "4.0")
	assert.True(t, ok)
	_, ok = r.Lookup(errURI, "3")
	assert.True(t, ok, "registered lists are never evicted")
	assert.Equal(t, []string{"3", "4"}, r.Versions(errURI))
	get(kernURI, "3.0") // fetched again; the Lookup above made xbau recent, so erreichbarkeit 4 goes
	assert.Equal(t, 4, f.Calls)
	_, ok = r.Lookup(errURI, "4")
	assert.False(t, ok)
	assert.Equal(t, []string{"3"}, r.Versions(errURI))
}

// Remembered failures are capped at MaxFetched too; the one that expires
// soonest goes first.
func TestRememberedFailuresAreBounded(t *testing.T) {
	clk := newClock()
	f := &xoevtest.Fetcher{Fail: true}
	r, err := codelist.New(codelist.Config{Fetcher: f, MaxFetched: 2, Now: clk.Now})
	require.NoError(t, err)
	ctx := context.Background()
	for _, v := range []string{"1", "2", "3"} { // "1" is forgotten when "3" fails
		_, err := r.Get(ctx, xbauURI, v)
		require.ErrorIs(t, err, xoevtest.ErrFetch)
		clk.Advance(time.Second)
	}
	require.Equal(t, 3, f.Calls)
	for _, v := range []string{"2", "3"} {
		_, err := r.Get(ctx, xbauURI, v)
		require.ErrorIs(t, err, xoevtest.ErrFetch)
	}
	assert.Equal(t, 3, f.Calls, "remembered")
	_, err = r.Get(ctx, xbauURI, "1")
	require.ErrorIs(t, err, xoevtest.ErrFetch)
	assert.Equal(t, 4, f.Calls, "forgotten, asked again")
}

// A list that failed and later succeeds is registered; its failure is
// forgotten.
func TestFailureThenSuccess(t *testing.T) {
	clk := newClock()
	f := &xoevtest.Fetcher{Fail: true, Lists: map[string][]byte{xbauURI + "|4.0": read(t, xbauFile)}}
	r, err := codelist.New(codelist.Config{Fetcher: f, Now: clk.Now})
	require.NoError(t, err)
	ctx := context.Background()
	_, err = r.Get(ctx, xbauURI, "4.0")
	require.ErrorIs(t, err, xoevtest.ErrFetch)
	f.Fail = false
	_, err = r.Get(ctx, xbauURI, "4.0")
	require.ErrorIs(t, err, xoevtest.ErrFetch, "still remembered")
	clk.Advance(codelist.DefaultFailureTTL)
	l, err := r.Get(ctx, xbauURI, "4.0")
	require.NoError(t, err)
	assert.Equal(t, "4.0", l.Version)
	assert.Equal(t, 2, f.Calls)
}

func TestConfigRefusesNegativeValues(t *testing.T) {
	for _, cfg := range []codelist.Config{
		{MaxBytes: -1}, {MaxDepth: -1}, {MaxElements: -1}, {MaxAttributes: -1},
		{MaxFetched: -1}, {FailureTTL: -time.Second},
	} {
		_, err := codelist.New(cfg)
		require.ErrorIs(t, err, codelist.ErrInvalidConfig, "%+v", cfg)
		assert.NotErrorIs(t, err, codelist.ErrNotFound)
	}
}

func TestNewInvalidConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []codelist.Config{{MaxBytes: -1}, {MaxDepth: -1}, {MaxElements: -1}, {MaxAttributes: -1}, {MaxFetched: -1}, {FailureTTL: -1}} {
		_, err := codelist.New(cfg)
		require.ErrorIs(t, err, codelist.ErrInvalidConfig)
	}
}
