package email_test

import (
	"fmt"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/email"
)

// The Message-ID of an event's mail is the same on every retry; its
// domain is the one of the event's tenant's sender.
func ExampleSender_MessageID() {
	s, _ := email.New(email.Config{Host: "smtp.amt.example", Tenants: map[string]email.Identity{
		"100410000000": {From: "noreply@saarbruecken.example", FromName: "Landeshauptstadt Saarbrücken"},
		"100420000000": {From: "noreply@voelklingen.example", FromName: "Stadt Völklingen"},
	}})
	id := notify.EventID("01950a6e-0000-7000-8000-000000000001")
	fmt.Println(s.MessageID(notify.Event{ID: id, Tenant: "100420000000"}))
	fmt.Println(s.MessageID(notify.Event{ID: id})) // no default sender configured
	// Output:
	// 01950a6e-0000-7000-8000-000000000001@voelklingen.example true
	//  false
}
