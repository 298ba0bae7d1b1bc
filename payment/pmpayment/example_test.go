package pmpayment_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/pmpayment"
)

func Example() {
	ctx := context.Background()
	sim := paymenttest.NewPMPayment(paymenttest.PMConfig{Salt: "verfahrens-salt"})
	defer sim.Close()

	// The online service's notify endpoint.
	var client *payment.Client
	app := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client.PushHandler().ServeHTTP(w, r)
	}))
	defer app.Close()
	notifyURL := "http://" + app.Listener.Addr().String() + "/payment/notify"

	provider, err := pmpayment.New(sim.Config(notifyURL))
	if err != nil {
		fmt.Println(err)
		return
	}
	client, _ = payment.New(payment.Config{Store: paystore.NewMemoryStore(),
		Provider: provider, Logger: slog.New(slog.DiscardHandler),
		OnStatusChange: func(_ context.Context, c payment.StatusChange) { fmt.Println("applied:", c.To) },
	})
	app.Start()

	req := paymenttest.ValidRequest("antrag-42")
	req.Purpose = "Gebuehr Parken 2026"
	tx, err := client.Create(ctx, req)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("pay at:", tx.PayURL == sim.URL+"/pay/antrag-42")

	code, _ := sim.Pay(ctx, "antrag-42") // signed notification → verify → pull
	fmt.Println("notify answered:", code)
	n, _ := sim.Notification("antrag-42")
	code, _ = sim.Push(ctx, "antrag-42", n) // redelivery
	fmt.Println("duplicate answered:", code)
	// Output:
	// pay at: true
	// applied: PAYED
	// notify answered: 200
	// duplicate answered: 200
}
