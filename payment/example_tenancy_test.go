package payment_test

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

// Two municipalities, each with its own Bezahldienst account, share one
// store: each Client sees only its own tenant's transactions, even under
// the same idempotency key; the state-wide operator lists across tenants
// on the store itself.
func ExampleConfig_tenant() {
	ctx := context.Background()
	store := paystore.NewMemoryStore() // payment/sqlstore in production
	clients := map[string]*payment.Client{}
	sims := map[string]*paymenttest.XBezahldienste{}
	for _, ars := range []string{"100410100100", "100420113113"} { // Saarbrücken, Merzig
		sim := paymenttest.NewXBezahldienste(paymenttest.XConfig{})
		defer sim.Close()
		provider, err := xbezahldienste.New(sim.Config())
		if err != nil {
			fmt.Println(err)
			return
		}
		c, err := payment.New(payment.Config{Tenant: ars, Provider: provider, Store: store, Logger: slog.New(slog.DiscardHandler),
			OnStatusChange: func(_ context.Context, sc payment.StatusChange) {
				fmt.Printf("tenant %s: %s -> %s\n", sc.Tenant, sc.From, sc.To)
			}})
		if err != nil {
			fmt.Println(err)
			return
		}
		clients[ars], sims[ars] = c, sim
	}
	sb, mzg := clients["100410100100"], clients["100420113113"]
	for _, c := range []*payment.Client{sb, mzg} {
		tx, err := c.Create(ctx, paymenttest.ValidRequest("antrag-2026-0815"))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("created in", tx.Tenant)
	}
	tx, _ := sb.Get(ctx, "antrag-2026-0815")
	_ = sims["100410100100"].Pay(tx.TransactionID)
	if _, err := sb.Sync(ctx, "antrag-2026-0815"); err != nil {
		fmt.Println(err)
		return
	}
	other, _ := mzg.Get(ctx, "antrag-2026-0815")
	fmt.Println("Merzig's own transaction:", other.Status)

	_, err := sb.ListOpen(ctx, paystore.ListFilter{AllTenants: true})
	fmt.Println("all tenants through a tenant's Client refused:", errors.Is(err, paystore.ErrForeignTenant))
	page, _ := store.ListOpen(ctx, paystore.ListFilter{AllTenants: true})
	for _, t := range page.Transactions {
		fmt.Println("open:", t.Tenant, t.RequestID)
	}
	// Output:
	// created in 100410100100
	// created in 100420113113
	// tenant 100410100100: INITIAL -> PAYED
	// Merzig's own transaction: INITIAL
	// all tenants through a tenant's Client refused: true
	// open: 100420113113 antrag-2026-0815
}
