package email_test

import (
	"fmt"

	"github.com/egosaar/ozg/notify/email"
)

// The Message-ID of an event's mail is the same on every retry.
func ExampleSender_MessageID() {
	s, _ := email.New(email.Config{Host: "smtp.amt.example", From: "noreply@amt.example"})
	fmt.Println(s.MessageID("01950a6e-0000-7000-8000-000000000001"))
	// Output: 01950a6e-0000-7000-8000-000000000001@amt.example
}
