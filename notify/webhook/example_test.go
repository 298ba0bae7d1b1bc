package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/egosaar/ozg/notify/webhook"
)

func ExampleVerifier_Verify() {
	secret, _ := webhook.ParseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	now := time.Unix(1772445600, 0)
	body := []byte(`{"type":"application.status.received"}`)

	h := http.Header{}
	h.Set(webhook.HeaderID, "01950a6e-0000-7000-8000-000000000001")
	h.Set(webhook.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	sig, _ := webhook.Sign("01950a6e-0000-7000-8000-000000000001", now, body, secret)
	h.Set(webhook.HeaderSignature, sig)

	v, _ := webhook.NewVerifier(webhook.VerifierConfig{Secrets: []webhook.Secret{secret}, Now: func() time.Time { return now }})
	msg, err := v.Verify(context.Background(), body, h)
	fmt.Println(msg.ID, err)

	_, err = v.Verify(context.Background(), []byte(`{"type":"forged"}`), h)
	fmt.Println(errors.Is(err, webhook.ErrNoMatchingSignature))
	// Output:
	// 01950a6e-0000-7000-8000-000000000001 <nil>
	// true
}

func ExampleGuard() {
	g := &webhook.Guard{}
	for _, ip := range []string{"169.254.169.254", "10.1.2.3", "::ffff:127.0.0.1", "8.8.8.8"} {
		fmt.Println(ip, g.Control("tcp", ip+":443", nil) == nil)
	}
	// Output:
	// 169.254.169.254 false
	// 10.1.2.3 false
	// ::ffff:127.0.0.1 false
	// 8.8.8.8 true
}
