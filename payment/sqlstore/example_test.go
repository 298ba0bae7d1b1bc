package sqlstore_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/sqlstore"
)

func ExampleOpenSQLite() {
	ctx := context.Background()
	store, err := sqlstore.OpenSQLite(ctx, database.MemoryPath) // in-memory; pass a file path in production
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	c, _ := payment.New(payment.Config{Provider: paymenttest.NewFakeProvider(), Store: store, Logger: slog.New(slog.DiscardHandler)})
	tx, err := c.Create(ctx, paymenttest.ValidRequest("k-1"))
	if err != nil {
		fmt.Println(err)
		return
	}
	stored, _ := store.Get(ctx, "k-1")
	fmt.Println(tx.Status, stored.TransactionID, stored.Request.Items[0].Booking.Kassenzeichen)
	// Output: INITIAL FX-k-1 4200000000061
}
