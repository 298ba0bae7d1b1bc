package pmpayment_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/payment/pmpayment"
)

// A signed notification claiming paid can reach the notify URL while
// pmPayment's status pull still says "in progress" (-1). pmPayment
// documents no resending of notifications (payment/paymenttest/SOURCES.md describes the
// form POST, the hash and the status pull, nothing about retries), so the
// Client must not rely on a second delivery: it records the verified claim
// (amount matched) before it pulls, acknowledges the notification (200)
// and applies the pull that later reports paid with that claim as its
// amount report. The claim never sets the state by itself.
func TestPushClaimAheadOfStatus(t *testing.T) {
	ctx := context.Background()
	type step func(t *testing.T, e *pmEnv)
	// push delivers k-1's notification with status "1" and the requested
	// amount: before changes it before signing with secret ("" = our
	// salt), after changes it after signing (a forgery). It checks the
	// answer.
	push := func(before func(*pmpayment.Notification), secret payprovider.Secret, after func(*pmpayment.Notification), code int) step {
		return func(t *testing.T, e *pmEnv) {
			n, err := e.sim.Notification("k-1")
			require.NoError(t, err)
			n.Status = "1"
			if before != nil {
				before(n)
			}
			if secret == "" {
				secret = "tenant-a-salt"
			}
			require.NoError(t, pmpayment.SignNotification(n, secret))
			if after != nil {
				after(n)
			}
			got, err := e.sim.Push(ctx, "k-1", n)
			require.NoError(t, err)
			assert.Equal(t, code, got, "notify answer")
		}
	}
	paid := push(nil, "", nil, http.StatusOK)
	replay := func(code int) step {
		return func(t *testing.T, e *pmEnv) {
			got, err := e.sim.Replay(ctx, "k-1")
			require.NoError(t, err)
			assert.Equal(t, code, got, "replay answer")
		}
	}
	status := func(s string) step {
		return func(t *testing.T, e *pmEnv) { require.NoError(t, e.sim.SetStatus("k-1", s)) }
	}
	sync := func(t *testing.T, e *pmEnv) {
		_, err := e.c.Sync(ctx, "k-1")
		require.NoError(t, err)
	}
	run := func(t *testing.T, e *pmEnv) {
		e.advance(time.Hour)
		_, err := e.c.ReconcileOnce(ctx)
		require.NoError(t, err)
	}
	expire := func(t *testing.T, e *pmEnv) {
		e.advance(25 * time.Hour)
		_, err := e.c.ReconcileOnce(ctx)
		require.NoError(t, err)
	}
	later := func(d time.Duration) step { return func(_ *testing.T, e *pmEnv) { e.advance(d) } }
	pullDown := func(_ *testing.T, e *pmEnv) { e.sim.FailNext(3, http.StatusServiceUnavailable) }
	stale := func(t *testing.T, e *pmEnv) {
		n, err := e.sim.Notification("k-1")
		require.NoError(t, err)
		n.Status = "1"
		require.NoError(t, pmpayment.SignNotification(n, "tenant-a-salt"))
		e.advance(4*time.Hour + time.Second)
		got, err := e.sim.Push(ctx, "k-1", n)
		require.NoError(t, err)
		assert.Equal(t, http.StatusBadRequest, got)
	}

	cases := []struct {
		name      string
		steps     []step
		want      paytype.Status
		changes   int
		anomalies []paystore.AnomalyKind
		claim     bool
		pulls     int // status pulls by the end; 0 = not checked
	}{
		// Refused claims: nothing recorded, the later paid pull still waits.
		{"claim with wrong amount, then status confirms", []step{push(func(n *pmpayment.Notification) { n.Amount = "4583" }, "", nil, http.StatusBadRequest), status("1"), sync},
			paytype.StatusInitial, 0, []paystore.AnomalyKind{paystore.AnomalyPushMismatch}, false, 1},
		{"claim with zero amount", []step{push(func(n *pmpayment.Notification) { n.Amount = "0" }, "", nil, http.StatusBadRequest), status("1"), sync},
			paytype.StatusInitial, 0, []paystore.AnomalyKind{paystore.AnomalyPushMismatch}, false, 0},
		{"forged signature, then status confirms", []step{push(nil, "", func(n *pmpayment.Notification) { n.Hash = strings.Repeat("0", 64) }, http.StatusBadRequest), status("1"), sync},
			paytype.StatusInitial, 0, nil, false, 1},
		{"amount changed after signing", []step{push(nil, "", func(n *pmpayment.Notification) { n.Amount = "1" }, http.StatusBadRequest), status("1"), sync},
			paytype.StatusInitial, 0, nil, false, 1},
		{"signed with another key", []step{push(nil, "attacker-salt", nil, http.StatusBadRequest), status("1"), sync},
			paytype.StatusInitial, 0, nil, false, 1},
		{"claim of another tenant", []step{push(func(n *pmpayment.Notification) { n.AGS = "05315000" }, "", nil, http.StatusBadRequest), status("1"), sync},
			paytype.StatusInitial, 0, nil, false, 1},
		{"claim outside the tolerance window", []step{stale, status("1"), sync},
			paytype.StatusInitial, 0, nil, false, 1},
		{"claim for unknown transaction", []step{push(func(n *pmpayment.Notification) { n.TxID = "k-unknown" }, "", nil, http.StatusNotFound), status("1"), sync},
			paytype.StatusInitial, 0, nil, false, 1},
		{"claim of failure ahead of the pull is no paid claim", []step{push(func(n *pmpayment.Notification) { n.Status = "0" }, "", nil, http.StatusOK), status("1"), sync},
			paytype.StatusInitial, 0, nil, false, 0},
		{"claim ahead, status never confirms: expiry names the claim", []step{paid, sync, expire},
			paytype.StatusInitial, 0, []paystore.AnomalyKind{paystore.AnomalyExpired}, true, 0},
		{"claim ahead, payment service then reports failed", []step{paid, status("0"), sync},
			paytype.StatusFailed, 1, []paystore.AnomalyKind{paystore.AnomalyPushMismatch}, true, 0},
		{"claim ahead, replayed while pending: no second pull", []step{paid, replay(http.StatusOK), replay(http.StatusOK)},
			paytype.StatusInitial, 0, nil, true, 1},
		// Accepted claims.
		{"claim before status confirms, then Sync confirms", []step{paid, sync, status("1"), sync},
			paytype.StatusPaid, 1, nil, true, 3},
		{"claim before status confirms, then Run confirms", []step{paid, status("1"), run},
			paytype.StatusPaid, 1, nil, true, 2},
		{"claim ahead while the pull fails (503), then status confirms", []step{pullDown, push(nil, "", nil, http.StatusServiceUnavailable), status("1"), sync},
			paytype.StatusPaid, 1, nil, true, 0},
		{"claim ahead, replayed, then status confirms", []step{paid, replay(http.StatusOK), status("1"), sync},
			paytype.StatusPaid, 1, nil, true, 2},
		{"duplicate notification after applied", []step{status("1"), paid, replay(http.StatusOK), later(time.Minute), replay(http.StatusOK)},
			paytype.StatusPaid, 1, nil, true, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newPMEnv(t, nil)
			_, err := e.c.Create(ctx, pmRequest("k-1"))
			require.NoError(t, err)
			for _, s := range tc.steps {
				s(t, e)
			}
			got, err := e.c.Get(ctx, "k-1")
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Status)
			assert.Equal(t, tc.changes, e.changeCount())
			an, err := e.c.Anomalies(ctx, "k-1")
			require.NoError(t, err)
			kinds := make([]paystore.AnomalyKind, 0, len(an))
			for _, a := range an {
				kinds = append(kinds, a.Kind)
				if a.Kind == paystore.AnomalyExpired {
					assert.Contains(t, a.Detail, "verified push claimed PAYED")
				}
			}
			assert.ElementsMatch(t, tc.anomalies, kinds)
			_, err = e.c.Store().Claim(ctx, "k-1")
			if tc.claim {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, paystore.ErrNotFound)
			}
			_, err = e.c.Store().Claim(ctx, "k-unknown")
			require.ErrorIs(t, err, paystore.ErrNotFound)
			if tc.pulls > 0 {
				assert.Equal(t, tc.pulls, e.sim.Calls("status"), "status pulls")
			}
		})
	}
}
