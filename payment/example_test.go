package payment_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/payment/xbezahldienste"
)

func ExampleParseEUR() {
	a, err := paytype.ParseEUR("45.84")
	fmt.Println(int64(a), a, err)
	_, err = paytype.ParseEUR("10.005")
	fmt.Println(err)
	// Output:
	// 4584 45.84 <nil>
	// payment: invalid amount "10.005": more than two decimals
}

func ExampleClient_Create() {
	ctx := context.Background()
	sim := paymenttest.NewXBezahldienste(paymenttest.XConfig{})
	defer sim.Close()

	provider, err := xbezahldienste.New(sim.Config())
	if err != nil {
		fmt.Println(err)
		return
	}
	client, err := payment.New(payment.Config{Store: paystore.NewMemoryStore(),
		Provider: provider,
		Logger:   slog.New(slog.DiscardHandler),
		OnStatusChange: func(_ context.Context, c payment.StatusChange) {
			fmt.Printf("status %s -> %s\n", c.From, c.To)
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	req := paymenttest.ValidRequest("antrag-2026-0815")
	tx, err := client.Create(ctx, req)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("created:", tx.Status, tx.Request.Total, "EUR, Kassenzeichen", tx.Reference)

	// The citizen pays on the hosted page, then comes back via the
	// redirect URL; the service pulls the result.
	_ = sim.Pay(tx.TransactionID)
	tx, err = client.Sync(ctx, "antrag-2026-0815")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("after return:", tx.Status)

	// Same key, same request: the stored transaction, no second payment.
	again, _ := client.Create(ctx, paymenttest.ValidRequest("antrag-2026-0815"))
	fmt.Println("retry:", again.TransactionID == tx.TransactionID, sim.Calls("create"))
	// Output:
	// created: INITIAL 45.84 EUR, Kassenzeichen 4200000000061
	// status INITIAL -> PAYED
	// after return: PAYED
	// retry: true 1
}
