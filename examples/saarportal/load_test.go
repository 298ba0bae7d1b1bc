package main

import (
	"context"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/testenv"
)

// loadDuration is how long each load run files applications
// (OZG_LOAD_SECONDS overrides the default of 5 s).
func loadDuration() time.Duration {
	if s, err := strconv.Atoi(os.Getenv("OZG_LOAD_SECONDS")); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 5 * time.Second
}

// TestLoad is the bounded load test: loadCitizens concurrent citizens,
// spread over all tenants, file applications for a fixed time against
// the simulator process — on SQLite with one portal process and on
// PostgreSQL with two. Each application is timed from the citizen's
// "apply" to its notice in the pickup folder (login, message, sign,
// fee, payment, submission, the authority's accept, receipt, notice).
// It reports applications per minute and p50/p99 and checks against the
// counterparts' records that nothing was lost or done twice; no timed
// assertion.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: runs for a fixed time")
	}
	const loadCitizens = 12
	for _, backend := range []struct {
		name      string
		instances int
		dsn       func(t *testing.T) string
	}{
		{"sqlite, one process", 1, func(*testing.T) string { return "" }},
		{"postgres, two processes", 2, func(t *testing.T) string { return testenv.PostgresDatabase(t) }},
	} {
		t.Run(backend.name, func(t *testing.T) {
			dsn := backend.dsn(t)
			bin := buildPortal(t)
			ts := defaults(t)
			sims := startSimulators(t, bin)
			lb := newBalancer(t)
			for i := range backend.instances {
				startInstance(t, "portal "+strconv.Itoa(i), bin, sims, lb, dsn)
			}
			r := loadRun(t, sims, lb, ts, loadCitizens, loadDuration())
			t.Logf("LOAD %s: %d citizens, %d applications in %s: %.0f applications/min, p50 %s, p99 %s",
				backend.name, loadCitizens, len(r.paid), r.elapsed.Round(time.Millisecond),
				float64(len(r.latencies))/r.elapsed.Minutes(), r.quantile(0.50), r.quantile(0.99))
			missing := finished(t, sims, ts, r.paid, 30*time.Second)
			dumpApps(t, dsn, missing)
			require.Empty(t, missing, "paid applications not finished")
			checkRecords(t, sims, ts, r.paid)
		})
	}
}

type loadResult struct {
	paid      []application
	latencies []time.Duration
	elapsed   time.Duration
}

func (r loadResult) quantile(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	l := slices.Sorted(slices.Values(r.latencies))
	return l[min(len(l)-1, int(q*float64(len(l))))].Round(time.Millisecond)
}

// loadRun lets the citizens file applications until d has passed; each
// waits for its application's notice before filing the next.
func loadRun(t *testing.T, sims *simProc, lb *balancer, ts []Tenant, citizens int, d time.Duration) loadResult {
	ctx, cancel := context.WithTimeout(t.Context(), d+60*time.Second)
	defer cancel()
	var (
		mu    sync.Mutex
		r     loadResult
		login sync.Mutex
		wg    sync.WaitGroup
	)
	began := time.Now()
	stop := began.Add(d)
	for n := range citizens {
		wg.Go(func() {
			b := lb.browser(n)
			if !assert.NoError(t, loginAs(ctx, sims, lb, &login, b, n)) {
				return
			}
			for k := 0; time.Now().Before(stop); k++ {
				tn := ts[(n+k)%len(ts)]
				start := time.Now()
				app, err := fileOne(ctx, sims, lb, b, visit{ARS: tn.ARS, Leika: tn.Services[0].Leika}, func(app application) {
					mu.Lock()
					r.paid = append(r.paid, app)
					mu.Unlock()
				})
				if !assert.NoError(t, err) {
					return
				}
				for !hasNotice(sims, app) {
					if ctx.Err() != nil {
						t.Errorf("no notice for %s", app.AppID)
						return
					}
					time.Sleep(10 * time.Millisecond)
				}
				mu.Lock()
				r.latencies = append(r.latencies, time.Since(start))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	r.elapsed = time.Since(began)
	return r
}
