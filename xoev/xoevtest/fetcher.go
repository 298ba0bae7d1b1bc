package xoevtest

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrFetch is returned by Fetcher when Fail is set.
var ErrFetch = errors.New("xoevtest: injected fetch failure")

// Fetcher is an in-memory codelist.Fetcher (the XRepository stand-in).
// Lists maps "uri|version" to a genericode document. Faults: Fail returns
// ErrFetch, Delay waits (honouring ctx), Substitute answers every request
// with that document instead (a confused or hostile repository). Calls
// counts Fetch invocations. Safe for concurrent use.
type Fetcher struct {
	mu         sync.Mutex
	Lists      map[string][]byte
	Fail       bool
	Delay      time.Duration
	Substitute []byte
	Calls      int
}

// Fetch implements codelist.Fetcher.
func (f *Fetcher) Fetch(ctx context.Context, uri, version string) ([]byte, error) {
	f.mu.Lock()
	f.Calls++
	fail, delay, sub, doc := f.Fail, f.Delay, f.Substitute, f.Lists[uri+"|"+version]
	f.mu.Unlock()
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	switch {
	case fail:
		return nil, ErrFetch
	case sub != nil:
		return sub, nil
	case doc == nil:
		return nil, errors.New("xoevtest: list not in fetcher")
	}
	return doc, nil
}
