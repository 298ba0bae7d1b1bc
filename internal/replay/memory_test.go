package replay

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func at(ns int64) time.Time { return time.Unix(0, ns) }

func TestMemoryQueue(t *testing.T) {
	t.Parallel()
	const window = 1000
	m := New(5000, Refuse)
	for i := range 3000 {
		require.NoError(t, m.Add(strconv.Itoa(i), at(int64(i)), at(int64(i)+window)))
	}
	// At 3000+window, entries 0..2000 have expired (expiry < now).
	now := at(2000 + window + 1)
	for i := 0; i < 3000; i += 97 {
		err := m.Add(strconv.Itoa(i), now, now.Add(window))
		if i <= 2000 {
			require.NoError(t, err, "key %d: expired entry still remembered", i)
		} else {
			require.ErrorIs(t, err, ErrReplay, "key %d: live entry forgotten", i)
		}
	}
	assert.Equal(t, 3000-2001+2001/97+1, m.Len(), "expired keys pruned, re-added ones counted once")
}

// Clock set back: a later entry expires before an earlier one, and is
// forgotten at its own expiry, neither earlier nor later.
func TestMemoryClockBack(t *testing.T) {
	t.Parallel()
	b := New(10, Refuse)
	require.NoError(t, b.Add("k1", at(100), at(200)))
	require.NoError(t, b.Add("k2", at(50), at(150)))
	require.ErrorIs(t, b.Add("k2", at(150), at(250)), ErrReplay, "k2 at its expiry instant")
	require.NoError(t, b.Add("k2", at(160), at(260)), "k2 after its expiry")
	require.ErrorIs(t, b.Add("k1", at(160), at(260)), ErrReplay, "k1 before its expiry")
	require.NoError(t, b.Add("k3", at(201), at(301)))
	require.ErrorIs(t, b.Add("k2", at(255), at(355)), ErrReplay, "k2's second life lasts to 260")
	require.Equal(t, 2, b.Len(), "k2 and k3 remain")
}

func TestMemorySeen(t *testing.T) {
	t.Parallel()
	m := New(10, Refuse)
	assert.False(t, m.Seen("a", at(0)), "never added")
	require.NoError(t, m.Add("a", at(0), at(100)))
	assert.True(t, m.Seen("a", at(50)))
	assert.True(t, m.Seen("a", at(100)), "a replay up to and including its expiry")
	assert.False(t, m.Seen("a", at(101)), "expired")
	assert.False(t, m.Seen("b", at(50)), "other key")
}

func TestMemoryFullRefuses(t *testing.T) {
	t.Parallel()
	m := New(3, Refuse)
	for _, k := range []string{"a", "b", "c"} {
		require.NoError(t, m.Add(k, at(0), at(100)))
	}
	require.ErrorIs(t, m.Add("d", at(10), at(110)), ErrFull)
	assert.False(t, m.Seen("d", at(10)), "a refused key is not recorded")
	require.ErrorIs(t, m.Add("a", at(10), at(110)), ErrReplay, "a full memory still recognises its keys")
	for _, k := range []string{"a", "b", "c"} {
		assert.True(t, m.Seen(k, at(10)), "no key forgotten to make room: %s", k)
	}
	require.NoError(t, m.Add("d", at(101), at(201)), "room again once the others expired")
	assert.Equal(t, 1, m.Len())
}

func TestMemoryFullEvictsFirstExpiring(t *testing.T) {
	t.Parallel()
	m := New(3, EvictFirstExpiring)
	for i, k := range []string{"a", "b", "c"} {
		require.NoError(t, m.Add(k, at(int64(i)), at(int64(i)+100)))
	}
	require.NoError(t, m.Add("d", at(10), at(110)))
	assert.Equal(t, 3, m.Len(), "never above the maximum")
	assert.False(t, m.Seen("a", at(10)), "the key expiring first made room")
	for _, k := range []string{"b", "c", "d"} {
		assert.True(t, m.Seen(k, at(10)), k)
	}
}

// With different windows, the key that expires first goes, not the one
// added first.
func TestMemoryEvictByExpiry(t *testing.T) {
	t.Parallel()
	m := New(3, EvictFirstExpiring)
	require.NoError(t, m.Add("long", at(0), at(300)))
	require.NoError(t, m.Add("short", at(1), at(50)))
	require.NoError(t, m.Add("mid", at(2), at(200)))
	require.NoError(t, m.Add("new", at(3), at(103)))
	assert.False(t, m.Seen("short", at(3)), "short expired first")
	for _, k := range []string{"long", "mid", "new"} {
		assert.True(t, m.Seen(k, at(3)), k)
	}
	assert.Equal(t, 3, m.Len())
}

func TestMemoryBoundUnderLoad(t *testing.T) {
	t.Parallel()
	m := New(100, EvictFirstExpiring)
	for i := range 10_000 {
		require.NoError(t, m.Add(strconv.Itoa(i), at(int64(i)), at(int64(i)+1_000_000)))
		require.LessOrEqual(t, m.Len(), 100)
	}
	assert.True(t, m.Seen("9999", at(10_000)))
	assert.False(t, m.Seen("9899", at(10_000)), "the 101st newest key was evicted")
}
