package notify

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// EventID identifies one status notification. It is a UUIDv7 (RFC 9562
// §5.7) assigned once at enqueue and reused unchanged on every retry, every
// channel and every replay: it is the Standard Webhooks webhook-id, the seed
// of the e-mail Message-ID, the Postfach reference and the jti of the audit
// SET. Receivers deduplicate on it.
type EventID string

// NewEventID returns a fresh UUIDv7 event ID.
func NewEventID() (EventID, error) {
	u, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("notify: new event id: %w", err)
	}
	return EventID(u.String()), nil
}

// ParseEventID checks that s is a canonical UUID and returns it as EventID.
func ParseEventID(s string) (EventID, error) {
	u, err := uuid.Parse(s)
	if err != nil || u.String() != s {
		return "", fmt.Errorf("%w: event id is not a canonical UUID", ErrInvalidEvent)
	}
	return EventID(s), nil
}

func (id EventID) String() string { return string(id) }

// Status is an application's processing status in the vocabulary of the
// ZBP Statusmonitor (status-update schema 0.9.0; the official enum is not
// public, the values are those of the FIT-Connect ZBP bridge client
// optiGov/php-fitconnect, ZbpSubmissionState). The zero value is invalid.
type Status string

// Statusmonitor states.
const (
	StatusInitiated      Status = "INITIATED"       // application started, not submitted
	StatusSubmitted      Status = "SUBMITTED"       // sent by the applicant
	StatusReceived       Status = "RECEIVED"        // received by the authority
	StatusProcessing     Status = "PROCESSING"      // in progress
	StatusActionRequired Status = "ACTION_REQUIRED" // the applicant must act (Rueckfrage)
	StatusCompleted      Status = "COMPLETED"       // decided or closed
)

// Valid reports whether s is one of the Statusmonitor states.
func (s Status) Valid() bool {
	switch s {
	case StatusInitiated, StatusSubmitted, StatusReceived, StatusProcessing, StatusActionRequired, StatusCompleted:
		return true
	}
	return false
}

// PaymentStatus is the state of a fee payment reported as an event.
type PaymentStatus string

// Payment states reported by notify (the payment package owns the full
// status machine; these are the states an applicant hears about).
//
// The spelling is notify's own, in plain English, because it reaches
// applicants and webhook consumers (event type "payment.paid"). The
// payment package keeps the wire word of the payment providers and
// XBezahldienste, "PAYED" (paytype.StatusPaid); map paytype.StatusPaid to
// PaymentPaid when announcing a payment. Both Go names read "Paid".
const (
	PaymentPaid     PaymentStatus = "PAID"
	PaymentFailed   PaymentStatus = "FAILED"
	PaymentCanceled PaymentStatus = "CANCELED"
	PaymentRefunded PaymentStatus = "REFUNDED"
)

// Valid reports whether p is a known payment state.
func (p PaymentStatus) Valid() bool {
	switch p {
	case PaymentPaid, PaymentFailed, PaymentCanceled, PaymentRefunded:
		return true
	}
	return false
}

// Payment describes a payment event. Amounts are in euro cents.
type Payment struct {
	Status PaymentStatus `json:"status"`
	// Kassenzeichen is the treasury's payment reference (ePayBL,
	// XBezahldienste kassenzeichen); optional.
	Kassenzeichen string `json:"kassenzeichen,omitempty"`
	AmountCents   int64  `json:"amount_cents,omitempty"`
	Currency      string `json:"currency,omitempty"`
}

// Attachment is a document sent with an e-mail or Postfach message, for
// example a Bescheid (decision notice) as PDF.
type Attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
}

// Recipients are the channels an event is delivered on. Each non-empty
// entry becomes one delivery job with its own retry schedule.
type Recipients struct {
	// Webhooks lists endpoint IDs resolved by the webhook channel's
	// endpoint source (never URLs or secrets: job rows are not secret).
	Webhooks []string `json:"webhooks,omitempty"`
	// Email is the applicant's e-mail address.
	Email string `json:"email,omitempty"`
	// Mailbox is the Postkorb-Handle (ZBP mailboxUuid) of the applicant's
	// BundID mailbox.
	Mailbox string `json:"mailbox,omitempty"`
	// Custom routes the event to channels an application added (an SMS
	// gateway, say): one Route per channel target. Built-in channel names
	// are refused here; use the fields above for them.
	Custom []Route `json:"custom,omitempty"`
}

// Message is the human-readable part of an event for e-mail and Postfach.
type Message struct {
	Title       string       `json:"title,omitempty"`
	Body        string       `json:"body,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Event is one status change to announce. Only ApplicationID, Transition
// and either Status or Payment are required; EnqueueTx fills ID and
// OccurredAt.
type Event struct {
	ID EventID `json:"id"`
	// Tenant is the opaque key of the tenant (municipality) the event
	// belongs to, chosen by the caller — the ARS is the natural one; ""
	// is the default tenant of a single-tenant deployment. It selects the
	// sender identity on every channel ([TenantChannel]), and scopes
	// everything stored for the event: job uniqueness, sequence, delivery
	// log, dead letters, endpoint state and audit record ([Scope]).
	// [A-Za-z0-9._-], at most 64 characters ([ValidTenant]).
	Tenant string `json:"tenant,omitempty"`
	// Type is the Standard Webhooks event type (full-stop delimited,
	// [a-zA-Z0-9_]); default derived from Status or Payment, e.g.
	// "application.status.received" or "payment.paid".
	Type string `json:"type"`
	// ApplicationID is the Antrag/case ID (ZBP applicationId).
	ApplicationID string `json:"application_id"`
	// Transition names this state change uniquely within the application
	// (e.g. "RECEIVED" or "ACTION_REQUIRED#2"). Enqueueing the same
	// (ApplicationID, Transition) twice for a channel is a no-op.
	Transition string `json:"transition"`
	// Sequence orders the events of one application: EnqueueTx assigns
	// 1, 2, 3 … in the caller's transaction, in commit order (a value set
	// by the caller is replaced). "Newer" always means a higher Sequence,
	// never a later status value: ACTION_REQUIRED → PROCESSING is a
	// legitimate step. See Ordering.
	Sequence   int64     `json:"sequence,omitempty"`
	Status     Status    `json:"status,omitempty"`
	Payment    *Payment  `json:"payment,omitempty"`
	OccurredAt time.Time `json:"occurred_at"`
	// PublicServiceName and SenderName are shown in the Statusmonitor
	// (publicServiceName, senderName: 1-100 characters).
	PublicServiceName string `json:"public_service_name,omitempty"`
	SenderName        string `json:"sender_name,omitempty"`
	// StatusDetails (≤50) and AdditionalInformation (≤100) are optional
	// Statusmonitor texts.
	StatusDetails         string     `json:"status_details,omitempty"`
	AdditionalInformation string     `json:"additional_information,omitempty"`
	Message               Message    `json:"message,omitzero"`
	Recipients            Recipients `json:"recipients,omitzero"`
}

// Field limits checked before anything is stored.
const (
	maxApplicationID = 255
	maxTransition    = 255
	maxTypeLen       = 128
)

// Validate checks the event for enqueueing. It returns an error wrapping
// ErrInvalidEvent (as *FieldError where a field is at fault).
func (e *Event) Validate() error {
	if e.ID != "" {
		if _, err := ParseEventID(string(e.ID)); err != nil {
			return &FieldError{Field: "ID", Reason: "not a canonical UUID"}
		}
	}
	if !ValidTenant(e.Tenant) {
		return &FieldError{Field: "Tenant", Reason: "must be at most 64 characters of [A-Za-z0-9._-]"}
	}
	if err := checkText("ApplicationID", e.ApplicationID, 1, maxApplicationID); err != nil {
		return err
	}
	if err := checkText("Transition", e.Transition, 1, maxTransition); err != nil {
		return err
	}
	switch {
	case e.Status == "" && e.Payment == nil:
		return &FieldError{Field: "Status", Reason: "status or payment required"}
	case e.Status != "" && !e.Status.Valid():
		return &FieldError{Field: "Status", Reason: "not a Statusmonitor state"}
	case e.Payment != nil && !e.Payment.Status.Valid():
		return &FieldError{Field: "Payment.Status", Reason: "unknown payment state"}
	}
	if e.Type != "" && !validType(e.Type) {
		return &FieldError{Field: "Type", Reason: "must be full-stop delimited [a-zA-Z0-9_] segments"}
	}
	if len(e.Recipients.Webhooks) == 0 && e.Recipients.Email == "" && e.Recipients.Mailbox == "" && len(e.Recipients.Custom) == 0 {
		return &FieldError{Field: "Recipients", Reason: "no channel"}
	}
	for _, r := range e.Recipients.Custom {
		switch {
		case !validChannelName(r.Channel):
			return &FieldError{Field: "Recipients.Custom.Channel", Reason: "must match [a-z0-9_-]{1,32}"}
		case r.Channel == ChannelWebhook || r.Channel == ChannelEmail || r.Channel == ChannelPostfach:
			return &FieldError{Field: "Recipients.Custom.Channel", Reason: "built-in channel: use its Recipients field"}
		}
		if err := checkText("Recipients.Custom.Target", r.Target, 1, 255); err != nil {
			return err
		}
	}
	for _, w := range e.Recipients.Webhooks {
		if err := checkText("Recipients.Webhooks", w, 1, 255); err != nil {
			return err
		}
	}
	return nil
}

func checkText(field, v string, minLen, maxLen int) error {
	n := utf8.RuneCountInString(v)
	switch {
	case !utf8.ValidString(v):
		return &FieldError{Field: field, Reason: "not valid UTF-8"}
	case n < minLen:
		return &FieldError{Field: field, Reason: "required"}
	case n > maxLen:
		return &FieldError{Field: field, Reason: fmt.Sprintf("longer than %d characters", maxLen)}
	case strings.ContainsAny(v, "\x00\r\n"):
		return &FieldError{Field: field, Reason: "control characters"}
	}
	return nil
}

// validChannelName checks a channel name: [a-z0-9_-]{1,32}.
func validChannelName(n string) bool {
	if len(n) == 0 || len(n) > 32 {
		return false
	}
	for _, r := range n {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// validType checks the Standard Webhooks type syntax.
func validType(t string) bool {
	if len(t) == 0 || len(t) > maxTypeLen {
		return false
	}
	for _, seg := range strings.Split(t, ".") {
		if seg == "" {
			return false
		}
		for _, r := range seg {
			if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				return false
			}
		}
	}
	return true
}

// EventType returns e.Type or the type derived from Status/Payment.
func (e *Event) EventType() string {
	if e.Type != "" {
		return e.Type
	}
	if e.Payment != nil {
		return "payment." + strings.ToLower(string(e.Payment.Status))
	}
	return "application.status." + strings.ToLower(string(e.Status))
}
