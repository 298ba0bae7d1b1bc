package xbezahldienste_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/xbezahldienste"
)

// BenchmarkCreatePullRoundTrip measures create + pull through the SDK
// (validation, idempotency record in the memory store, adapter, status
// machine) against a bare net/http client sending the same two requests
// to the same simulator, interleaved in one run. sdk/bare is the SDK's
// overhead factor (target ≤ 1.1), from the medians of both sides.
func BenchmarkCreatePullRoundTrip(b *testing.B) {
	sim := paymenttest.NewXBezahldienste(paymenttest.XConfig{})
	defer sim.Close()
	p, err := xbezahldienste.New(sim.Config())
	if err != nil {
		b.Fatal(err)
	}
	c, err := payment.New(payment.Config{Store: paystore.NewMemoryStore(), Provider: p, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	hc := sim.Server.Client()
	base := sim.URL + "/paymenttransaction/onlinedienst/09162000"
	ctx := context.Background()

	bare := func(i int) {
		sub := &payprovider.Submission{RequestID: fmt.Sprintf("bare-%d", i), Timestamp: time.Now(), Request: paymenttest.ValidRequest(fmt.Sprintf("bare-%d", i))}
		body, err := xbezahldienste.EncodeRequest(sub)
		if err != nil {
			b.Fatal(err)
		}
		resp, err := hc.Post(base, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		// Like any client, the bare one reads the whole answer (the SDK
		// needs its paymentInformation and the paymentRequest echo).
		var created map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&created); err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		info, _ := created["paymentInformation"].(map[string]any)
		txid, _ := info["transactionId"].(string)
		resp, err = hc.Get(base + "/" + txid)
		if err != nil {
			b.Fatal(err)
		}
		var got map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	sdk := func(i int) {
		key := fmt.Sprintf("sdk-%d", i)
		if _, err := c.Create(ctx, paymenttest.ValidRequest(key)); err != nil {
			b.Fatal(err)
		}
		if _, err := c.Sync(ctx, key); err != nil {
			b.Fatal(err)
		}
	}
	bare(-1) // warm connections
	sdk(-1)
	bareT := make([]time.Duration, 0, b.N)
	sdkT := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Alternate the order so neither side profits from going second.
		if i%2 == 0 {
			s := time.Now()
			bare(i)
			m := time.Now()
			sdk(i)
			bareT, sdkT = append(bareT, m.Sub(s)), append(sdkT, time.Since(m))
		} else {
			s := time.Now()
			sdk(i)
			m := time.Now()
			bare(i)
			sdkT, bareT = append(sdkT, m.Sub(s)), append(bareT, time.Since(m))
		}
	}
	// Medians: on a shared machine a few descheduled iterations would
	// otherwise decide the ratio.
	mSDK, mBare := median(sdkT), median(bareT)
	b.ReportMetric(float64(mSDK.Nanoseconds()), "sdk-ns/op")
	b.ReportMetric(float64(mBare.Nanoseconds()), "bare-ns/op")
	b.ReportMetric(float64(mSDK)/float64(mBare), "sdk/bare")
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
