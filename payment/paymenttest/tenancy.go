package paymenttest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// Tenant keys of the tenancy conformance cases (official regional keys
// of two municipalities).
const (
	confTenantA = "100410100100" // Saarbrücken
	confTenantB = "100420113113" // Merzig
)

// tenancyWorld is a store holding tenant B's data, seen through A's and
// B's views and the store as opened (tenant "").
type tenancyWorld struct {
	root, a, b paystore.Store
}

// Tenant B's data: "shared" and the transaction ID TX00000001 exist in A
// and B (two Bezahldienst accounts numbering alike); "b-only" (confirmed,
// due, with an anomaly, a claim) and "b-open" (unconfirmed, leased by
// "b-owner") exist in B only; push event "ev-b" was seen in B.
func seedTenancy(t *testing.T, s paystore.Store, t0 time.Time) *tenancyWorld {
	ctx := context.Background()
	w := &tenancyWorld{root: s, a: s.ForTenant(confTenantA), b: s.ForTenant(confTenantB)}
	insert := func(v paystore.Store, id string) {
		req := ValidRequest(id)
		_, ins, err := v.Insert(ctx, &paytype.Transaction{RequestID: id, Fingerprint: req.Fingerprint(), Request: *req,
			RequestTimestamp: t0, CreatedAt: t0, UpdatedAt: t0, ExpiresAt: t0.Add(24 * time.Hour), NextCheckAt: t0})
		require.NoError(t, err)
		require.True(t, ins, "%s inserted", id)
	}
	confirm := func(v paystore.Store, id, txid string) {
		_, err := v.Confirm(ctx, id, paystore.Confirmation{TransactionID: txid, PayURL: "https://pay.example/" + txid, At: t0, NextCheckAt: t0})
		require.NoError(t, err)
	}
	insert(w.a, "shared")
	confirm(w.a, "shared", "TX00000001")
	insert(w.b, "shared")
	confirm(w.b, "shared", "TX00000001")
	insert(w.b, "b-only")
	confirm(w.b, "b-only", "TX00000002")
	insert(w.b, "b-open")
	ok, err := w.b.LeaseCreate(ctx, "b-open", "b-owner", t0, t0.Add(time.Hour))
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, w.b.RecordAnomaly(ctx, paystore.Anomaly{RequestID: "b-only", Kind: paystore.AnomalyMismatch, Detail: "b", At: t0}))
	_, err = w.b.RecordClaim(ctx, paystore.PushClaim{RequestID: "b-only", EventID: "ev-b", Status: paytype.StatusPaid, Amount: 4584, Currency: paytype.EUR, At: t0})
	require.NoError(t, err)
	first, err := w.b.MarkPushSeen(ctx, "ev-b", t0)
	require.NoError(t, err)
	require.True(t, first)
	return w
}

// tenantSnapshot is everything tenant B holds, to show that a call
// through another view changed nothing.
type tenantSnapshot struct {
	txs       map[string]*paytype.Transaction
	anomalies []paystore.Anomaly
	claim     *paystore.PushClaim
	seen      bool
	due       []string
	leased    bool // "b-open" still leased by b-owner
}

func snapshotB(t *testing.T, w *tenancyWorld, now time.Time) tenantSnapshot {
	ctx := context.Background()
	snap := tenantSnapshot{txs: map[string]*paytype.Transaction{}}
	for _, id := range []string{"shared", "b-only", "b-open"} {
		tx, err := w.b.Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, confTenantB, tx.Tenant)
		snap.txs[id] = tx
	}
	var err error
	snap.anomalies, err = w.b.Anomalies(ctx, "b-only")
	require.NoError(t, err)
	snap.claim, err = w.b.Claim(ctx, "b-only")
	require.NoError(t, err)
	snap.seen, err = w.b.PushSeen(ctx, "ev-b")
	require.NoError(t, err)
	due, err := w.b.Due(ctx, now, 0)
	require.NoError(t, err)
	for _, tx := range due {
		snap.due = append(snap.due, tx.RequestID)
	}
	// Another owner cannot take the lease while b-owner holds it; a
	// failed attempt changes nothing.
	other, err := w.b.LeaseCreate(ctx, "b-open", "probe", now, now.Add(time.Minute))
	require.NoError(t, err)
	snap.leased = !other
	return snap
}

// storeTenancy holds a store to tenancy: a view of one tenant never
// reads or writes another tenant's rows, and IDs are unique per tenant.
func storeTenancy(t *testing.T, newStore func(t *testing.T) paystore.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	now := t0.Add(time.Hour)
	notFound := func(err error) error {
		if !errors.Is(err, paystore.ErrNotFound) {
			return errors.Join(errors.New("want ErrNotFound"), err)
		}
		return nil
	}
	// Calls through A's view (or the store as opened) that name B's data:
	// each must fail or come back empty, and leave B unchanged.
	crossings := []struct {
		name string
		call func(w *tenancyWorld) error // nil: the call is refused as expected
	}{
		{"Get of B's request via A", func(w *tenancyWorld) error { _, err := w.a.Get(ctx, "b-only"); return notFound(err) }},
		{"Get of B's request via the store as opened", func(w *tenancyWorld) error { _, err := w.root.Get(ctx, "b-only"); return notFound(err) }},
		{"push lookup of B's transaction ID via A", func(w *tenancyWorld) error {
			_, err := w.a.GetByTransactionID(ctx, "TX00000002")
			return notFound(err)
		}},
		{"Confirm of B's unconfirmed request via A", func(w *tenancyWorld) error {
			_, err := w.a.Confirm(ctx, "b-open", paystore.Confirmation{TransactionID: "TX-A", At: now})
			return notFound(err)
		}},
		{"LeaseCreate of B's create via A", func(w *tenancyWorld) error {
			_, err := w.a.LeaseCreate(ctx, "b-open", "a-owner", now, now.Add(time.Hour))
			return notFound(err)
		}},
		{"ReleaseCreate of B's lease via A with B's owner", func(w *tenancyWorld) error {
			return w.a.ReleaseCreate(ctx, "b-open", "b-owner")
		}},
		{"Transition of B's transaction via A", func(w *tenancyWorld) error {
			_, err := w.a.Transition(ctx, "b-only", paytype.StatusInitial, paytype.StatusPaid, paystore.Update{At: now})
			return notFound(err)
		}},
		{"TransitionTx of B's transaction via A", func(w *tenancyWorld) error {
			ts, ok := w.a.(paystore.TxStore)
			if !ok {
				if _, rootTx := w.root.(paystore.TxStore); rootTx {
					return errors.New("the view of a TxStore is not a TxStore")
				}
				return nil
			}
			_, err := ts.TransitionTx(ctx, "b-only", paytype.StatusInitial, paytype.StatusPaid, paystore.Update{At: now}, nil)
			return notFound(err)
		}},
		{"Schedule of B's transaction via A", func(w *tenancyWorld) error {
			return notFound(w.a.Schedule(ctx, "b-only", time.Time{}, 9))
		}},
		{"Due of A lists none of B's", func(w *tenancyWorld) error {
			due, err := w.a.Due(ctx, now, 0)
			if err != nil {
				return err
			}
			for _, tx := range due {
				if tx.Tenant != confTenantA {
					return errors.New("due of tenant A returned another tenant's transaction")
				}
			}
			if len(due) != 1 {
				return errors.New("due of tenant A must return exactly its shared transaction")
			}
			return nil
		}},
		{"Anomalies of B's transaction via A", func(w *tenancyWorld) error {
			as, err := w.a.Anomalies(ctx, "b-only")
			if err == nil && len(as) > 0 {
				return errors.New("tenant A sees the anomalies of B")
			}
			return err
		}},
		{"RecordAnomaly for B's request ID via A stays A's", func(w *tenancyWorld) error {
			return w.a.RecordAnomaly(ctx, paystore.Anomaly{RequestID: "b-only", Kind: paystore.AnomalyExpired, Detail: "a", At: now})
		}},
		{"Claim of B's transaction via A", func(w *tenancyWorld) error { _, err := w.a.Claim(ctx, "b-only"); return notFound(err) }},
		{"RecordClaim for B's request ID via A stays A's", func(w *tenancyWorld) error {
			_, err := w.a.RecordClaim(ctx, paystore.PushClaim{RequestID: "b-only", EventID: "ev-a", Status: paytype.StatusFailed, At: now})
			return err
		}},
		{"PushSeen of B's event via A", func(w *tenancyWorld) error {
			seen, err := w.a.PushSeen(ctx, "ev-b")
			if err == nil && seen {
				return errors.New("tenant A sees the push event of B")
			}
			return err
		}},
		{"MarkPushSeen of B's event via A is new to A", func(w *tenancyWorld) error {
			first, err := w.a.MarkPushSeen(ctx, "ev-b", now)
			if err == nil && !first {
				return errors.New("the push event of B counted as seen in A")
			}
			return err
		}},
		{"Insert of a transaction carrying B via A", func(w *tenancyWorld) error {
			req := ValidRequest("new")
			_, _, err := w.a.Insert(ctx, &paytype.Transaction{Tenant: confTenantB, RequestID: "new", Fingerprint: req.Fingerprint(), Request: *req, CreatedAt: now})
			if !errors.Is(err, paystore.ErrForeignTenant) {
				return errors.Join(errors.New("want ErrForeignTenant"), err)
			}
			return nil
		}},
		{"Insert of B's request ID via A makes A's own", func(w *tenancyWorld) error {
			req := ValidRequest("b-only")
			got, ins, err := w.a.Insert(ctx, &paytype.Transaction{RequestID: "b-only", Fingerprint: "other", Request: *req, CreatedAt: now})
			if err == nil && (!ins || got.Tenant != confTenantA || got.Fingerprint != "other") {
				return errors.New("insert in A did not create A's own transaction")
			}
			return err
		}},
		{"Transition of A's shared transaction leaves B's", func(w *tenancyWorld) error {
			_, err := w.a.Transition(ctx, "shared", paytype.StatusInitial, paytype.StatusPaid, paystore.Update{At: now})
			return err
		}},
	}
	// Listings through a view that name another tenant or all tenants.
	for _, f := range []struct {
		name string
		f    paystore.ListFilter
	}{
		{"B", paystore.ListFilter{Tenant: confTenantB}},
		{"all tenants", paystore.ListFilter{AllTenants: true}},
		{"all tenants naming A", paystore.ListFilter{Tenant: confTenantA, AllTenants: true}},
	} {
		crossings = append(crossings,
			struct {
				name string
				call func(w *tenancyWorld) error
			}{"ListAnomalies via A of " + f.name, func(w *tenancyWorld) error {
				_, err := w.a.ListAnomalies(ctx, f.f)
				if !errors.Is(err, paystore.ErrForeignTenant) {
					return errors.Join(errors.New("want ErrForeignTenant"), err)
				}
				return nil
			}},
			struct {
				name string
				call func(w *tenancyWorld) error
			}{"ListOpen via A of " + f.name, func(w *tenancyWorld) error {
				_, err := w.a.ListOpen(ctx, f.f)
				if !errors.Is(err, paystore.ErrForeignTenant) {
					return errors.Join(errors.New("want ErrForeignTenant"), err)
				}
				return nil
			}})
	}
	for _, tc := range crossings {
		t.Run("Crossing/"+tc.name, func(t *testing.T) {
			w := seedTenancy(t, newStore(t), t0)
			before := snapshotB(t, w, now)
			require.NoError(t, tc.call(w))
			after := snapshotB(t, w, now)
			assert.Equal(t, before, after, "B's data changed")
		})
	}

	t.Run("SameIDsInTwoTenants", func(t *testing.T) {
		w := seedTenancy(t, newStore(t), t0)
		for _, v := range []struct {
			s      paystore.Store
			tenant string
		}{{w.a, confTenantA}, {w.b, confTenantB}} {
			byReq, err := v.s.Get(ctx, "shared")
			require.NoError(t, err)
			byTx, err := v.s.GetByTransactionID(ctx, "TX00000001")
			require.NoError(t, err)
			assert.Equal(t, v.tenant, byReq.Tenant)
			assert.Equal(t, v.tenant, byTx.Tenant)
			assert.Equal(t, "shared", byTx.RequestID)
		}
		// Within one tenant a transaction ID is still unique.
		req := ValidRequest("a-2")
		_, _, err := w.a.Insert(ctx, &paytype.Transaction{RequestID: "a-2", Fingerprint: req.Fingerprint(), Request: *req, CreatedAt: t0})
		require.NoError(t, err)
		_, err = w.a.Confirm(ctx, "a-2", paystore.Confirmation{TransactionID: "TX00000001", At: t0})
		require.ErrorIs(t, err, paystore.ErrConcurrentUpdate)
	})

	t.Run("OperatorListings", func(t *testing.T) {
		w := seedTenancy(t, newStore(t), t0)
		require.NoError(t, w.a.RecordAnomaly(ctx, paystore.Anomaly{RequestID: "shared", Kind: paystore.AnomalyMismatch, Detail: "a", At: t0}))
		type entry struct{ tenant, id string }
		// Pages of one entry walk through the equal CreatedAt of equal
		// IDs: the cursor must carry the tenant.
		pageAll := func(page func(f paystore.ListFilter) ([]entry, string), f paystore.ListFilter) []entry {
			var out []entry
			f.Limit = 1
			for pages := 0; ; pages++ {
				require.Less(t, pages, 10)
				got, next := page(f)
				out = append(out, got...)
				if next == "" {
					return out
				}
				f.Cursor = next
			}
		}
		listOpen := func(s paystore.Store, f paystore.ListFilter) []entry {
			return pageAll(func(f paystore.ListFilter) ([]entry, string) {
				p, err := s.ListOpen(ctx, f)
				require.NoError(t, err)
				var out []entry
				for _, tx := range p.Transactions {
					out = append(out, entry{tx.Tenant, tx.RequestID})
				}
				return out, p.Next
			}, f)
		}
		listAnomalies := func(s paystore.Store, f paystore.ListFilter) []entry {
			return pageAll(func(f paystore.ListFilter) ([]entry, string) {
				p, err := s.ListAnomalies(ctx, f)
				require.NoError(t, err)
				var out []entry
				for _, a := range p.Anomalies {
					out = append(out, entry{a.Tenant, a.RequestID})
				}
				return out, p.Next
			}, f)
		}
		cases := []struct {
			name           string
			s              paystore.Store
			f              paystore.ListFilter
			open, anomalis []entry
		}{
			{"store as opened, zero filter: tenant \"\" only", w.root, paystore.ListFilter{}, nil, nil},
			{"store as opened, tenant B", w.root, paystore.ListFilter{Tenant: confTenantB},
				[]entry{{confTenantB, "b-only"}, {confTenantB, "b-open"}, {confTenantB, "shared"}}, []entry{{confTenantB, "b-only"}}},
			{"store as opened, all tenants", w.root, paystore.ListFilter{AllTenants: true},
				[]entry{{confTenantA, "shared"}, {confTenantB, "b-only"}, {confTenantB, "b-open"}, {confTenantB, "shared"}},
				[]entry{{confTenantA, "shared"}, {confTenantB, "b-only"}}},
			{"A's view, zero filter", w.a, paystore.ListFilter{}, []entry{{confTenantA, "shared"}}, []entry{{confTenantA, "shared"}}},
			{"A's view naming A", w.a, paystore.ListFilter{Tenant: confTenantA}, []entry{{confTenantA, "shared"}}, []entry{{confTenantA, "shared"}}},
		}
		for _, tc := range cases {
			assert.Equal(t, tc.open, listOpen(tc.s, tc.f), "ListOpen: %s", tc.name)
			assert.Equal(t, tc.anomalis, listAnomalies(tc.s, tc.f), "ListAnomalies: %s", tc.name)
		}
		_, err := w.root.ListOpen(ctx, paystore.ListFilter{Tenant: "bad:tenant"})
		require.ErrorIs(t, err, paytype.ErrInvalidRequest)
	})
}
