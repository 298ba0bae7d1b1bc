package paymenttest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// StoreConformance runs the shared Store test suite against stores made
// by newStore (one fresh, empty store per call). Every paystore.Store
// implementation must pass it. Its Tenancy cases try to cross from one
// tenant's view (Store.ForTenant) into another's.
func StoreConformance(t *testing.T, newStore func(t *testing.T) paystore.Store) {
	t.Helper()
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

	newTx := func(id string) *paytype.Transaction {
		req := ValidRequest(id)
		return &paytype.Transaction{
			RequestID: id, Fingerprint: req.Fingerprint(), Request: *req, RequestTimestamp: t0,
			CreatedAt: t0, UpdatedAt: t0, ExpiresAt: t0.Add(24 * time.Hour),
		}
	}
	confirm := func(t *testing.T, s paystore.Store, id, txid string, next time.Time) *paytype.Transaction {
		got, err := s.Confirm(ctx, id, paystore.Confirmation{TransactionID: txid, PayURL: "https://pay.example/" + txid, At: t0, NextCheckAt: next})
		require.NoError(t, err)
		return got
	}

	t.Run("InsertGetRoundTrip", func(t *testing.T) {
		s := newStore(t)
		in := newTx("req-1")
		in.Request.Items[0].Booking.Extra = map[string]string{"mandant": "0815"}
		got, inserted, err := s.Insert(ctx, in)
		require.NoError(t, err)
		assert.True(t, inserted)
		assert.Equal(t, in.Request, got.Request)
		assert.Equal(t, in.Fingerprint, got.Fingerprint)
		assert.True(t, in.RequestTimestamp.Equal(got.RequestTimestamp))
		assert.Equal(t, paytype.Status(""), got.Status)
		g2, err := s.Get(ctx, "req-1")
		require.NoError(t, err)
		assert.Equal(t, got.Request, g2.Request)
	})
	t.Run("InsertExistingReturnsStored", func(t *testing.T) {
		s := newStore(t)
		_, _, err := s.Insert(ctx, newTx("req-1"))
		require.NoError(t, err)
		other := newTx("req-1")
		other.Fingerprint = "different"
		got, inserted, err := s.Insert(ctx, other)
		require.NoError(t, err)
		assert.False(t, inserted)
		assert.NotEqual(t, "different", got.Fingerprint)
	})
	t.Run("InsertConcurrentOneWinner", func(t *testing.T) {
		s := newStore(t)
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, ins, err := s.Insert(ctx, newTx("req-c"))
				assert.NoError(t, err)
				if ins {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, int32(1), wins.Load())
	})
	t.Run("GetUnknown", func(t *testing.T) {
		s := newStore(t)
		_, err := s.Get(ctx, "nope")
		require.ErrorIs(t, err, paystore.ErrNotFound)
		_, err = s.GetByTransactionID(ctx, "nope")
		require.ErrorIs(t, err, paystore.ErrNotFound)
		_, err = s.GetByTransactionID(ctx, "")
		require.ErrorIs(t, err, paystore.ErrNotFound)
	})
	t.Run("ConfirmSetsInitialOnce", func(t *testing.T) {
		s := newStore(t)
		_, _, err := s.Insert(ctx, newTx("req-1"))
		require.NoError(t, err)
		got := confirm(t, s, "req-1", "TX1", t0.Add(time.Minute))
		assert.Equal(t, paytype.StatusInitial, got.Status)
		assert.Equal(t, "TX1", got.TransactionID)
		again, err := s.Confirm(ctx, "req-1", paystore.Confirmation{TransactionID: "TX-OTHER", At: t0})
		require.NoError(t, err)
		assert.Equal(t, "TX1", again.TransactionID, "a confirmed transaction is not overwritten")
		byTx, err := s.GetByTransactionID(ctx, "TX1")
		require.NoError(t, err)
		assert.Equal(t, "req-1", byTx.RequestID)
	})
	t.Run("ConfirmUnknown", func(t *testing.T) {
		s := newStore(t)
		_, err := s.Confirm(ctx, "nope", paystore.Confirmation{TransactionID: "TX", At: t0})
		require.ErrorIs(t, err, paystore.ErrNotFound)
	})
	t.Run("ConfirmDuplicateTransactionID", func(t *testing.T) {
		s := newStore(t)
		for _, id := range []string{"a", "b"} {
			_, _, err := s.Insert(ctx, newTx(id))
			require.NoError(t, err)
		}
		confirm(t, s, "a", "TX", t0)
		_, err := s.Confirm(ctx, "b", paystore.Confirmation{TransactionID: "TX", At: t0})
		require.ErrorIs(t, err, paystore.ErrConcurrentUpdate)
	})
	t.Run("TransitionLegal", func(t *testing.T) {
		for _, to := range []paytype.Status{paytype.StatusPaid, paytype.StatusCanceled, paytype.StatusFailed} {
			t.Run(string(to), func(t *testing.T) {
				s := newStore(t)
				_, _, err := s.Insert(ctx, newTx("r"))
				require.NoError(t, err)
				confirm(t, s, "r", "TX", t0)
				paid := t0.Add(time.Minute)
				got, err := s.Transition(ctx, "r", paytype.StatusInitial, to, paystore.Update{At: paid, PaymentMethod: "GIROPAY", PaidAt: paid, StatusDetail: "ok"})
				require.NoError(t, err)
				assert.Equal(t, to, got.Status)
				assert.True(t, got.PaidAt.Equal(paid))
				assert.Equal(t, "GIROPAY", got.PaymentMethod)
				assert.Empty(t, got.PayURL, "pay URL is dropped after completion")
			})
		}
	})
	t.Run("TransitionIllegalRefused", func(t *testing.T) {
		cases := [][2]paytype.Status{
			{paytype.StatusPaid, paytype.StatusFailed}, {paytype.StatusPaid, paytype.StatusInitial}, {paytype.StatusCanceled, paytype.StatusPaid},
			{paytype.StatusFailed, paytype.StatusPaid}, {paytype.StatusInitial, paytype.StatusInitial}, {paytype.StatusInitial, "REFUNDED"},
			{"", paytype.StatusPaid},
		}
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s->%s", c[0], c[1]), func(t *testing.T) {
				s := newStore(t)
				_, _, err := s.Insert(ctx, newTx("r"))
				require.NoError(t, err)
				confirm(t, s, "r", "TX", t0)
				_, err = s.Transition(ctx, "r", c[0], c[1], paystore.Update{At: t0})
				require.ErrorIs(t, err, paystore.ErrIllegalTransition)
				got, err := s.Get(ctx, "r")
				require.NoError(t, err)
				assert.Equal(t, paytype.StatusInitial, got.Status)
			})
		}
	})
	t.Run("TransitionStaleFrom", func(t *testing.T) {
		s := newStore(t)
		_, _, err := s.Insert(ctx, newTx("r"))
		require.NoError(t, err)
		confirm(t, s, "r", "TX", t0)
		_, err = s.Transition(ctx, "r", paytype.StatusInitial, paytype.StatusPaid, paystore.Update{At: t0})
		require.NoError(t, err)
		_, err = s.Transition(ctx, "r", paytype.StatusInitial, paytype.StatusFailed, paystore.Update{At: t0})
		require.ErrorIs(t, err, paystore.ErrConcurrentUpdate)
		got, err := s.Get(ctx, "r")
		require.NoError(t, err)
		assert.Equal(t, paytype.StatusPaid, got.Status, "a late FAILED never overwrites PAYED")
	})
	t.Run("TransitionUnknown", func(t *testing.T) {
		s := newStore(t)
		_, err := s.Transition(ctx, "nope", paytype.StatusInitial, paytype.StatusPaid, paystore.Update{At: t0})
		require.ErrorIs(t, err, paystore.ErrNotFound)
	})
	t.Run("TransitionConcurrentOneWinner", func(t *testing.T) {
		s := newStore(t)
		_, _, err := s.Insert(ctx, newTx("r"))
		require.NoError(t, err)
		confirm(t, s, "r", "TX", t0)
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			to := []paytype.Status{paytype.StatusPaid, paytype.StatusFailed, paytype.StatusCanceled}[i%3]
			go func() {
				defer wg.Done()
				_, err := s.Transition(ctx, "r", paytype.StatusInitial, to, paystore.Update{At: t0})
				if err == nil {
					wins.Add(1)
				} else {
					assert.ErrorIs(t, err, paystore.ErrConcurrentUpdate)
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, int32(1), wins.Load())
	})
	t.Run("DueOrderAndFilter", func(t *testing.T) {
		s := newStore(t)
		for i, id := range []string{"late", "early", "terminal", "unconfirmed", "future", "unscheduled"} {
			_, _, err := s.Insert(ctx, newTx(id))
			require.NoError(t, err)
			next := t0.Add(time.Duration(10-i) * time.Second)
			switch id {
			case "unconfirmed":
				require.NoError(t, s.Schedule(ctx, id, next, 0))
				continue
			case "future":
				next = t0.Add(time.Hour)
			case "unscheduled":
				next = time.Time{}
			}
			confirm(t, s, id, "TX-"+id, next)
		}
		_, err := s.Transition(ctx, "terminal", paytype.StatusInitial, paytype.StatusPaid, paystore.Update{At: t0})
		require.NoError(t, err)
		due, err := s.Due(ctx, t0.Add(time.Minute), 10)
		require.NoError(t, err)
		var ids []string
		for _, d := range due {
			ids = append(ids, d.RequestID)
		}
		assert.Equal(t, []string{"unconfirmed", "early", "late"}, ids)
		due, err = s.Due(ctx, t0.Add(time.Minute), 1)
		require.NoError(t, err)
		require.Len(t, due, 1)
		assert.Equal(t, "unconfirmed", due[0].RequestID)
	})
	t.Run("Schedule", func(t *testing.T) {
		s := newStore(t)
		_, _, err := s.Insert(ctx, newTx("r"))
		require.NoError(t, err)
		confirm(t, s, "r", "TX", t0)
		require.NoError(t, s.Schedule(ctx, "r", t0.Add(time.Hour), 3))
		got, err := s.Get(ctx, "r")
		require.NoError(t, err)
		assert.Equal(t, 3, got.CheckAttempts)
		assert.True(t, got.NextCheckAt.Equal(t0.Add(time.Hour)))
		require.NoError(t, s.Schedule(ctx, "r", time.Time{}, 4))
		due, err := s.Due(ctx, t0.Add(100*time.Hour), 10)
		require.NoError(t, err)
		assert.Empty(t, due)
		require.ErrorIs(t, s.Schedule(ctx, "nope", t0, 1), paystore.ErrNotFound)
	})
	t.Run("Anomalies", func(t *testing.T) {
		s := newStore(t)
		a, err := s.Anomalies(ctx, "r")
		require.NoError(t, err)
		assert.Empty(t, a)
		require.NoError(t, s.RecordAnomaly(ctx, paystore.Anomaly{RequestID: "r", Kind: paystore.AnomalyMismatch, Detail: "one", At: t0}))
		require.NoError(t, s.RecordAnomaly(ctx, paystore.Anomaly{RequestID: "r", Kind: paystore.AnomalyIllegalTransition, Detail: "two", At: t0.Add(time.Second)}))
		require.NoError(t, s.RecordAnomaly(ctx, paystore.Anomaly{RequestID: "other", Kind: paystore.AnomalyExpired, Detail: "x", At: t0}))
		a, err = s.Anomalies(ctx, "r")
		require.NoError(t, err)
		require.Len(t, a, 2)
		assert.Equal(t, paystore.AnomalyMismatch, a[0].Kind)
		assert.Equal(t, "two", a[1].Detail)
		assert.True(t, a[1].At.Equal(t0.Add(time.Second)))
	})
	t.Run("PushSeen", func(t *testing.T) {
		s := newStore(t)
		seen, err := s.PushSeen(ctx, "ev")
		require.NoError(t, err)
		assert.False(t, seen)
		first, err := s.MarkPushSeen(ctx, "ev", t0)
		require.NoError(t, err)
		assert.True(t, first)
		first, err = s.MarkPushSeen(ctx, "ev", t0)
		require.NoError(t, err)
		assert.False(t, first)
		seen, err = s.PushSeen(ctx, "ev")
		require.NoError(t, err)
		assert.True(t, seen)
	})
	t.Run("PushClaim", func(t *testing.T) {
		s := newStore(t)
		_, _, err := s.Insert(ctx, newTx("r"))
		require.NoError(t, err)
		_, err = s.Claim(ctx, "r")
		require.ErrorIs(t, err, paystore.ErrNotFound, "no claim yet")
		c := paystore.PushClaim{RequestID: "r", EventID: "ev-1", Status: paytype.StatusPaid, Amount: 4584, Currency: paytype.EUR, At: t0}
		first, err := s.RecordClaim(ctx, c)
		require.NoError(t, err)
		assert.True(t, first)
		later := c
		later.EventID, later.Amount, later.At = "ev-2", 1, t0.Add(time.Minute)
		first, err = s.RecordClaim(ctx, later)
		require.NoError(t, err)
		assert.False(t, first, "the first claim is kept")
		got, err := s.Claim(ctx, "r")
		require.NoError(t, err)
		assert.Equal(t, "ev-1", got.EventID)
		assert.Equal(t, paytype.StatusPaid, got.Status)
		assert.Equal(t, paytype.Amount(4584), got.Amount)
		assert.Equal(t, paytype.EUR, got.Currency)
		assert.True(t, got.At.Equal(t0))
		_, err = s.Claim(ctx, "other")
		require.ErrorIs(t, err, paystore.ErrNotFound, "claims are per transaction")
	})
	t.Run("CreateLease", func(t *testing.T) {
		s := newStore(t)
		_, _, err := s.Insert(ctx, newTx("r"))
		require.NoError(t, err)
		until := t0.Add(time.Minute)
		ok, err := s.LeaseCreate(ctx, "r", "A", t0, until)
		require.NoError(t, err)
		assert.True(t, ok, "free lease taken")
		ok, err = s.LeaseCreate(ctx, "r", "B", t0.Add(30*time.Second), t0.Add(90*time.Second))
		require.NoError(t, err)
		assert.False(t, ok, "held by A")
		ok, err = s.LeaseCreate(ctx, "r", "A", t0.Add(30*time.Second), t0.Add(90*time.Second))
		require.NoError(t, err)
		assert.True(t, ok, "the holder renews")
		ok, err = s.LeaseCreate(ctx, "r", "B", t0.Add(90*time.Second), t0.Add(3*time.Minute))
		require.NoError(t, err)
		assert.True(t, ok, "an expired lease is taken over")
		require.NoError(t, s.ReleaseCreate(ctx, "r", "A"), "releasing a lease one does not hold is a no-op")
		ok, err = s.LeaseCreate(ctx, "r", "C", t0.Add(100*time.Second), t0.Add(3*time.Minute))
		require.NoError(t, err)
		assert.False(t, ok, "A's release did not end B's lease")
		require.NoError(t, s.ReleaseCreate(ctx, "r", "B"))
		ok, err = s.LeaseCreate(ctx, "r", "C", t0.Add(100*time.Second), t0.Add(3*time.Minute))
		require.NoError(t, err)
		assert.True(t, ok, "released lease taken at once")
		confirm(t, s, "r", "TX", t0)
		ok, err = s.LeaseCreate(ctx, "r", "D", t0.Add(time.Hour), t0.Add(2*time.Hour))
		require.NoError(t, err)
		assert.False(t, ok, "a confirmed transaction has no create to send")
		_, err = s.LeaseCreate(ctx, "nope", "A", t0, until)
		require.ErrorIs(t, err, paystore.ErrNotFound)
	})
	t.Run("CreateLeaseConcurrentOneWinner", func(t *testing.T) {
		s := newStore(t)
		_, _, err := s.Insert(ctx, newTx("r"))
		require.NoError(t, err)
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := s.LeaseCreate(ctx, "r", fmt.Sprintf("owner-%d", i), t0, t0.Add(time.Minute))
				assert.NoError(t, err)
				if ok {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, int32(1), wins.Load())
	})
	t.Run("OperatorLists", func(t *testing.T) {
		s := newStore(t)
		// r0 … r4 created a minute apart; r1 and r2 confirmed, r2 then paid.
		for i := 0; i < 5; i++ {
			tx := newTx(fmt.Sprintf("r%d", i))
			tx.CreatedAt = t0.Add(time.Duration(i) * time.Minute)
			_, _, err := s.Insert(ctx, tx)
			require.NoError(t, err)
		}
		confirm(t, s, "r1", "TX1", t0)
		confirm(t, s, "r2", "TX2", t0)
		_, err := s.Transition(ctx, "r2", paytype.StatusInitial, paytype.StatusPaid, paystore.Update{At: t0})
		require.NoError(t, err)
		ids := func(p *paystore.TransactionPage) []string {
			var out []string
			for _, tx := range p.Transactions {
				out = append(out, tx.RequestID)
			}
			return out
		}
		var got []string
		f := paystore.ListFilter{Limit: 2}
		for pages := 0; ; pages++ {
			require.Less(t, pages, 5)
			p, err := s.ListOpen(ctx, f)
			require.NoError(t, err)
			got = append(got, ids(p)...)
			if p.Next == "" {
				break
			}
			f.Cursor = p.Next
		}
		assert.Equal(t, []string{"r0", "r1", "r3", "r4"}, got, "non-terminal only, oldest first, every one once")
		p, err := s.ListOpen(ctx, paystore.ListFilter{Statuses: []paytype.Status{paytype.StatusInitial}})
		require.NoError(t, err)
		assert.Equal(t, []string{"r1"}, ids(p))
		p, err = s.ListOpen(ctx, paystore.ListFilter{Statuses: []paytype.Status{""}, Before: t0.Add(3 * time.Minute)})
		require.NoError(t, err)
		assert.Equal(t, []string{"r0", "r3"}, ids(p), "older than the bound, unconfirmed")
		p, err = s.ListOpen(ctx, paystore.ListFilter{After: t0.Add(4 * time.Minute)})
		require.NoError(t, err)
		assert.Equal(t, []string{"r4"}, ids(p))

		for i, a := range []paystore.Anomaly{
			{RequestID: "r1", Kind: paystore.AnomalyMismatch, At: t0.Add(time.Minute)},
			{RequestID: "r0", Kind: paystore.AnomalyExpired, At: t0.Add(2 * time.Minute)},
			{RequestID: "r1", Kind: paystore.AnomalyMismatch, At: t0.Add(2 * time.Minute)},
			{RequestID: "r1", Kind: paystore.AnomalyRefused, At: t0.Add(2 * time.Minute)},
			{RequestID: "r3", Kind: paystore.AnomalyExpired, At: t0.Add(3 * time.Minute)},
		} {
			a.Detail = fmt.Sprintf("d%d", i)
			require.NoError(t, s.RecordAnomaly(ctx, a))
		}
		var details []string
		af := paystore.ListFilter{Limit: 2}
		for pages := 0; ; pages++ {
			require.Less(t, pages, 5)
			ap, err := s.ListAnomalies(ctx, af)
			require.NoError(t, err)
			for _, a := range ap.Anomalies {
				details = append(details, a.Detail)
			}
			if ap.Next == "" {
				break
			}
			af.Cursor = ap.Next
		}
		assert.Equal(t, []string{"d0", "d1", "d2", "d3", "d4"}, details, "by time, then transaction, then order of recording")
		ap, err := s.ListAnomalies(ctx, paystore.ListFilter{Kinds: []paystore.AnomalyKind{paystore.AnomalyExpired}, Before: t0.Add(2 * time.Minute)})
		require.NoError(t, err)
		require.Len(t, ap.Anomalies, 1)
		assert.Equal(t, "r0", ap.Anomalies[0].RequestID)
		assert.Equal(t, paystore.AnomalyExpired, ap.Anomalies[0].Kind)
		assert.True(t, ap.Anomalies[0].At.Equal(t0.Add(2*time.Minute)))

		for name, bad := range map[string]paystore.ListFilter{
			"limit over max":    {Limit: paystore.MaxPageSize + 1},
			"negative limit":    {Limit: -1},
			"garbage cursor":    {Cursor: "!!!"},
			"cursor bad id":     {Cursor: paystore.EncodeCursor(paystore.Cursor{RequestID: "a/b"})},
			"cursor not base64": {Cursor: "a b"},
			"terminal status":   {Statuses: []paytype.Status{paytype.StatusPaid}},
		} {
			_, err := s.ListOpen(ctx, bad)
			require.ErrorIs(t, err, paytype.ErrInvalidRequest, name)
			if name != "terminal status" {
				_, err = s.ListAnomalies(ctx, bad)
				require.ErrorIs(t, err, paytype.ErrInvalidRequest, name)
			}
		}
	})
	t.Run("ReturnedCopiesAreIsolated", func(t *testing.T) {
		s := newStore(t)
		got, _, err := s.Insert(ctx, newTx("r"))
		require.NoError(t, err)
		got.Request.Items[0].ID = "mutated"
		got.Status = paytype.StatusPaid
		again, err := s.Get(ctx, "r")
		require.NoError(t, err)
		assert.NotEqual(t, "mutated", again.Request.Items[0].ID)
		assert.Equal(t, paytype.Status(""), again.Status)
	})
	t.Run("InputNotRetained", func(t *testing.T) {
		s := newStore(t)
		in := newTx("r")
		in.Request.Items[0].Booking.Extra = map[string]string{"mandant": "0815"}
		in.Request.Requestor = &paytype.Requestor{Name: "Muster"}
		_, _, err := s.Insert(ctx, in)
		require.NoError(t, err)
		in.Request.Items[0].ID = "mutated"
		in.Request.Items[0].Booking.Extra["mandant"] = "mutated"
		in.Request.Requestor.Name = "mutated"
		in.Fingerprint = "mutated"
		again, err := s.Get(ctx, "r")
		require.NoError(t, err)
		assert.NotEqual(t, "mutated", again.Request.Items[0].ID)
		assert.Equal(t, "0815", again.Request.Items[0].Booking.Extra["mandant"])
		assert.NotEqual(t, "mutated", again.Request.Requestor.Name)
		assert.NotEqual(t, "mutated", again.Fingerprint)
	})
	t.Run("ConfirmAndGetCopiesAreIsolated", func(t *testing.T) {
		s := newStore(t)
		in := newTx("r")
		in.Request.Requestor = &paytype.Requestor{Name: "Muster"}
		_, _, err := s.Insert(ctx, in)
		require.NoError(t, err)
		for _, c := range []struct {
			name string
			get  func() *paytype.Transaction
		}{
			{"confirm", func() *paytype.Transaction { return confirm(t, s, "r", "TX-r", t0) }},
			{"get", func() *paytype.Transaction {
				got, err := s.Get(ctx, "r")
				require.NoError(t, err)
				return got
			}},
			{"get by transaction id", func() *paytype.Transaction {
				got, err := s.GetByTransactionID(ctx, "TX-r")
				require.NoError(t, err)
				return got
			}},
		} {
			name, got := c.name, c.get()
			got.Request.Items[0].ID = "mutated"
			got.Request.Requestor.Name = "mutated"
			got.Status = paytype.StatusPaid
			again, err := s.Get(ctx, "r")
			require.NoError(t, err, name)
			assert.NotEqual(t, "mutated", again.Request.Items[0].ID, name)
			assert.NotEqual(t, "mutated", again.Request.Requestor.Name, name)
			assert.Equal(t, paytype.StatusInitial, again.Status, name)
		}
	})
	t.Run("Tenancy", func(t *testing.T) { storeTenancy(t, newStore) })
	t.Run("CanceledContext", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := s.Get(cctx, "r")
		// In-memory stores may ignore ctx; SQL stores must report it.
		if err != nil && !errors.Is(err, paystore.ErrNotFound) {
			assert.ErrorIs(t, err, context.Canceled)
		}
	})
}
