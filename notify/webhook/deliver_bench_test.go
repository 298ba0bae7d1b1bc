package webhook_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/webhook"
)

// BenchmarkDeliverParallel compares one signed Sender.Deliver with a
// plain unsigned POST of the same body over an equally tuned transport
// (the bare side of notify's end-to-end benchmark), 50
// goroutines each, interleaved in chunks in one run. ours_ratio is
// plain time / ours time (1 = no overhead).
func BenchmarkDeliverParallel(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	b.Cleanup(srv.Close)
	secret, _ := webhook.NewSecret()
	eps := webhook.StaticEndpoints{"ep1": {ID: "ep1", URL: srv.URL + "/hook", Secrets: []webhook.Secret{secret}}}
	loop := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	sender, err := webhook.NewSender(webhook.SenderConfig{Endpoints: eps, Guard: &webhook.Guard{Allow: loop}, InsecureDevelopment: true})
	if err != nil {
		b.Fatal(err)
	}
	plain := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100, MaxIdleConns: 200}}
	ev := notify.Event{
		ApplicationID: "B-1", Transition: "RECEIVED", Status: notify.StatusReceived,
		PublicServiceName: "Wohngeld", SenderName: "Stadt Saarbrücken", OccurredAt: time.Now().UTC(),
		Recipients: notify.Recipients{Webhooks: []string{"ep1"}},
	}
	ev.ID, _ = notify.NewEventID()
	ctx := context.Background()
	ours := func() {
		if err := sender.Deliver(ctx, notify.Delivery{Event: ev, Target: "ep1", Attempt: 1}); err != nil {
			b.Error(err)
		}
	}
	bare := func() {
		body, err := webhook.Payload(ev)
		if err != nil {
			b.Error(err)
			return
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/hook", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("webhook-id", string(ev.ID))
		resp, err := plain.Do(req)
		if err != nil {
			b.Error(err)
			return
		}
		resp.Body.Close()
	}
	const workers, chunk = 50, 2000
	run := func(f func()) time.Duration {
		var wg sync.WaitGroup
		per := chunk / workers
		t0 := time.Now()
		for range workers {
			wg.Go(func() {
				for range per {
					f()
				}
			})
		}
		wg.Wait()
		return time.Since(t0)
	}
	run(ours)
	run(bare)
	var to, tb time.Duration
	n := 0
	for b.Loop() {
		to += run(ours)
		tb += run(bare)
		n++
	}
	b.ReportMetric(float64(to.Nanoseconds())/float64(n*chunk)/1000, "ours_us/op")
	b.ReportMetric(float64(tb.Nanoseconds())/float64(n*chunk)/1000, "plain_us/op")
	b.ReportMetric(float64(tb)/float64(to), "ours_ratio")
}
