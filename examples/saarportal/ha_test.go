package main

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/testenv"
)

// TestTwoInstancesSIGKILL is the multi-instance deployment: the
// simulated counterparts in a process of their own, two portal processes
// on one PostgreSQL database behind one load balancer, citizens of every
// tenant on both. One portal is killed with SIGKILL while applications
// are in flight; the survivor's resumer finishes them. Then the
// counterparts' own records must show every paid application submitted
// exactly once, every fee created and paid once, and one committed
// notice per application as the simulator's mail server received it —
// none lost, none different; a redelivery of the same notice (same
// Message-ID) is reported (see checkNotices).
func TestTwoInstancesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program and starts three processes")
	}
	dsn := testenv.PostgresDatabase(t)
	began := time.Now()
	bin := buildPortal(t)
	t.Logf("built in %s", time.Since(began).Round(time.Millisecond))
	began = time.Now()
	ts := defaults(t)
	sims := startSimulators(t, bin)
	lb := newBalancer(t)
	a := startInstance(t, "portal A", bin, sims, lb, dsn)
	startInstance(t, "portal B", bin, sims, lb, dsn) // B second: the schema is migrated by then
	t.Logf("three processes up in %s", time.Since(began).Round(time.Millisecond))
	began = time.Now()

	const citizens, perCitizen = 9, 2 // 18 applications, 6 per tenant
	ctx, cancel := context.WithTimeout(t.Context(), 40*time.Second)
	defer cancel()
	var killed sync.Once
	paid := drive(ctx, t, sims, lb, ts, citizens, perCitizen, func(n int) {
		// A third of the fees are paid: applications of both instances
		// are being submitted, read and notified right now.
		if n == citizens*perCitizen/3 {
			killed.Do(func() {
				lb.remove(0)
				a.kill(t)
				leased, active := inFlight(t, dsn, a.cmd.Process.Pid)
				t.Logf("portal A killed (SIGKILL) after %d payments: %d applications in its lease, %d unfinished", n, leased, active)
			})
		}
	})
	require.Len(t, paid, citizens*perCitizen)
	// Within 45 s: a notice whose delivery was running in A is delivered
	// again after -rescue-after (4 s), but river's rescuer looks only
	// every 30 s.
	missing := finished(t, sims, ts, paid, 45*time.Second)
	dumpApps(t, dsn, missing)
	require.Empty(t, missing, "paid applications not finished")
	t.Logf("%d applications finished in %s", len(paid), time.Since(began).Round(time.Millisecond))
	// A late duplicate would come from an expired lease: wait one more
	// lease before counting.
	time.Sleep(2500 * time.Millisecond)
	checkRecords(t, sims, ts, paid)
}

// inFlight counts the applications a killed instance (by pid) held the
// lease of, and all unfinished ones.
func inFlight(t *testing.T, dsn string, pid int) (leased, active int) {
	conn, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	defer conn.Close(t.Context())
	require.NoError(t, conn.QueryRow(t.Context(), `SELECT count(*) FILTER (WHERE lease_owner LIKE $1),
		count(*) FILTER (WHERE status IN ($2, $3, $4, $5)) FROM saarportal_applications`,
		"%-"+strconv.Itoa(pid)+":%", StatePayment, StatePaid, StateSending, StateSubmitted).Scan(&leased, &active))
	return leased, active
}

// finished waits until every paid application was accepted by its
// authority and the simulator's mail server accepted its notice; it returns
// those that did not finish within the time.
func finished(t *testing.T, sims *simProc, ts []Tenant, paid []application, within time.Duration) []application {
	deadline := time.Now().Add(within)
	for {
		rec := sims.records(t)
		var missing []application
		for _, app := range paid {
			if !slices.Contains(rec.Tenants[app.ARS].Received, app.AppID) || !hasNotice(sims, app) {
				missing = append(missing, app)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			return missing
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// dumpApps logs the stored state of applications (PostgreSQL).
func dumpApps(t *testing.T, dsn string, apps []application) {
	if dsn == "" {
		return
	}
	conn, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	defer conn.Close(t.Context())
	for _, app := range apps {
		var status, owner, sub string
		var until, next int64
		var attempts int
		err := conn.QueryRow(t.Context(), `SELECT status, lease_owner, lease_until, next_at, attempts, submission_id
			FROM saarportal_applications WHERE id = $1`, app.AppID).Scan(&status, &owner, &until, &next, &attempts, &sub)
		t.Logf("%s: %s lease %q until %d next %d attempts %d submission %s (now %d) err %v",
			app.AppID, status, owner, until, next, attempts, sub, time.Now().UnixMilli(), err)
	}
}

// hasNotice reports that the simulator's mail server accepted a notice
// naming the application.
func hasNotice(sims *simProc, app application) bool {
	resp, err := http.Get(sims.info.Admin + "/notice?app=" + url.QueryEscape(app.AppID))
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusNoContent
}

// checkRecords compares the counterparts' records with what the
// citizens paid: per tenant, every paid application accepted exactly
// once and nothing else; every fee created once and paid once; one
// notice per paid application and no other.
func checkRecords(t *testing.T, sims *simProc, ts []Tenant, paid []application) {
	rec := sims.records(t)
	for _, tn := range ts {
		r := rec.Tenants[tn.ARS]
		var want, wantTx []string
		for _, app := range paid {
			if app.ARS == tn.ARS {
				want, wantTx = append(want, app.AppID), append(wantTx, app.TxID)
			}
		}
		slices.Sort(want)
		slices.Sort(wantTx)
		received := slices.Clone(r.Received)
		slices.Sort(received)
		assert.Equal(t, want, received, "%s: every paid application submitted exactly once", tn.Name)
		paidTx := slices.Clone(r.Paid)
		slices.Sort(paidTx)
		assert.Equal(t, wantTx, paidTx, "%s: every fee paid exactly once", tn.Name)
		assert.Equal(t, len(r.Transactions), len(slices.Compact(slices.Sorted(slices.Values(r.Transactions)))), "%s: no fee created twice", tn.Name)
		for _, tx := range wantTx {
			assert.Contains(t, r.Transactions, tx, "%s: the paid fee is the application's transaction", tn.Name)
		}
		checkNotices(t, tn, want, r.Notices)
	}
	assert.Zero(t, rec.StrayNotices, "no notice from another sender address")
}

// checkNotices checks the tenant's notices as the simulator's mail
// server accepted them, every delivery counted: each paid application
// has exactly one committed notice (one Message-ID), and no notice names
// anything else. The same notice arriving again (same Message-ID) is a
// redelivery — at-least-once delivery after a SIGKILL: river rescues the
// job whose transaction the killed instance had started — and is
// reported, not failed; a missing notice, or two different notices for
// one application, fails.
func checkNotices(t noticeT, tn Tenant, want []string, arrivals []noticeArrival) {
	ids := map[string][]string{} // application → distinct Message-IDs
	count := map[string]int{}    // Message-ID → arrivals
	for _, a := range arrivals {
		if !assert.Contains(t, want, a.App, "%s: notice %s names a paid application", tn.Name, a.MessageID) {
			continue
		}
		assert.NotEmpty(t, a.MessageID, "%s: notice for %s has a Message-ID", tn.Name, a.App)
		if count[a.MessageID]++; count[a.MessageID] == 1 {
			ids[a.App] = append(ids[a.App], a.MessageID)
		}
	}
	for _, app := range want {
		assert.Len(t, ids[app], 1, "%s: %s has exactly one committed notice (Message-IDs %v)", tn.Name, app, ids[app])
		for _, id := range ids[app] {
			if count[id] > 1 {
				t.Logf("%s: notice %s for %s redelivered: %d arrivals (at-least-once)", tn.Name, id, app, count[id])
			}
		}
	}
}

// noticeT is what checkNotices reports to (a *testing.T; a recorder in
// TestCheckNotices).
type noticeT interface {
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
}

// drive runs citizens concurrently until each has filed its visits;
// after each paid application it calls onPaid with the count so far.
func drive(ctx context.Context, t *testing.T, sims *simProc, lb *balancer, ts []Tenant, citizens, perCitizen int, onPaid func(int)) []application {
	var (
		mu    sync.Mutex
		paid  []application
		login sync.Mutex
		count atomic.Int64
		wg    sync.WaitGroup
	)
	for n := range citizens {
		var visits []visit
		for k := range perCitizen {
			tn := ts[(n+k)%len(ts)]
			visits = append(visits, visit{ARS: tn.ARS, Leika: tn.Services[0].Leika})
		}
		wg.Go(func() {
			err := citizenRun(ctx, sims, lb, &login, n, visits, func(app application) {
				mu.Lock()
				paid = append(paid, app)
				mu.Unlock()
				onPaid(int(count.Add(1)))
			})
			assert.NoError(t, err, "citizen %d", n)
		})
	}
	wg.Wait()
	return paid
}
