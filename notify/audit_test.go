package notify_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/signature/jose"
	"github.com/egosaar/ozg/signature/signaturetest"
)

func TestAuditSET(t *testing.T) {
	key, err := signaturetest.NewKey(signaturetest.RSA2048, false)
	require.NoError(t, err)
	signer, err := jose.NewSETSigner(jose.SETSignerConfig{Key: key, Issuer: "https://amt.example/notify"})
	require.NoError(t, err)
	e := newEnv(t, envOpts{noStart: true, cfg: notify.Config{Audit: notify.NewSETAuditSigner(signer)}})
	ctx := context.Background()

	// Rolled back: no audit record either.
	tx, err := e.db.BeginTx(ctx, nil)
	require.NoError(t, err)
	rolled, err := e.client.EnqueueTx(ctx, tx, testEvent("AU-0"))
	require.NoError(t, err)
	require.NoError(t, tx.Rollback())
	_, err = e.client.AuditToken(ctx, notify.ForTenant(""), rolled.EventID)
	require.ErrorIs(t, err, notify.ErrNotFound)

	out := e.enqueue(testEvent("AU-1"))
	tok, err := e.client.AuditToken(ctx, notify.ForTenant(""), out.EventID)
	require.NoError(t, err)
	v, err := jose.NewSETVerifier(jose.SETVerifierConfig{Key: key.Public(), Issuer: "https://amt.example/notify"})
	require.NoError(t, err)
	set, err := v.Verify(tok)
	require.NoError(t, err)
	assert.Equal(t, string(out.EventID), set.ID, "jti is the EventID")
	assert.Equal(t, "case:AU-1", set.TransactionID)
	assert.Equal(t, "application:AU-1", set.Subject, "sub names the application")
	raw, ok := set.Events[notify.AuditEventURIPrefix+"application.status.received"]
	require.True(t, ok)
	var p map[string]any
	require.NoError(t, json.Unmarshal(raw, &p))
	assert.Equal(t, "RECEIVED", p["status"])
	assert.NotContains(t, string(raw), "Saarbr", "no message texts or names in the audit record")

	// A duplicate enqueue adds no second record and keeps the token.
	e.enqueue(testEvent("AU-1"))
	tok2, err := e.client.AuditToken(ctx, notify.ForTenant(""), out.EventID)
	require.NoError(t, err)
	assert.Equal(t, tok, tok2)
}
