package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/paytype"
)

// submitDemo submits the demo application; the citizen is then at the
// pay page. It returns the application ID.
func submitDemo(t *testing.T, a *app, tr *tour) string {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, tr.submit(ctx))
	var id string
	require.NoError(t, a.db.QueryRowContext(ctx, `SELECT id FROM bauantrag_antrag`).Scan(&id))
	return id
}

// payDemo pays at the simulated pay page; the browser then returns to the
// service (Sync). It returns the answer to the return.
func payDemo(t *testing.T, tr *tour) (*http.Response, string) {
	t.Helper()
	resp, body, err := tr.post(context.Background(), tr.payURL, url.Values{"action": {"pay"}})
	require.NoError(t, err)
	return resp, body
}

// payAtSim submits the demo application and pays it.
func payAtSim(t *testing.T, a *app, tr *tour) (string, *http.Response, string) {
	t.Helper()
	id := submitDemo(t, a, tr)
	resp, body := payDemo(t, tr)
	return id, resp, body
}

// handoverState is what the hand-over writes, read back from the shared
// database.
type handoverState struct {
	payment  paytype.Status // payment's stored status
	zahlung  string         // the application's fee column
	timeline []string
	orders   int // FIT-Connect orders (bauantrag_zustellung)
	jobs     int // notify delivery jobs of the application
}

func readHandover(t *testing.T, a *app, id string) handoverState {
	t.Helper()
	ctx := context.Background()
	var st handoverState
	tx, err := a.pay.Get(ctx, id)
	require.NoError(t, err)
	st.payment = tx.Status
	ant, err := getAntrag(ctx, a.db, id)
	require.NoError(t, err)
	st.zahlung = ant.Zahlung
	v, err := getVerlauf(ctx, a.db, id)
	require.NoError(t, err)
	for _, e := range v {
		st.timeline = append(st.timeline, e.Status)
	}
	require.NoError(t, a.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM bauantrag_zustellung WHERE antrag_id = ?`, id).Scan(&st.orders))
	require.NoError(t, a.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE json_extract(args, '$.event.application_id') = ?`, id).Scan(&st.jobs))
	return st
}

// TestHandOverAtomic: the payment's PAYED, the fee at the application,
// the PAID timeline entry and notification and the FIT-Connect order
// commit in one transaction (payment.Config.OnStatusChangeTx with
// notify.EnqueueTx). If any of these writes fails (here: made to fail in
// the database), none of them is stored, the citizen is told that the
// status is checked again, and the next pull applies all of them once.
// With the hook outside the payment's transaction (OnStatusChange), the
// payment would stay PAYED with no notification and no submission: lost.
func TestHandOverAtomic(t *testing.T) {
	for name, trigger := range map[string]string{
		"notification enqueue": `CREATE TRIGGER fail BEFORE INSERT ON river_job BEGIN SELECT RAISE(ABORT, 'injected'); END`,
		"FIT-Connect order":    `CREATE TRIGGER fail BEFORE INSERT ON bauantrag_zustellung BEGIN SELECT RAISE(ABORT, 'injected'); END`,
		"timeline entry":       `CREATE TRIGGER fail BEFORE INSERT ON bauantrag_verlauf BEGIN SELECT RAISE(ABORT, 'injected'); END`,
		"fee at application":   `CREATE TRIGGER fail BEFORE UPDATE OF zahlung ON bauantrag_antrag WHEN NEW.zahlung = 'PAYED' BEGIN SELECT RAISE(ABORT, 'injected'); END`,
	} {
		t.Run(name, func(t *testing.T) {
			a, tr := testApp(t)
			ctx := context.Background()
			id := submitDemo(t, a, tr)
			_, err := a.db.ExecContext(ctx, trigger)
			require.NoError(t, err)

			resp, body := payDemo(t, tr)
			assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
			assert.Contains(t, body, "prüfen ihn automatisch erneut")
			assert.Equal(t, handoverState{payment: paytype.StatusInitial, timeline: []string{stSubmitted}}, readHandover(t, a, id),
				"a failed write must roll back the payment's transition and every change of the hand-over")
			assert.Zero(t, a.fit.sim.Submissions(), "nothing submitted without a committed order")

			// The database works again: the next pull (the citizen
			// returns, or Run) applies everything once.
			_, err = a.db.ExecContext(ctx, `DROP TRIGGER fail`)
			require.NoError(t, err)
			resp, body, err = tr.get(ctx, a.URL+"/antrag/"+id+"/zahlung")
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Contains(t, body, `id="status">RECEIVED<`)
			got := readHandover(t, a, id)
			assert.Equal(t, handoverState{payment: paytype.StatusPaid, zahlung: string(paytype.StatusPaid),
				timeline: []string{stSubmitted, stPaid, stReceived}, orders: 1, jobs: 2 * len(a.out.channels)}, got,
				"PAID and RECEIVED, each once per channel")
			assert.Equal(t, 1, a.fit.sim.Submissions())

			// Pulling again changes nothing (the transition is applied once).
			_, err = a.pay.Sync(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, got, readHandover(t, a, id))
			assert.Equal(t, 1, a.fit.sim.Submissions())
		})
	}
}

// TestDeliveryResumesAfterRestart: the process ends after the hand-over
// committed but before the application reached the authority (here the
// Zustelldienst is unreachable, then the service stops). The next start
// works off the committed order: exactly one submission, RECEIVED, and
// the PAID notification is not enqueued again.
func TestDeliveryResumesAfterRestart(t *testing.T) {
	dir := t.TempDir()
	quiet := config{Dir: dir, Step: time.Hour, Say: func(string, ...any) {}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx := context.Background()
	first, err := startApp(ctx, "127.0.0.1:0", quiet)
	require.NoError(t, err)
	defer first.Close()
	tr := &tour{p: &printer{w: io.Discard}, a: first, c: first.Client()}
	require.NoError(t, tr.login(ctx))
	first.fit.life.close() // the Zustelldienst is gone

	id, resp, body := payAtSim(t, first, tr)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `id="status">SUBMITTED<`)
	assert.Contains(t, body, "bezahlt")
	got := readHandover(t, first, id)
	assert.Equal(t, paytype.StatusPaid, got.payment)
	assert.Equal(t, []string{stSubmitted, stPaid}, got.timeline)
	assert.Equal(t, 1, got.orders)
	assert.Equal(t, len(first.out.channels), got.jobs, "PAID once per channel")
	assert.Zero(t, first.fit.sim.Submissions())
	first.Close()

	second, err := startApp(ctx, "127.0.0.1:0", quiet)
	require.NoError(t, err)
	defer second.Close()
	require.Eventually(t, func() bool {
		ant, err := getAntrag(ctx, second.db, id)
		return err == nil && ant.Status == stReceived
	}, 20*time.Second, 20*time.Millisecond)
	got = readHandover(t, second, id)
	assert.Equal(t, []string{stSubmitted, stPaid, stReceived}, got.timeline)
	assert.Equal(t, 2*len(second.out.channels), got.jobs, "PAID not enqueued again; RECEIVED once per channel")
	assert.Equal(t, 1, second.fit.sim.Submissions(), "exactly one submission")
	var open int
	require.NoError(t, second.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM bauantrag_zustellung WHERE done = 0`).Scan(&open))
	assert.Zero(t, open)

	// The loop and a late trigger find nothing left to do.
	require.NoError(t, second.deliverOpen(ctx))
	require.NoError(t, second.deliverOrder(ctx, id))
	assert.Equal(t, 1, second.fit.sim.Submissions())
}

// TestDeliveryResumesFromRecordedSubmission: a submission recorded before
// the accept was confirmed is not sent again; the order resumes at the
// confirmation.
func TestDeliveryResumesFromRecordedSubmission(t *testing.T) {
	a, tr := testApp(t)
	ctx := context.Background()
	// Hold the order's work while the citizen pays, so that it can be
	// taken apart step by step.
	a.deliveryMu.Lock()
	done := make(chan struct{})
	var id string
	go func() {
		defer close(done)
		id, _, _ = payAtSim(t, a, tr)
	}()
	require.Eventually(t, func() bool {
		var n int
		return a.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM bauantrag_zustellung`).Scan(&n) == nil && n == 1
	}, 10*time.Second, 10*time.Millisecond)
	var appID string
	require.NoError(t, a.db.QueryRowContext(ctx, `SELECT antrag_id FROM bauantrag_zustellung`).Scan(&appID))
	ant, err := getAntrag(ctx, a.db, appID)
	require.NoError(t, err)
	// Submit by hand and record it, as deliverOrder does before the
	// process would die.
	sent, err := a.fit.send(ctx, ant)
	require.NoError(t, err)
	b, err := json.Marshal(sent)
	require.NoError(t, err)
	_, err = a.db.ExecContext(ctx, `UPDATE bauantrag_zustellung SET sent = ? WHERE antrag_id = ?`, b, appID)
	require.NoError(t, err)
	a.deliveryMu.Unlock()
	<-done
	assert.Equal(t, appID, id)
	require.Eventually(t, func() bool {
		ant, err := getAntrag(ctx, a.db, appID)
		return err == nil && ant.Status == stReceived
	}, 10*time.Second, 20*time.Millisecond)
	assert.Equal(t, 1, a.fit.sim.Submissions(), "the recorded submission is confirmed, not sent again")
}
