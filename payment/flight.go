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
// context ends. The leader gets fn's result itself; followers share one
// copy of it (callers clone before handing it out), made only when there
// are followers.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

type flight struct {
	done      chan struct{}
	val       *paytype.Transaction
	err       error
	followers int // guarded by flights.mu
}

// do runs fn as the leader for key, or waits for the running leader. led
// reports which.
func (g *flights) do(ctx context.Context, key string, fn func() (*paytype.Transaction, error)) (val *paytype.Transaction, err error, led bool) {
	g.mu.Lock()
	if g.m == nil {
		g.m = map[string]*flight{}
	}
	if f, ok := g.m[key]; ok {
		f.followers++
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
	var res *paytype.Transaction
	defer func() {
		g.mu.Lock()
		delete(g.m, key) // no follower joins after this
		followers := f.followers
		g.mu.Unlock()
		if followers > 0 {
			f.val = res.Clone() // nil-safe
		}
		close(f.done)
	}()
	res, f.err = fn()
	return res, f.err, true
}
