package expiry

import (
	"container/heap"
	"time"
)

// Map is a map whose entries expire. The zero value is an empty Map. It
// is not safe for concurrent use: callers hold their own lock.
type Map[K comparable, V any] struct {
	m map[K]*entry[K, V]
	h entryHeap[K, V]
}

type entry[K comparable, V any] struct {
	key     K
	val     V
	expires time.Time
	index   int // position in the heap
}

// Len returns the number of entries, expired ones included until the
// next Prune.
func (x *Map[K, V]) Len() int { return len(x.m) }

// Get returns key's value and expiry, expired or not.
func (x *Map[K, V]) Get(key K) (v V, expires time.Time, ok bool) {
	e, ok := x.m[key]
	if !ok {
		return v, time.Time{}, false
	}
	return e.val, e.expires, true
}

// Set stores v under key until expires, replacing an entry of the same
// key.
func (x *Map[K, V]) Set(key K, v V, expires time.Time) {
	if e, ok := x.m[key]; ok {
		e.val, e.expires = v, expires
		heap.Fix(&x.h, e.index)
		return
	}
	if x.m == nil {
		x.m = map[K]*entry[K, V]{}
	}
	e := &entry[K, V]{key: key, val: v, expires: expires}
	x.m[key] = e
	heap.Push(&x.h, e)
}

// Delete removes key and reports whether it was there.
func (x *Map[K, V]) Delete(key K) bool {
	e, ok := x.m[key]
	if !ok {
		return false
	}
	heap.Remove(&x.h, e.index)
	delete(x.m, key)
	return true
}

// Prune removes every entry expired at now (expires ≤ now).
func (x *Map[K, V]) Prune(now time.Time) {
	for len(x.h) > 0 && !now.Before(x.h[0].expires) {
		x.PopFirst()
	}
	if len(x.h) == 0 && cap(x.h) > 1024 {
		// Give back the memory of a burst (maps never shrink).
		x.m, x.h = nil, nil
	}
}

// PopFirst removes the entry that expires first and reports whether there
// was one.
func (x *Map[K, V]) PopFirst() bool {
	if len(x.h) == 0 {
		return false
	}
	e := heap.Pop(&x.h).(*entry[K, V])
	delete(x.m, e.key)
	return true
}

// entryHeap implements heap.Interface ordered by expiry.
type entryHeap[K comparable, V any] []*entry[K, V]

func (h entryHeap[K, V]) Len() int           { return len(h) }
func (h entryHeap[K, V]) Less(i, j int) bool { return h[i].expires.Before(h[j].expires) }
func (h entryHeap[K, V]) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}

func (h *entryHeap[K, V]) Push(x any) {
	e := x.(*entry[K, V])
	e.index = len(*h)
	*h = append(*h, e)
}

func (h *entryHeap[K, V]) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}
