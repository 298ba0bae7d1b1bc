package expiry

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func at(s int64) time.Time { return time.Unix(s, 0) }

func TestMapBasics(t *testing.T) {
	t.Parallel()
	var x Map[string, int]
	_, _, ok := x.Get("a")
	assert.False(t, ok, "zero value is empty")
	assert.False(t, x.Delete("a"))
	assert.False(t, x.PopFirst())
	x.Prune(at(0))

	x.Set("a", 1, at(30))
	x.Set("b", 2, at(10))
	x.Set("c", 3, at(20))
	v, exp, ok := x.Get("a")
	require.True(t, ok)
	assert.Equal(t, 1, v)
	assert.Equal(t, at(30), exp)

	x.Set("a", 4, at(5)) // replace: new value, earlier expiry
	assert.Equal(t, 3, x.Len())
	x.Prune(at(10))
	assert.Equal(t, 1, x.Len(), "expired at the expiry instant, in expiry order")
	v, _, ok = x.Get("c")
	require.True(t, ok)
	assert.Equal(t, 3, v)

	assert.True(t, x.Delete("c"))
	assert.Zero(t, x.Len())
}

func TestMapPopFirst(t *testing.T) {
	t.Parallel()
	var x Map[string, struct{}]
	x.Set("late", struct{}{}, at(300))
	x.Set("early", struct{}{}, at(100))
	x.Set("mid", struct{}{}, at(200))
	require.True(t, x.PopFirst())
	_, _, ok := x.Get("early")
	assert.False(t, ok, "the entry that expires first goes first")
	assert.Equal(t, 2, x.Len())
}

// Random operations against a plain map: Prune removes exactly the
// expired entries, whatever the order of inserts, updates and deletes.
func TestMapAgainstModel(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	var x Map[string, int]
	model := map[string]int64{}
	now := int64(0)
	for i := range 20_000 {
		k := strconv.Itoa(r.IntN(500))
		switch op := r.IntN(10); {
		case op < 6:
			exp := now + int64(r.IntN(100))
			x.Set(k, i, at(exp))
			model[k] = exp
		case op < 8:
			_, inModel := model[k]
			assert.Equal(t, inModel, x.Delete(k))
			delete(model, k)
		default:
			now += int64(r.IntN(20))
			x.Prune(at(now))
			for mk, exp := range model {
				if exp <= now {
					delete(model, mk)
				}
			}
		}
		require.Equal(t, len(model), x.Len())
	}
	var keys, want []string
	for k := range x.m {
		keys = append(keys, k)
	}
	for k := range model {
		want = append(want, k)
	}
	slices.Sort(keys)
	slices.Sort(want)
	assert.Equal(t, want, keys)
}

func TestMapGivesBackBurst(t *testing.T) {
	t.Parallel()
	var x Map[int, struct{}]
	for i := range 5000 {
		x.Set(i, struct{}{}, at(int64(i)))
	}
	x.Prune(at(5000))
	assert.Zero(t, x.Len())
	assert.Nil(t, x.h, "heap memory released")
	x.Set(1, struct{}{}, at(6000))
	assert.Equal(t, 1, x.Len(), "usable after the release")
}
