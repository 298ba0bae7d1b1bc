package sqlstore_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/sqlstore"
	"github.com/egosaar/ozg/payment/xbezahldienste"
)

// Environment of the child processes of TestTwoProcessesOneCreatePostgres.
const (
	childDSN     = "OZG_PAYMENT_CHILD_DSN"
	childBaseURL = "OZG_PAYMENT_CHILD_BASE_URL"
	childBarrier = "OZG_PAYMENT_CHILD_BARRIER"
)

// Two instances in separate processes share one PostgreSQL store and
// create the same payment at the same moment against one XBezahldienste
// simulator: exactly one POST reaches the Bezahldienst, both processes
// get the same transaction, and no outcome-unknown anomaly is recorded.
// Without the store's create lease the second process POSTs as well, gets
// PAYMENT_EXISTS and cannot recover (the simulator assigns its own
// transaction IDs).
func TestTwoProcessesOneCreatePostgres(t *testing.T) {
	if dsn := os.Getenv(childDSN); dsn != "" {
		childCreate(t, dsn)
		return
	}
	dsn := testenv.PostgresDatabase(t)
	ctx := context.Background()
	pool, err := database.OpenPostgres(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	store, err := sqlstore.NewPostgres(ctx, pool) // migrated once, before the children start
	require.NoError(t, err)

	sim := paymenttest.NewXBezahldienste(paymenttest.XConfig{})
	t.Cleanup(sim.Close)
	// Keep the first POST in flight long enough for the other process to
	// arrive while it runs (the barrier below starts both together).
	sim.Delay(300 * time.Millisecond)

	barrier := t.TempDir()
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for i := 0; i < 2; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTwoProcessesOneCreatePostgres$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), childDSN+"="+dsn, childBaseURL+"="+sim.URL, childBarrier+"="+barrier)
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		require.NoError(t, cmd.Start())
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	var txids []string
	for i, cmd := range cmds {
		err := cmd.Wait()
		require.NoError(t, err, "child %d:\n%s", i, outs[i].String())
		for _, line := range strings.Split(outs[i].String(), "\n") {
			if id, ok := strings.CutPrefix(strings.TrimSpace(line), "CHILD-TX "); ok {
				txids = append(txids, id)
			}
		}
	}
	require.Len(t, txids, 2)
	assert.Equal(t, txids[0], txids[1], "both processes see the same transaction")
	assert.Equal(t, 1, sim.Calls("create"), "exactly one POST for one create")
	an, err := store.Anomalies(ctx, "k-proc")
	require.NoError(t, err)
	assert.Empty(t, an)
}

func childCreate(t *testing.T, dsn string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := database.OpenPostgres(ctx, dsn)
	require.NoError(t, err)
	defer pool.Close()
	store, err := sqlstore.NewPostgres(ctx, pool)
	require.NoError(t, err)
	p, err := xbezahldienste.New(xbezahldienste.Config{BaseURL: os.Getenv(childBaseURL), OriginatorID: "onlinedienst", EndpointID: "09162000", InsecureDevelopment: true})
	require.NoError(t, err)
	c, err := payment.New(payment.Config{Provider: p, Store: store, Logger: slog.New(slog.DiscardHandler), CreateLeasePoll: 20 * time.Millisecond})
	require.NoError(t, err)

	// Barrier: announce readiness, then wait until both children are ready.
	dir := os.Getenv(childBarrier)
	require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("ready-%d", os.Getpid())), nil, 0o600))
	for {
		m, _ := filepath.Glob(filepath.Join(dir, "ready-*"))
		if len(m) >= 2 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("the other child never got ready")
		case <-time.After(5 * time.Millisecond):
		}
	}
	tx, err := c.Create(ctx, paymenttest.ValidRequest("k-proc"))
	require.NoError(t, err)
	fmt.Printf("CHILD-TX %s\n", tx.TransactionID)
}
