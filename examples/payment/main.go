// Command payment shows an OZG online service taking a fee through
// XBezahldienste: it stores the request in SQLite, creates the payment
// idempotently, sends the citizen to the hosted pay page, pulls the result
// after the redirect and reconciles in the background.
//
// It runs against the paymenttest simulator, so it needs no Bezahldienst:
//
//	go run ./examples/payment
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/payment/sqlstore"
	"github.com/egosaar/ozg/payment/xbezahldienste"
)

func main() {
	if err := run(context.Background(), os.Stdout, ""); err != nil {
		fmt.Fprintln(os.Stderr, "payment example:", err)
		os.Exit(1)
	}
}

// run executes the walk-through; dbPath "" uses an in-memory database.
func run(ctx context.Context, out io.Writer, dbPath string) error {
	sim := paymenttest.NewXBezahldienste(paymenttest.XConfig{OriginatorID: "bewohnerparken", EndpointID: "09162000"})
	defer sim.Close()

	store, err := sqlstore.OpenSQLite(ctx, dbPath)
	if err != nil {
		return err
	}
	defer store.Close()

	cfg := sim.Config() // BaseURL, OriginatorID, EndpointID, HTTPClient
	// In production: cfg.Auth, _ = xbezahldienste.NewOAuth2(xbezahldienste.OAuth2Config{...})
	provider, err := xbezahldienste.New(cfg)
	if err != nil {
		return err
	}
	client, err := payment.New(payment.Config{
		Provider: provider,
		Store:    store,
		Logger:   slog.New(slog.DiscardHandler),
		OnStatusChange: func(_ context.Context, c payment.StatusChange) {
			fmt.Fprintf(out, "notify applicant: payment %s is %s\n", c.RequestID, c.To)
		},
	})
	if err != nil {
		return err
	}

	fee, err := paytype.ParseEUR("30.00")
	if err != nil {
		return err
	}
	req := &paytype.CreateRequest{
		IdempotencyKey: "antrag-2026-000123", // the application's ID: retries reuse it
		Currency:       paytype.EUR,
		Total:          fee,
		Purpose:        "Bewohnerparkausweis",
		RedirectURL:    "https://service.example/antrag-2026-000123/bezahlt",
		Items: []paytype.Item{{
			ID: "gebuehr", Quantity: 1, SingleNet: fee, TotalNet: fee,
			Booking: paytype.Booking{
				Kassenzeichen: "4200000000123", Haushaltsstelle: "1.1100.432100",
				Buchungstext: "Parkausweis", Belegnummer: "PA-2026-000123",
			},
		}},
	}
	tx, err := client.Create(ctx, req)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "created %s: %s EUR, status %s\n", tx.RequestID, tx.Request.Total, tx.Status)

	// The citizen pays on the hosted page and is redirected back.
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.PostForm(tx.PayURL, url.Values{"action": {"pay"}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	fmt.Fprintf(out, "redirected to %s\n", resp.Header.Get("Location"))

	// The redirect proves nothing: pull the result.
	tx, err = client.Sync(ctx, "antrag-2026-000123")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "pulled status %s\n", tx.Status)

	// A retry of the same request (e.g. a double click) is harmless.
	again, err := client.Create(ctx, req)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "retry returned the same transaction: %t (provider creates: %d)\n", again.TransactionID == tx.TransactionID, sim.Calls("create"))
	return nil
}
