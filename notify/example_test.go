package notify_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"time"

	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/webhook"
)

// A status change is committed together with its notification; the
// receiver verifies the Standard Webhooks signature.
func Example() {
	ctx := context.Background()
	secret, _ := webhook.NewSecret()

	// The receiving municipality.
	verifier, _ := webhook.NewVerifier(webhook.VerifierConfig{Secrets: []webhook.Secret{secret}})
	got := make(chan string, 1)
	receiver := httptest.NewServer(verifier.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		msg, _ := webhook.MessageFromContext(r.Context())
		got <- string(msg.Body[:38])
	})))
	defer receiver.Close()

	// The sending online service.
	db, _ := database.OpenSQLite(ctx, database.MemoryPath)
	defer db.Close()
	sender, _ := webhook.NewSender(webhook.SenderConfig{
		Endpoints: webhook.StaticEndpoints{"kommune": {ID: "kommune", URL: receiver.URL, Secrets: []webhook.Secret{secret}}},
		// Only for this loopback example; production endpoints are https
		// and public (or listed in Guard.Allow).
		Guard:               &webhook.Guard{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}},
		InsecureDevelopment: true,
	})
	client, err := notify.NewSQLite(db, notify.Config{Channels: []notify.Channel{sender}, FetchPollInterval: 50 * time.Millisecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := client.Migrate(ctx); err != nil {
		fmt.Println(err)
		return
	}
	_ = client.Start(ctx)
	defer client.Stop(ctx)

	tx, _ := db.BeginTx(ctx, nil)
	// ... the application's own state change in tx ...
	_, err = client.EnqueueTx(ctx, tx, notify.Event{
		ApplicationID: "WG-2026-0815",
		Transition:    "RECEIVED",
		Status:        notify.StatusReceived,
		Recipients:    notify.Recipients{Webhooks: []string{"kommune"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = tx.Commit()
	fmt.Println(<-got)
	// Output: {"type":"application.status.received",
}
