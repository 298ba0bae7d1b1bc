package payment_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
)

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	c := payment.Cursor{At: time.Date(2026, 3, 1, 10, 0, 0, 5, time.UTC), RequestID: "k-1_x", Seq: 7}
	got, ok, err := payment.DecodeCursor(payment.EncodeCursor(c))
	require.NoError(t, err)
	assert.True(t, ok)
	assert.True(t, c.At.Equal(got.At))
	assert.Equal(t, c.RequestID, got.RequestID)
	assert.Equal(t, c.Seq, got.Seq)
	_, ok, err = payment.DecodeCursor("")
	require.NoError(t, err)
	assert.False(t, ok)
	for _, bad := range []string{"!", "a b", "MTox", "MToyOg", "eDp5Omst", "MTotMTprLTE", string(make([]byte, 200))} {
		_, _, err := payment.DecodeCursor(bad)
		require.ErrorIs(t, err, payment.ErrInvalidRequest, "%q", bad)
	}
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(payment.EncodeCursor(payment.Cursor{At: time.Unix(1, 2), RequestID: "k-1", Seq: 3}))
	f.Add("")
	f.Add("!!!")
	f.Fuzz(func(t *testing.T, s string) {
		c, ok, err := payment.DecodeCursor(s)
		if err != nil || !ok {
			return
		}
		if c.Seq < 0 || payment.CheckID("cursor", c.RequestID) != nil {
			t.Fatalf("accepted a cursor outside its rules: %+v", c)
		}
		again, _, err := payment.DecodeCursor(payment.EncodeCursor(c))
		if err != nil || again.RequestID != c.RequestID || again.Seq != c.Seq || !again.At.Equal(c.At) {
			t.Fatalf("cursor does not round-trip: %+v", c)
		}
	})
}
