package paystore_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

func TestCheckTenant(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"", "100410100100", "kreis-saarlouis", "DE.SL_10", strings.Repeat("a", paystore.MaxTenantLength)} {
		require.NoError(t, paystore.CheckTenant(ok), "%q", ok)
	}
	for _, bad := range []string{"a:b", "a b", "ä", "a/b", "x\x00", "%", "'; DROP", strings.Repeat("a", paystore.MaxTenantLength+1)} {
		require.ErrorIs(t, paystore.CheckTenant(bad), paytype.ErrInvalidRequest, "%q", bad)
	}
}

// A cursor carries the tenant (one request ID may exist in several); a
// cursor of the version before tenancy continues tenant "".
func TestCursorTenant(t *testing.T) {
	t.Parallel()
	c := paystore.Cursor{At: time.Unix(5, 6).UTC(), Tenant: "100410100100", RequestID: "k-1", Seq: 2}
	got, ok, err := paystore.DecodeCursor(paystore.EncodeCursor(c))
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, c, got)
	old := base64.RawURLEncoding.EncodeToString([]byte("5000000006:2:k-1"))
	got, _, err = paystore.DecodeCursor(old)
	require.NoError(t, err)
	assert.Equal(t, paystore.Cursor{At: time.Unix(5, 6).UTC(), RequestID: "k-1", Seq: 2}, got)
	for _, bad := range []string{"5:2:a b:k-1", "5:2:ä:k-1", "5:2:t:k-1:x", "5:2:t:", "5:2::"} {
		_, _, err := paystore.DecodeCursor(base64.RawURLEncoding.EncodeToString([]byte(bad)))
		require.ErrorIs(t, err, paytype.ErrInvalidRequest, "%q", bad)
	}
	// Listing order: time, then tenant, then request ID, then sequence.
	assert.True(t, c.After(c.At, "100420113113", "a", 0))
	assert.False(t, c.After(c.At, "100400000000", "z", 9))
	assert.True(t, c.After(c.At, c.Tenant, "k-1", 3))
	assert.False(t, c.After(c.At, c.Tenant, "k-1", 2))
}

func TestScopeFilter(t *testing.T) {
	t.Parallel()
	for _, bad := range []paystore.ListFilter{{Tenant: "B"}, {AllTenants: true}, {AllTenants: true, Tenant: "A"}} {
		f := bad
		require.ErrorIs(t, paystore.ScopeFilter(&f, "A"), paystore.ErrForeignTenant, "%+v", bad)
	}
	for _, ok := range []paystore.ListFilter{{}, {Tenant: "A"}} {
		f := ok
		require.NoError(t, paystore.ScopeFilter(&f, "A"))
		assert.Equal(t, "A", f.Tenant)
	}
	f := paystore.ListFilter{Tenant: "A"}
	require.ErrorIs(t, paystore.ScopeFilter(&f, ""), paystore.ErrForeignTenant, "the single-tenant view names no other tenant")
}
