package postfach_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/egosaar/ozg/notify/postfach"
)

// Limits are checked before any request is made.
func ExampleStatusUpdate_Validate() {
	u := postfach.StatusUpdate{
		MailboxUUID: "4d6f1b7e-2f43-4c1a-9a55-7d3f0b2a9c11", ApplicationID: "WG-1", Status: "PROCESSING",
		PublicServiceName: "Wohngeld", SenderName: "Stadt Saarbrücken", CreatedDate: time.Now(),
		StatusDetails: strings.Repeat("x", 51),
	}
	err := u.Validate()
	fmt.Println(errors.Is(err, postfach.ErrLimit))
	fmt.Println(err)
	// Output:
	// true
	// postfach: statusDetails: 51 characters, at most 50
}
