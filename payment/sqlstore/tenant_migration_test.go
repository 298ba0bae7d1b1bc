package sqlstore_test

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/payment/sqlstore"
)

// beforeTenancy is the migration folder dir as it was before tenancy
// (versions 001 … 004).
func beforeTenancy(t *testing.T, dir string) fs.FS {
	m := fstest.MapFS{}
	entries, err := os.ReadDir(filepath.Join("migrations", dir))
	require.NoError(t, err)
	for _, e := range entries {
		if e.Name() < "005" {
			b, err := os.ReadFile(filepath.Join("migrations", dir, e.Name()))
			require.NoError(t, err)
			m[dir+"/"+e.Name()] = &fstest.MapFile{Data: b}
		}
	}
	require.Len(t, m, 4)
	return m
}

// A database of the single-tenant deployment, written before tenancy,
// migrates with its rows as tenant "": the store as opened reads and
// updates them unchanged, a tenant's view does not see them, and the
// same IDs can then be used by a tenant.
func TestTenancyMigrationKeepsSingleTenantRows(t *testing.T) {
	ctx := context.Background()
	dialects := map[string]func(t *testing.T) (*sql.DB, sqldb.Dialect, func(t *testing.T) paystore.Store){
		"sqlite": func(t *testing.T) (*sql.DB, sqldb.Dialect, func(t *testing.T) paystore.Store) {
			path := filepath.Join(t.TempDir(), "old.db")
			db, err := sqldb.OpenSQLite(ctx, path)
			require.NoError(t, err)
			return db, sqldb.SQLite, func(t *testing.T) paystore.Store {
				require.NoError(t, db.Close())
				s, err := sqlstore.OpenSQLite(ctx, path)
				require.NoError(t, err)
				t.Cleanup(func() { s.Close() })
				return s
			}
		},
		"postgres": func(t *testing.T) (*sql.DB, sqldb.Dialect, func(t *testing.T) paystore.Store) {
			pool, err := sqldb.OpenPostgres(ctx, testenv.PostgresDatabase(t))
			require.NoError(t, err)
			t.Cleanup(pool.Close)
			return sqldb.PostgresDB(pool), sqldb.Postgres, func(t *testing.T) paystore.Store {
				s, err := sqlstore.NewPostgres(ctx, pool)
				require.NoError(t, err)
				return s
			}
		},
	}
	for name, open := range dialects {
		t.Run(name, func(t *testing.T) {
			db, d, reopen := open(t)
			require.NoError(t, sqldb.Migrate(ctx, db, d, "payment", beforeTenancy(t, name), name))
			req := paymenttest.ValidRequest("old-1")
			reqJSON := `{"IdempotencyKey":"old-1","Currency":"EUR","Total":4584}`
			_, err := db.ExecContext(ctx, d.Rebind(`INSERT INTO payment_transactions (request_id, fingerprint, request_json, request_ts, transaction_id,
				status, created_at, updated_at, expires_at, next_check_at) VALUES (?, ?, ?, 1, ?, 'INITIAL', 1, 1, ?, 1)`),
				"old-1", req.Fingerprint(), reqJSON, "TX00000001", time.Now().Add(time.Hour).UnixNano())
			require.NoError(t, err)
			for _, q := range []string{
				`INSERT INTO payment_anomalies (request_id, seq, kind, detail, at) VALUES ('old-1', 1, 'mismatch', 'old', 1)`,
				`INSERT INTO payment_push_seen (event_id, seen_at) VALUES ('ev-old', 1)`,
				`INSERT INTO payment_push_claims (request_id, event_id, status, amount, currency, at) VALUES ('old-1', 'ev-old', 'PAYED', 4584, 'EUR', 1)`,
			} {
				_, err := db.ExecContext(ctx, q)
				require.NoError(t, err)
			}

			s := reopen(t) // migrates to the current version
			got, err := s.Get(ctx, "old-1")
			require.NoError(t, err)
			assert.Equal(t, "", got.Tenant)
			assert.Equal(t, paytype.StatusInitial, got.Status)
			byTx, err := s.GetByTransactionID(ctx, "TX00000001")
			require.NoError(t, err)
			assert.Equal(t, "old-1", byTx.RequestID)
			as, err := s.Anomalies(ctx, "old-1")
			require.NoError(t, err)
			require.Len(t, as, 1)
			seen, err := s.PushSeen(ctx, "ev-old")
			require.NoError(t, err)
			assert.True(t, seen)
			_, err = s.Claim(ctx, "old-1")
			require.NoError(t, err)
			p, err := s.ListAnomalies(ctx, paystore.ListFilter{})
			require.NoError(t, err)
			assert.Len(t, p.Anomalies, 1, "the zero filter lists the single-tenant deployment's rows")

			a := s.ForTenant("100410100100")
			_, err = a.Get(ctx, "old-1")
			require.ErrorIs(t, err, paystore.ErrNotFound)
			_, err = a.GetByTransactionID(ctx, "TX00000001")
			require.ErrorIs(t, err, paystore.ErrNotFound)
			seen, err = a.PushSeen(ctx, "ev-old")
			require.NoError(t, err)
			assert.False(t, seen)
			_, ins, err := a.Insert(ctx, &paytype.Transaction{RequestID: "old-1", Fingerprint: "f", Request: *req, CreatedAt: time.Now()})
			require.NoError(t, err)
			assert.True(t, ins, "the same request ID in another tenant")
			_, err = a.Confirm(ctx, "old-1", paystore.Confirmation{TransactionID: "TX00000001", At: time.Now()})
			require.NoError(t, err, "the same transaction ID in another tenant")

			got, err = s.Transition(ctx, "old-1", paytype.StatusInitial, paytype.StatusPaid, paystore.Update{At: time.Now()})
			require.NoError(t, err)
			assert.Equal(t, paytype.StatusPaid, got.Status)
			still, err := a.Get(ctx, "old-1")
			require.NoError(t, err)
			assert.Equal(t, paytype.StatusInitial, still.Status)
			assert.Equal(t, "100410100100", still.Tenant)
		})
	}
}
