package jose

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestReplayMemoryQueue(t *testing.T) {
	t.Parallel()
	at := func(ns int64) time.Time { return time.Unix(0, ns) }
	const window = 1000
	m := newReplayMemory(5000)
	for i := range 3000 {
		require.NoError(t, m.add(strconv.Itoa(i), at(int64(i)), at(int64(i)+window)))
	}
	// At 3000+window, entries 0..2000 have expired (expiry < now).
	now := at(2000 + window + 1)
	for i := 0; i < 3000; i += 97 {
		err := m.add(strconv.Itoa(i), now, now.Add(window))
		if i <= 2000 {
			require.NoError(t, err, "key %d: expired entry still remembered", i)
		} else {
			require.ErrorIs(t, err, ErrReplay, "key %d: live entry forgotten", i)
		}
	}
	require.False(t, m.head > 1024 && m.head > len(m.queue)-m.head, "queue compacted")

	// Clock set back: a later entry expires before an earlier one. It is
	// pruned late, never early, and lookups compare its expiry.
	b := newReplayMemory(10)
	require.NoError(t, b.add("k1", at(100), at(200)))
	require.NoError(t, b.add("k2", at(50), at(150)))
	require.ErrorIs(t, b.add("k2", at(150), at(250)), ErrReplay, "k2 at its expiry instant")
	require.NoError(t, b.add("k2", at(160), at(260)), "k2 after its expiry")
	require.ErrorIs(t, b.add("k1", at(160), at(260)), ErrReplay, "k1 before its expiry")
	// k2's first queue entry (150) must not delete its second life (260).
	require.NoError(t, b.add("k3", at(201), at(301)))
	require.ErrorIs(t, b.add("k2", at(255), at(355)), ErrReplay, "k2 forgotten by its stale queue entry")
	require.Equal(t, 2, b.len(), "k2 and k3 remain")
}
