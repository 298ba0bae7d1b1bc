package paymenttest_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/xbezahldienste"
)

// A Bezahldienst that reports a different amount than requested: the
// client refuses the result and records an anomaly.
func ExampleXBezahldienste_ReportAmount() {
	ctx := context.Background()
	sim := paymenttest.NewXBezahldienste(paymenttest.XConfig{})
	defer sim.Close()
	p, _ := xbezahldienste.New(sim.Config())
	c, _ := payment.New(payment.Config{Store: paystore.NewMemoryStore(), Provider: p, Logger: slog.New(slog.DiscardHandler)})

	tx, _ := c.Create(ctx, paymenttest.ValidRequest("k-1"))
	_ = sim.Pay(tx.TransactionID)
	sim.ReportAmount(tx.TransactionID, 100)
	_, err := c.Sync(ctx, "k-1")
	fmt.Println(errors.Is(err, payment.ErrMismatch))
	an, _ := c.Anomalies(ctx, "k-1")
	fmt.Println(an[0].Kind)
	got, _ := c.Get(ctx, "k-1")
	fmt.Println(got.Status)
	// Output:
	// true
	// mismatch
	// INITIAL
}
