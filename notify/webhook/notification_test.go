package webhook_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/webhook"
)

func TestDecodeNotification(t *testing.T) {
	ev := notify.Event{ID: "01950a6e-0000-7000-8000-000000000001", ApplicationID: "WG-1", Transition: "COMPLETED", Sequence: 3,
		Status: notify.StatusCompleted, OccurredAt: time.Date(2026, 3, 2, 10, 0, 0, 123000, time.UTC), StatusDetails: "Bescheid erteilt"}
	body, err := webhook.Payload(ev)
	require.NoError(t, err)
	n, err := webhook.DecodeNotification(body)
	require.NoError(t, err)
	assert.Equal(t, "application.status.completed", n.Type)
	assert.True(t, ev.OccurredAt.Equal(n.Timestamp))
	assert.Equal(t, ev.ID, n.Data.EventID)
	assert.Equal(t, int64(3), n.Data.Sequence)
	assert.Equal(t, notify.StatusCompleted, n.Data.Status)
	assert.Equal(t, "Bescheid erteilt", n.Data.StatusDetails)

	pay := ev
	pay.Status, pay.Payment = "", &notify.Payment{Status: notify.PaymentPaid, AmountCents: 4584, Currency: "EUR"}
	body, err = webhook.Payload(pay)
	require.NoError(t, err)
	n, err = webhook.DecodeNotification(body)
	require.NoError(t, err)
	assert.Equal(t, "payment.paid", n.Type)
	assert.Equal(t, int64(4584), n.Data.Payment.AmountCents)

	// Fields added by later versions are ignored.
	_, err = webhook.DecodeNotification([]byte(`{"type":"a.b","timestamp":"2026-03-02T10:00:00Z","future":1,
		"data":{"event_id":"01950a6e-0000-7000-8000-000000000001","application_id":"A","transition":"T","status":"RECEIVED","new":true}}`))
	require.NoError(t, err)

	for name, b := range map[string]string{
		"empty":           ``,
		"not json":        `<xml/>`,
		"array":           `[]`,
		"null":            `null`,
		"no type":         `{"data":{"event_id":"01950a6e-0000-7000-8000-000000000001","application_id":"A","transition":"T","status":"RECEIVED"}}`,
		"bad event id":    `{"type":"a","data":{"event_id":"x","application_id":"A","transition":"T","status":"RECEIVED"}}`,
		"upper uuid":      `{"type":"a","data":{"event_id":"01950A6E-0000-7000-8000-000000000001","application_id":"A","transition":"T","status":"RECEIVED"}}`,
		"no application":  `{"type":"a","data":{"event_id":"01950a6e-0000-7000-8000-000000000001","transition":"T","status":"RECEIVED"}}`,
		"no transition":   `{"type":"a","data":{"event_id":"01950a6e-0000-7000-8000-000000000001","application_id":"A","status":"RECEIVED"}}`,
		"no status":       `{"type":"a","data":{"event_id":"01950a6e-0000-7000-8000-000000000001","application_id":"A","transition":"T"}}`,
		"unknown status":  `{"type":"a","data":{"event_id":"01950a6e-0000-7000-8000-000000000001","application_id":"A","transition":"T","status":"DONE"}}`,
		"unknown payment": `{"type":"a","data":{"event_id":"01950a6e-0000-7000-8000-000000000001","application_id":"A","transition":"T","payment":{"status":"PAYED"}}}`,
		"negative seq":    `{"type":"a","data":{"event_id":"01950a6e-0000-7000-8000-000000000001","application_id":"A","transition":"T","status":"RECEIVED","sequence":-1}}`,
		"bad timestamp":   `{"type":"a","timestamp":"yesterday","data":{"event_id":"01950a6e-0000-7000-8000-000000000001","application_id":"A","transition":"T","status":"RECEIVED"}}`,
		"wrong types":     `{"type":1,"data":{}}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := webhook.DecodeNotification([]byte(b))
			assert.ErrorIs(t, err, webhook.ErrInvalidPayload)
		})
	}
}

func FuzzDecodeNotification(f *testing.F) {
	body, _ := webhook.Payload(notify.Event{ID: "01950a6e-0000-7000-8000-000000000001", ApplicationID: "A", Transition: "T", Status: notify.StatusReceived})
	f.Add(body)
	f.Add([]byte(`{"type":"a","data":{"payment":{"status":"PAID"}}}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := webhook.DecodeNotification(b)
		if err != nil {
			return
		}
		if n.Type == "" || n.Data.ApplicationID == "" || (n.Data.Status == "" && n.Data.Payment == nil) {
			t.Fatalf("accepted incomplete notification %q", b)
		}
	})
}
