package pmpayment_test

import (
	"context"
	"testing"
	"time"

	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/pmpayment"
)

// BenchmarkVerifyPush: parse + HMAC-SHA256 verify (two secrets, rotation)
// + tolerance check of one pmPayment notification.
func BenchmarkVerifyPush(b *testing.B) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	p, err := pmpayment.New(pmpayment.Config{BaseURL: "https://pm.example", AGS: "09162000", Procedure: "p", Salt: "salt",
		PushSecrets: []payprovider.Secret{"new-salt", "salt"}, NotifyURL: "https://s.example/n", Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	n := &pmpayment.Notification{AGS: "09162000", TxID: "k-1", Amount: "4584", Desc: "Gebuehr", Status: "1", PaymentMethod: "giropay", CreatedAt: "2026-03-01 09:59:00"}
	if err := pmpayment.SignNotification(n, "salt"); err != nil {
		b.Fatal(err)
	}
	in := payprovider.PushInput{Method: "POST", Body: []byte(n.Form().Encode())}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := p.VerifyPush(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "verifications/s")
}
