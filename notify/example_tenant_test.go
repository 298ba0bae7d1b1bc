package notify_test

import (
	"context"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"time"

	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/email"
)

// Two municipalities share one outbox: each notice goes out in its own
// municipality's name, a municipality without a sender is refused at
// enqueue, and the delivery log is read per municipality.
func Example_tenants() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "notify-tenants")
	defer os.RemoveAll(dir)
	const saarbruecken, voelklingen = "100410000000", "100420000000" // ARS as tenant keys

	mailer, _ := email.New(email.Config{PickupDir: dir, Tenants: map[string]email.Identity{
		saarbruecken: {From: "noreply@saarbruecken.example", FromName: "Landeshauptstadt Saarbrücken"},
		voelklingen:  {From: "noreply@voelklingen.example", FromName: "Stadt Völklingen"},
	}})
	db, _ := database.OpenSQLite(ctx, database.MemoryPath)
	defer db.Close()
	client, _ := notify.NewSQLite(db, notify.Config{Channels: []notify.Channel{mailer}, FetchPollInterval: 50 * time.Millisecond})
	_ = client.Migrate(ctx)
	_ = client.Start(ctx)
	defer client.Stop(ctx)

	notice := func(tenant string) notify.Event {
		return notify.Event{Tenant: tenant, ApplicationID: "BA-1", Transition: "RECEIVED", Status: notify.StatusReceived,
			Recipients: notify.Recipients{Email: "erika@example.org"}}
	}
	_, err := client.Enqueue(ctx, notice("100430000000"))
	fmt.Println("unknown municipality:", err)
	out, _ := client.Enqueue(ctx, notice(voelklingen))

	var attempts []notify.Attempt
	for range 200 {
		_ = client.FlushLog(ctx)
		if attempts, _ = client.EventAttempts(ctx, notify.ForTenant(voelklingen), out.EventID); len(attempts) > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	f, _ := os.Open(filepath.Join(dir, string(out.EventID)+".eml"))
	defer f.Close()
	msg, _ := mail.ReadMessage(f)
	from, _ := mail.ParseAddress(msg.Header.Get("From"))
	fmt.Println("from:", from.Name, from.Address)
	fmt.Println("Völklingen's log:", len(attempts), attempts[0].Outcome)
	other, _ := client.EventAttempts(ctx, notify.ForTenant(saarbruecken), out.EventID)
	fmt.Println("Saarbrücken's log:", len(other))
	_, err = client.Attempts(ctx, notify.Scope{}, "BA-1", 0)
	fmt.Println(err)
	// Output:
	// unknown municipality: notify: channel email has no sender for tenant "100430000000"
	// from: Stadt Völklingen noreply@voelklingen.example
	// Völklingen's log: 1 delivered
	// Saarbrücken's log: 0
	// notify: attempts: no tenant: use ForTenant or AllTenants
}
