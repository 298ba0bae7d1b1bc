package notify_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/notify"
)

// smsGateway is an application's own channel: text messages through an
// SMS gateway (here it only records them).
type smsGateway struct{ sent chan string }

func (*smsGateway) Name() string { return "sms" }

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// ValidateRoute refuses at enqueue what the gateway would refuse: numbers
// not in E.164 form and texts over one SMS.
func (*smsGateway) ValidateRoute(_ context.Context, ev notify.Event, number string) error {
	if !e164.MatchString(number) {
		return &notify.FieldError{Field: "number", Reason: "not an E.164 number"}
	}
	if len(smsText(ev)) > 160 {
		return &notify.FieldError{Field: "text", Reason: "longer than 160 characters"}
	}
	return nil
}

func smsText(ev notify.Event) string {
	return fmt.Sprintf("Antrag %s: %s", ev.ApplicationID, ev.Status)
}

func (g *smsGateway) Deliver(ctx context.Context, d notify.Delivery) error {
	// The same rules again at delivery: one rule set at both ends.
	if err := g.ValidateRoute(ctx, d.Event, d.Target); err != nil {
		return &notify.DeliveryError{Class: notify.ClassInvalid, Permanent: true, Err: err}
	}
	notify.ReportStatus(ctx, 202) // what the gateway answered
	g.sent <- d.Target + " " + smsText(d.Event)
	return nil
}

// An application adds its own channel (an SMS gateway) and routes events
// to it with Recipients.Custom; invalid routes are refused at enqueue.
func Example_customChannel() {
	ctx := context.Background()
	db, _ := database.OpenSQLite(ctx, database.MemoryPath)
	defer db.Close()
	sms := &smsGateway{sent: make(chan string, 1)}
	client, err := notify.NewSQLite(db, notify.Config{Channels: []notify.Channel{sms}, FetchPollInterval: 50 * time.Millisecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = client.Migrate(ctx)
	_ = client.Start(ctx)
	defer client.Stop(ctx)

	ev := notify.Event{ApplicationID: "WG-2026-0815", Transition: "COMPLETED", Status: notify.StatusCompleted,
		Recipients: notify.Recipients{Custom: []notify.Route{{Channel: "sms", Target: "0151 1234567"}}}}
	_, err = client.Enqueue(ctx, ev)
	var re *notify.RouteError
	fmt.Println(errors.As(err, &re), re.Channel, re.Field)

	ev.Recipients.Custom[0].Target = "+491511234567"
	if _, err := client.Enqueue(ctx, ev); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(<-sms.sent)
	// Output:
	// true sms number
	// +491511234567 Antrag WG-2026-0815: COMPLETED
}
