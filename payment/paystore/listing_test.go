package paystore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	c := paystore.Cursor{At: time.Date(2026, 3, 1, 10, 0, 0, 5, time.UTC), RequestID: "k-1_x", Seq: 7}
	got, ok, err := paystore.DecodeCursor(paystore.EncodeCursor(c))
	require.NoError(t, err)
	assert.True(t, ok)
	assert.True(t, c.At.Equal(got.At))
	assert.Equal(t, c.RequestID, got.RequestID)
	assert.Equal(t, c.Seq, got.Seq)
	_, ok, err = paystore.DecodeCursor("")
	require.NoError(t, err)
	assert.False(t, ok)
	for _, bad := range []string{"!", "a b", "MTox", "MToyOg", "eDp5Omst", "MTotMTprLTE", string(make([]byte, 200))} {
		_, _, err := paystore.DecodeCursor(bad)
		require.ErrorIs(t, err, paytype.ErrInvalidRequest, "%q", bad)
	}
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(paystore.EncodeCursor(paystore.Cursor{At: time.Unix(1, 2), RequestID: "k-1", Seq: 3}))
	f.Add(paystore.EncodeCursor(paystore.Cursor{At: time.Unix(1, 2), Tenant: "100410100100", RequestID: "k-1", Seq: 3}))
	f.Add("")
	f.Add("!!!")
	f.Fuzz(func(t *testing.T, s string) {
		c, ok, err := paystore.DecodeCursor(s)
		if err != nil || !ok {
			return
		}
		if c.Seq < 0 || paytype.CheckID("cursor", c.RequestID) != nil || paystore.CheckTenant(c.Tenant) != nil {
			t.Fatalf("accepted a cursor outside its rules: %+v", c)
		}
		again, _, err := paystore.DecodeCursor(paystore.EncodeCursor(c))
		if err != nil || again.RequestID != c.RequestID || again.Tenant != c.Tenant || again.Seq != c.Seq || !again.At.Equal(c.At) {
			t.Fatalf("cursor does not round-trip: %+v", c)
		}
	})
}
