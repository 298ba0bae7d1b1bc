package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/egosaar/ozg/notify"
)

// Notification is the body notify's webhook channel sends: the Standard
// Webhooks recommended envelope (type, timestamp, data). It is a thin
// payload: no message texts, attachments or recipient addresses.
// Receivers decode a verified body with [DecodeNotification].
type Notification struct {
	// Type is the event type, e.g. "application.status.completed".
	Type string `json:"type"`
	// Timestamp is when the status changed (Event.OccurredAt), UTC.
	Timestamp time.Time        `json:"timestamp"`
	Data      NotificationData `json:"data"`
}

// NotificationData is the data object of a Notification.
type NotificationData struct {
	EventID       notify.EventID `json:"event_id"`
	ApplicationID string         `json:"application_id"`
	Transition    string         `json:"transition"`
	// Sequence orders the events of one application (higher is newer);
	// 0 in bodies of SDK versions before it was introduced.
	Sequence              int64           `json:"sequence,omitempty"`
	Status                notify.Status   `json:"status,omitempty"`
	Payment               *notify.Payment `json:"payment,omitempty"`
	PublicServiceName     string          `json:"public_service_name,omitempty"`
	SenderName            string          `json:"sender_name,omitempty"`
	StatusDetails         string          `json:"status_details,omitempty"`
	AdditionalInformation string          `json:"additional_information,omitempty"`
}

// ErrInvalidPayload: a body is not a Notification of this SDK.
var ErrInvalidPayload = errors.New("webhook: invalid notification payload")

// DecodeNotification decodes the body of a verified webhook (Message.Body)
// into a Notification. Unknown fields are ignored, so receivers keep
// working when later SDK versions add some; a body without type, event ID
// (a canonical UUID), application ID or transition, with a negative
// sequence, or with neither status nor payment is
// ErrInvalidPayload.
func DecodeNotification(body []byte) (Notification, error) {
	var n Notification
	if err := json.Unmarshal(body, &n); err != nil {
		return Notification{}, fmt.Errorf("%w: not JSON of the expected shape", ErrInvalidPayload)
	}
	d := n.Data
	switch {
	case n.Type == "":
		return Notification{}, fmt.Errorf("%w: no type", ErrInvalidPayload)
	case d.ApplicationID == "" || d.Transition == "":
		return Notification{}, fmt.Errorf("%w: no application_id or transition", ErrInvalidPayload)
	case d.Sequence < 0:
		return Notification{}, fmt.Errorf("%w: negative sequence", ErrInvalidPayload)
	case d.Status == "" && d.Payment == nil:
		return Notification{}, fmt.Errorf("%w: status or payment required", ErrInvalidPayload)
	case d.Status != "" && !d.Status.Valid():
		return Notification{}, fmt.Errorf("%w: unknown status", ErrInvalidPayload)
	case d.Payment != nil && !d.Payment.Status.Valid():
		return Notification{}, fmt.Errorf("%w: unknown payment status", ErrInvalidPayload)
	}
	if _, err := notify.ParseEventID(string(d.EventID)); err != nil {
		return Notification{}, fmt.Errorf("%w: event_id is not a canonical UUID", ErrInvalidPayload)
	}
	return n, nil
}
