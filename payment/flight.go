package payment

import (
	"context"
	"github.com/egosaar/ozg/payment/paytype"
	"sync"
)

// flights lets one caller per key run a create while later callers with
// the same key wait for its result or their own context. The leader runs
// the function in its own goroutine (no goroutine per call, unlike
// singleflight.DoChan), and a waiting follower can give up when its
// context ends.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

type flight struct {
	done chan struct{}
	val  *paytype.Transaction
	err  error
}

// do runs fn as the leader for key, or waits for the running leader. led
// reports which.
func (g *flights) do(ctx context.Context, key string, fn func() (*paytype.Transaction, error)) (val *paytype.Transaction, err error, led bool) {
	g.mu.Lock()
	if g.m == nil {
		g.m = map[string]*flight{}
	}
	if f, ok := g.m[key]; ok {
		g.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err(), false
		case <-f.done:
			return f.val, f.err, false
		}
	}
	f := &flight{done: make(chan struct{})}
	g.m[key] = f
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		delete(g.m, key)
		g.mu.Unlock()
		close(f.done)
	}()
	f.val, f.err = fn()
	return f.val, f.err, true
}
