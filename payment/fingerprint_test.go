package payment_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// TestCreateWithStoredJSONFingerprint: a transaction stored by an earlier
// version carries the JSON form of the fingerprint. Repeating its Create
// returns it without a call; a different request under its key is still a
// conflict.
func TestCreateWithStoredJSONFingerprint(t *testing.T) {
	ctx := context.Background()
	store := paystore.NewMemoryStore()
	fake := paymenttest.NewFakeProvider()
	c, err := payment.New(payment.Config{Provider: fake, Store: store, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)

	req := paymenttest.ValidRequest("stored-before")
	js, err := json.Marshal(req)
	require.NoError(t, err)
	sum := sha256.Sum256(js)
	now := time.Now()
	_, inserted, err := store.Insert(ctx, &paytype.Transaction{
		RequestID: req.IdempotencyKey, Fingerprint: hex.EncodeToString(sum[:]), Request: *req.Clone(),
		RequestTimestamp: now, CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(time.Hour), NextCheckAt: now.Add(time.Minute),
	})
	require.NoError(t, err)
	require.True(t, inserted)
	_, err = store.Confirm(ctx, req.IdempotencyKey, paystore.Confirmation{TransactionID: "TX-OLD", At: now, NextCheckAt: now.Add(time.Minute)})
	require.NoError(t, err)

	got, err := c.Create(ctx, paymenttest.ValidRequest("stored-before"))
	require.NoError(t, err)
	assert.Equal(t, "TX-OLD", got.TransactionID)
	assert.Zero(t, fake.Creates())

	other := paymenttest.ValidRequest("stored-before")
	other.Description = "Bewohnerparkausweis Zone C, 12 Monate"
	_, err = c.Create(ctx, other)
	require.ErrorIs(t, err, payment.ErrIdempotencyConflict)
	assert.Zero(t, fake.Creates())
}
