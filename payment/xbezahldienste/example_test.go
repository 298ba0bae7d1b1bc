package xbezahldienste_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/xbezahldienste"
)

// OAuth2 client credentials against a Bezahldienst; after the server
// revokes the token, the adapter refreshes it once and continues.
func ExampleNewOAuth2() {
	ctx := context.Background()
	sim := paymenttest.NewXBezahldienste(paymenttest.XConfig{
		OAuth2: &paymenttest.OAuth2Client{ClientID: "onlinedienst-42", ClientSecret: "from-the-vault"},
	})
	defer sim.Close()

	cfg := sim.Config()
	auth, err := xbezahldienste.NewOAuth2(xbezahldienste.OAuth2Config{
		InsecureDevelopment: true, // the simulator's token endpoint is plain http on loopback
		TokenURL:            sim.TokenURL(), ClientID: "onlinedienst-42", ClientSecret: "from-the-vault", HTTPClient: cfg.HTTPClient,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg.Auth = auth
	provider, err := xbezahldienste.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("status:", provider.Status(ctx))

	c, _ := payment.New(payment.Config{Store: paystore.NewMemoryStore(), Provider: provider, Logger: slog.New(slog.DiscardHandler)})
	tx, err := c.Create(ctx, paymenttest.ValidRequest("k-1"))
	if err != nil {
		fmt.Println(err)
		return
	}
	sim.RevokeTokens()
	tx, err = c.Sync(ctx, tx.RequestID)
	fmt.Println(tx.Status, err, "token requests:", sim.Calls("token"))
	// Output:
	// status: <nil>
	// INITIAL <nil> token requests: 2
}
