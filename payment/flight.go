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
	m  map[flightKey]*flight
}

// flightKey is an idempotency key and a request fingerprint (a struct
// rather than a concatenated string: no allocation per create).
type flightKey struct{ key, fingerprint string }

type flight struct {
	done      chan struct{}        // made by the first follower; guarded by flights.mu
	val       *paytype.Transaction // for followers, set before done is closed
	err       error
	followers int // guarded by flights.mu
}

// do runs fn as the leader for key, or waits for the running leader. led
// reports which.
func (g *flights) do(ctx context.Context, key flightKey, fn func() (*paytype.Transaction, error)) (val *paytype.Transaction, err error, led bool) {
	g.mu.Lock()
	if g.m == nil {
		g.m = map[flightKey]*flight{}
	}
	if f, ok := g.m[key]; ok {
		f.followers++
		if f.done == nil {
			f.done = make(chan struct{})
		}
		done := f.done
		g.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err(), false
		case <-done:
			return f.val, f.err, false
		}
	}
	// Most creates have no follower: the channel is made only when one
	// joins.
	f := &flight{}
	g.m[key] = f
	g.mu.Unlock()
	var res *paytype.Transaction
	var ferr error
	defer func() {
		g.mu.Lock()
		delete(g.m, key) // no follower joins after this
		done := f.done
		g.mu.Unlock()
		if done != nil {
			f.val, f.err = res.Clone(), ferr // nil-safe
			close(done)
		}
	}()
	res, ferr = fn()
	return res, ferr, true
}
