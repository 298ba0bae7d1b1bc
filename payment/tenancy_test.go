package payment_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/payment/sqlstore"
)

// Tenant keys: official regional keys (ARS) of two municipalities.
const (
	tenantA = "100410100100"
	tenantB = "100420113113"
)

// pushBox is a PushVerifier whose "verified" push the test sets.
type pushBox struct {
	mu sync.Mutex
	p  payprovider.Push
}

func (b *pushBox) set(p payprovider.Push) { b.mu.Lock(); b.p = p; b.mu.Unlock() }

func (b *pushBox) VerifyPush(context.Context, payprovider.PushInput) (*payprovider.Push, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.p
	return &p, nil
}

// tenants is one store shared by the Clients of two tenants, each with its
// own Bezahldienst account (a FakeProvider numbering transactions the
// same way: FX-<requestId>).
type tenants struct {
	store    paystore.Store
	a, b     *payment.Client
	fa, fb   *paymenttest.FakeProvider
	pushA    *pushBox
	clk      *clock
	mu       sync.Mutex
	changes  []payment.StatusChange
	txChange []string // tenants seen by OnStatusChangeTx
}

func (w *tenants) record(sc payment.StatusChange) {
	w.mu.Lock()
	w.changes = append(w.changes, sc)
	w.mu.Unlock()
}

// newTenants seeds: A created "k-1"; B created "k-1" (the same request
// and transaction ID) and "b-only". All are due.
func newTenants(t *testing.T, store paystore.Store) *tenants {
	w := &tenants{store: store, fa: paymenttest.NewFakeProvider(), fb: paymenttest.NewFakeProvider(), pushA: &pushBox{}, clk: &clock{t: t0}}
	_, txStore := store.(paystore.TxStore)
	client := func(tenant string, p payprovider.Provider) *payment.Client {
		cfg := payment.Config{
			Tenant: tenant, Provider: p, Store: store, Now: w.clk.Now, Logger: discardLogger(),
			Sleep:          func(ctx context.Context, d time.Duration) error { return ctx.Err() },
			OnStatusChange: func(_ context.Context, sc payment.StatusChange) { w.record(sc) },
		}
		if txStore {
			cfg.OnStatusChangeTx = func(_ context.Context, _ *sql.Tx, sc payment.StatusChange) error {
				w.mu.Lock()
				w.txChange = append(w.txChange, sc.Tenant)
				w.mu.Unlock()
				return nil
			}
		}
		c, err := payment.New(cfg)
		require.NoError(t, err)
		return c
	}
	w.a = client(tenantA, payprovider.WithPushVerifier(w.fa, w.pushA))
	w.b = client(tenantB, w.fb)
	ctx := context.Background()
	for _, c := range []struct {
		c   *payment.Client
		key string
	}{{w.a, "k-1"}, {w.b, "k-1"}, {w.b, "b-only"}} {
		tx, err := c.c.Create(ctx, paymenttest.ValidRequest(c.key))
		require.NoError(t, err)
		require.Equal(t, c.c.Tenant(), tx.Tenant)
	}
	w.clk.Add(2 * time.Minute) // past PollInitial: everything is due
	return w
}

// bState is everything tenant B holds and what B's Bezahldienst was asked.
type bState struct {
	txs       []*paytype.Transaction
	anomalies [][]paystore.Anomaly
	seen      bool
	gets      int
	creates   int
}

func snapshotTenantB(t *testing.T, w *tenants) bState {
	ctx := context.Background()
	var s bState
	for _, id := range []string{"k-1", "b-only"} {
		tx, err := w.b.Get(ctx, id)
		require.NoError(t, err)
		s.txs = append(s.txs, tx)
		as, err := w.b.Anomalies(ctx, id)
		require.NoError(t, err)
		s.anomalies = append(s.anomalies, as)
	}
	var err error
	s.seen, err = w.b.Store().PushSeen(ctx, "ev-1")
	require.NoError(t, err)
	s.gets, s.creates = w.fb.Gets(), w.fb.Creates()
	return s
}

// storeKinds sets up, in the subtest of each kind, a source of fresh
// stores: in memory, SQLite, PostgreSQL (one database for the kind,
// emptied for each store).
func storeKinds() map[string]func(t *testing.T) func(t *testing.T) paystore.Store {
	return map[string]func(t *testing.T) func(t *testing.T) paystore.Store{
		"memory": func(*testing.T) func(t *testing.T) paystore.Store {
			return func(*testing.T) paystore.Store { return paystore.NewMemoryStore() }
		},
		"sqlite": func(*testing.T) func(t *testing.T) paystore.Store {
			return func(t *testing.T) paystore.Store {
				s, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "p.db"))
				require.NoError(t, err)
				t.Cleanup(func() { s.Close() })
				return s
			}
		},
		"postgres": func(t *testing.T) func(t *testing.T) paystore.Store {
			pool, err := sqldb.OpenPostgres(context.Background(), testenv.PostgresDatabase(t))
			require.NoError(t, err)
			t.Cleanup(pool.Close)
			return func(t *testing.T) paystore.Store {
				s, err := sqlstore.NewPostgres(context.Background(), pool)
				require.NoError(t, err)
				_, err = pool.Exec(context.Background(), `TRUNCATE payment_transactions, payment_anomalies, payment_push_seen, payment_push_claims`)
				require.NoError(t, err)
				return s
			}
		},
	}
}

// Two Clients of different tenants on one store: whatever A's Client is
// asked — a verified push naming B's transaction, Get, Sync, Create with
// B's key, reconciliation, operator listings — it never reads or changes
// B's data and never calls B's Bezahldienst.
func TestTenantsNeverCross(t *testing.T) {
	ctx := context.Background()
	paid := payprovider.Push{EventID: "ev-1", Status: paytype.StatusPaid, Amount: 4584, AmountReported: true, Currency: paytype.EUR}
	with := func(mut func(*payprovider.Push)) payprovider.Push { p := paid; mut(&p); return p }
	cases := []struct {
		name string
		push *payprovider.Push // delivered to A's PushHandler, expecting code
		code int
		call func(t *testing.T, w *tenants) // or: a call through A
	}{
		{name: "push for A naming B's transaction ID", push: ptr(with(func(p *payprovider.Push) { p.TransactionID = "FX-b-only" })), code: http.StatusNotFound},
		{name: "push for A naming B's request ID", push: ptr(with(func(p *payprovider.Push) { p.RequestID = "b-only" })), code: http.StatusNotFound},
		{name: "push for A naming B's request and transaction ID", push: ptr(with(func(p *payprovider.Push) { p.RequestID, p.TransactionID = "b-only", "FX-b-only" })), code: http.StatusNotFound},
		{name: "push for A naming A's request with B's transaction ID", push: ptr(with(func(p *payprovider.Push) { p.RequestID, p.TransactionID = "k-1", "FX-b-only" })), code: http.StatusBadRequest},
		{name: "push for A naming B's transaction, failure claim", push: ptr(with(func(p *payprovider.Push) { p.TransactionID, p.Status = "FX-b-only", paytype.StatusFailed })), code: http.StatusNotFound},
		{name: "HandlePush for A naming B's transaction", call: func(t *testing.T, w *tenants) {
			w.pushA.set(with(func(p *payprovider.Push) { p.TransactionID = "FX-b-only" }))
			_, err := w.a.HandlePush(ctx, payprovider.PushInput{})
			require.ErrorIs(t, err, paystore.ErrNotFound)
		}},
		{name: "Get of B's ID via A", call: func(t *testing.T, w *tenants) {
			_, err := w.a.Get(ctx, "b-only")
			require.ErrorIs(t, err, paystore.ErrNotFound)
		}},
		{name: "Sync of B's ID via A", call: func(t *testing.T, w *tenants) {
			require.NoError(t, w.fb.Set("b-only", paytype.StatusPaid, -1))
			_, err := w.a.Sync(ctx, "b-only")
			require.ErrorIs(t, err, paystore.ErrNotFound)
			require.NoError(t, w.fb.Set("b-only", paytype.StatusInitial, -1))
		}},
		{name: "Anomalies of B's ID via A", call: func(t *testing.T, w *tenants) {
			as, err := w.a.Anomalies(ctx, "b-only")
			require.NoError(t, err)
			assert.Empty(t, as)
		}},
		{name: "reconciliation of A", call: func(t *testing.T, w *tenants) {
			n, err := w.a.ReconcileOnce(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, n, "A's round looks at A's transaction only")
		}},
		{name: "Create via A with B's key makes A's own", call: func(t *testing.T, w *tenants) {
			req := paymenttest.ValidRequest("b-only")
			req.Description = "Ein anderer Antrag"
			tx, err := w.a.Create(ctx, req)
			require.NoError(t, err, "B's key is no idempotency conflict in A")
			assert.Equal(t, tenantA, tx.Tenant)
		}},
		{name: "ListOpen via A of B", call: func(t *testing.T, w *tenants) {
			_, err := w.a.ListOpen(ctx, paystore.ListFilter{Tenant: tenantB})
			require.ErrorIs(t, err, paystore.ErrForeignTenant)
		}},
		{name: "ListOpen via A of all tenants", call: func(t *testing.T, w *tenants) {
			_, err := w.a.ListOpen(ctx, paystore.ListFilter{AllTenants: true})
			require.ErrorIs(t, err, paystore.ErrForeignTenant)
		}},
		{name: "ListAnomalies via A of B", call: func(t *testing.T, w *tenants) {
			_, err := w.a.ListAnomalies(ctx, paystore.ListFilter{Tenant: tenantB})
			require.ErrorIs(t, err, paystore.ErrForeignTenant)
		}},
		{name: "ListAnomalies via A of all tenants", call: func(t *testing.T, w *tenants) {
			_, err := w.a.ListAnomalies(ctx, paystore.ListFilter{AllTenants: true, Tenant: tenantA})
			require.ErrorIs(t, err, paystore.ErrForeignTenant)
		}},
		{name: "ListOpen via A, zero filter", call: func(t *testing.T, w *tenants) {
			p, err := w.a.ListOpen(ctx, paystore.ListFilter{})
			require.NoError(t, err)
			require.Len(t, p.Transactions, 1)
			assert.Equal(t, tenantA, p.Transactions[0].Tenant)
		}},
		{name: "push for A paying A's k-1, which B has too", push: ptr(with(func(p *payprovider.Push) { p.RequestID = "k-1" })), code: http.StatusOK, call: func(t *testing.T, w *tenants) {
			require.NoError(t, w.fa.Set("k-1", paytype.StatusPaid, -1))
		}},
	}
	for kind, setup := range storeKinds() {
		t.Run(kind, func(t *testing.T) {
			newStore := setup(t)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					w := newTenants(t, newStore(t))
					before := snapshotTenantB(t, w)
					if tc.call != nil {
						tc.call(t, w)
					}
					if tc.push != nil {
						w.pushA.set(*tc.push)
						rec := httptest.NewRecorder()
						w.a.PushHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/push/"+tenantA, nil))
						assert.Equal(t, tc.code, rec.Code)
					}
					assert.Equal(t, before, snapshotTenantB(t, w), "B's data or B's Bezahldienst touched")
					w.mu.Lock()
					defer w.mu.Unlock()
					for _, sc := range w.changes {
						assert.Equal(t, tenantA, sc.Tenant)
					}
					for _, tenant := range w.txChange {
						assert.Equal(t, tenantA, tenant)
					}
				})
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// Two tenants with the same request and transaction IDs: each Client sees
// and settles its own, the status hooks name the tenant, reconciliation
// of each tenant pulls only its own Bezahldienst, and the store itself
// lists per tenant and, explicitly, across tenants.
func TestTenantsSameIDs(t *testing.T) {
	ctx := context.Background()
	for kind, setup := range storeKinds() {
		t.Run(kind, func(t *testing.T) {
			w := newTenants(t, setup(t)(t))
			for _, c := range []*payment.Client{w.a, w.b} {
				tx, err := c.Get(ctx, "k-1")
				require.NoError(t, err)
				assert.Equal(t, c.Tenant(), tx.Tenant)
				assert.Equal(t, "FX-k-1", tx.TransactionID)
			}
			require.NoError(t, w.fa.Set("k-1", paytype.StatusPaid, -1))
			require.NoError(t, w.fb.Set("k-1", paytype.StatusCanceled, -1))
			gb := w.fb.Gets()
			n, err := w.a.ReconcileOnce(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			assert.Equal(t, gb, w.fb.Gets(), "A's reconciliation never asks B's Bezahldienst")
			n, err = w.b.ReconcileOnce(ctx)
			require.NoError(t, err)
			assert.Equal(t, 2, n)
			for c, want := range map[*payment.Client]paytype.Status{w.a: paytype.StatusPaid, w.b: paytype.StatusCanceled} {
				tx, err := c.Get(ctx, "k-1")
				require.NoError(t, err)
				assert.Equal(t, want, tx.Status, c.Tenant())
			}
			w.mu.Lock()
			got := map[string]paytype.Status{}
			for _, sc := range w.changes {
				got[sc.Tenant] = sc.To
				assert.Equal(t, sc.Tenant, sc.Transaction.Tenant)
			}
			txTenants := append([]string(nil), w.txChange...)
			w.mu.Unlock()
			assert.Equal(t, map[string]paytype.Status{tenantA: paytype.StatusPaid, tenantB: paytype.StatusCanceled}, got)
			if _, ok := w.store.(paystore.TxStore); ok {
				assert.ElementsMatch(t, []string{tenantA, tenantB}, txTenants, "OnStatusChangeTx receives the tenant")
			}

			// A single-tenant Client (Tenant "") on the same store sees
			// neither tenant and cannot list across them.
			single, err := payment.New(payment.Config{Provider: paymenttest.NewFakeProvider(), Store: w.store, Logger: discardLogger()})
			require.NoError(t, err)
			_, err = single.Get(ctx, "k-1")
			require.ErrorIs(t, err, paystore.ErrNotFound)
			for _, f := range []paystore.ListFilter{{AllTenants: true}, {Tenant: tenantA}} {
				_, err = single.ListOpen(ctx, f)
				require.ErrorIs(t, err, paystore.ErrForeignTenant)
				_, err = single.ListAnomalies(ctx, f)
				require.ErrorIs(t, err, paystore.ErrForeignTenant)
			}
			p, err := single.ListOpen(ctx, paystore.ListFilter{})
			require.NoError(t, err)
			assert.Empty(t, p.Transactions)

			// The state-wide operator lists on the store itself.
			open := func(f paystore.ListFilter) []string {
				p, err := w.store.ListOpen(ctx, f)
				require.NoError(t, err)
				var out []string
				for _, tx := range p.Transactions {
					out = append(out, tx.Tenant+"/"+tx.RequestID)
				}
				return out
			}
			assert.Empty(t, open(paystore.ListFilter{}), "the zero filter is the single-tenant deployment, never all tenants")
			assert.Equal(t, []string{tenantB + "/b-only"}, open(paystore.ListFilter{Tenant: tenantB}))
			assert.Empty(t, open(paystore.ListFilter{Tenant: tenantA}))
			assert.Equal(t, []string{tenantB + "/b-only"}, open(paystore.ListFilter{AllTenants: true}))
		})
	}
}

// Config.Tenant must be a valid tenant key.
func TestConfigTenant(t *testing.T) {
	fake := paymenttest.NewFakeProvider()
	for _, bad := range []string{"a:b", "a b", "ä", "../x", "x\x00", string(make([]byte, 65))} {
		_, err := payment.New(payment.Config{Provider: fake, Store: paystore.NewMemoryStore(), Tenant: bad})
		require.ErrorIs(t, err, payment.ErrInvalidConfig, "%q", bad)
	}
	for _, ok := range []string{"", tenantA, "kreis-saarlouis", "DE.SL_10"} {
		c, err := payment.New(payment.Config{Provider: fake, Store: paystore.NewMemoryStore(), Tenant: ok})
		require.NoError(t, err, "%q", ok)
		assert.Equal(t, ok, c.Tenant())
	}
	var logs bytes.Buffer
	c, err := payment.New(payment.Config{Provider: fake, Store: paystore.NewMemoryStore(), Tenant: tenantA, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	require.NoError(t, err)
	_, err = c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	assert.Contains(t, logs.String(), `"tenant":"`+tenantA+`"`, "log lines name the tenant")
	_, err = payment.New(payment.Config{Provider: fake, Store: paystore.NewMemoryStore(), Tenant: tenantA,
		OnStatusChangeTx: func(context.Context, *sql.Tx, payment.StatusChange) error { return errors.New("unused") }})
	require.ErrorIs(t, err, payment.ErrInvalidConfig, "OnStatusChangeTx still needs a TxStore")
}
