package postfach

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Sentinel errors.
var (
	// ErrLimit: a field violates the ZBP limits; nothing was sent.
	ErrLimit = errors.New("postfach: field limit violated")
	// ErrInvalidConfig: New rejected the configuration.
	ErrInvalidConfig = errors.New("postfach: invalid configuration")
	// ErrRejected: the ZBP refused the request (4xx).
	ErrRejected = errors.New("postfach: rejected by ZBP")
	// ErrUnavailable: the ZBP could not be reached or answered 5xx/429.
	ErrUnavailable = errors.New("postfach: ZBP unavailable")
)

// FieldError names the field that violates a limit. It wraps ErrLimit.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return "postfach: " + e.Field + ": " + e.Reason }

// Unwrap returns ErrLimit.
func (e *FieldError) Unwrap() error { return ErrLimit }

// Limits from the ZBP message and Statusmonitor models (message_v6 and
// status_v6 schemas as enforced by optiGov/php-fitconnect; legacy BSP
// Postfach: 5 attachments × 2 MB and the forbidden file-name characters).
const (
	MaxSender                  = 255
	MaxTitle                   = 1024
	MaxService                 = 255
	MaxAddress                 = 320 // retrievalConfirmationAddress, replyAddress
	MaxMessageReference        = 255
	MaxSenderURL               = 255
	MaxAttachments             = 5
	MaxAttachmentBytes         = 2 << 20
	MaxPublicServiceName       = 100
	MaxSenderName              = 100
	MaxStatusDetails           = 50
	MaxAdditionalInformation   = 100
	MaxStatusReference         = 50
	MaxContent                 = 1 << 20 // our bound; the ZBP limit is not public
	forbiddenFilenameCharacter = `\/:*?"<|>`
)

// StorkQaaLevel is the trust level a reader needs to open the message.
type StorkQaaLevel string

// Levels (ZBP storkQaaLevel). A message must name one: an empty level is
// refused rather than sent as the lowest.
const (
	LevelBasic       StorkQaaLevel = "BASIC"
	LevelSubstantial StorkQaaLevel = "SUBSTANTIAL"
	LevelHigh        StorkQaaLevel = "HIGH"
)

// Attachment is a document attached to a Postfach message (e.g. a
// Bescheid as PDF).
type Attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"contentType"`
	Content     []byte `json:"content"` // base64 in JSON
	// SHA512Sum and ContentLength are filled by the client (ZBP
	// attachment metadata sha512sum, contentLength).
	SHA512Sum     string `json:"sha512sum"`
	ContentLength int    `json:"contentLength"`
}

// Message is a ZBP mailbox message (message_v6 field names).
type Message struct {
	// MailboxUUID is the Postkorb-Handle from the BundID SAML attribute.
	MailboxUUID                  string        `json:"mailboxUuid"`
	Sender                       string        `json:"sender"`
	Title                        string        `json:"title"`
	Content                      string        `json:"content"`
	Service                      string        `json:"service"`
	StorkQaaLevel                StorkQaaLevel `json:"storkQaaLevel"`
	ApplicationID                string        `json:"applicationId,omitempty"`
	RetrievalConfirmationAddress string        `json:"retrievalConfirmationAddress,omitempty"`
	ReplyAddress                 string        `json:"replyAddress,omitempty"`
	// Reference carries the notify EventID so the ZBP and the citizen
	// can match retries.
	Reference   string       `json:"reference,omitempty"`
	SenderURL   string       `json:"senderUrl,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Status is a Statusmonitor state.
type Status string

// StatusUpdate is a Statusmonitor update (status-update schema 0.9.0).
type StatusUpdate struct {
	MailboxUUID           string    `json:"mailboxUuid"`
	ApplicationID         string    `json:"applicationId"`
	Status                Status    `json:"status"`
	PublicServiceName     string    `json:"publicServiceName"`
	SenderName            string    `json:"senderName"`
	StatusDetails         string    `json:"statusDetails,omitempty"`
	AdditionalInformation string    `json:"additionalInformation,omitempty"`
	Reference             string    `json:"reference,omitempty"`
	CreatedDate           time.Time `json:"createdDate"`
}

func text(field, v string, minLen, maxLen int) error {
	if !utf8.ValidString(v) {
		return &FieldError{Field: field, Reason: "not valid UTF-8"}
	}
	n := utf8.RuneCountInString(v)
	if n < minLen {
		return &FieldError{Field: field, Reason: "required"}
	}
	if n > maxLen {
		return &FieldError{Field: field, Reason: fmt.Sprintf("%d characters, at most %d", n, maxLen)}
	}
	return nil
}

func mailbox(v string) error {
	if _, err := uuid.Parse(v); err != nil || len(v) != 36 {
		return &FieldError{Field: "mailboxUuid", Reason: "not a UUID"}
	}
	return nil
}

// Validate checks m against the ZBP limits.
func (m *Message) Validate() error {
	checks := []error{
		mailbox(m.MailboxUUID),
		text("sender", m.Sender, 1, MaxSender),
		text("title", m.Title, 1, MaxTitle),
		text("content", m.Content, 1, MaxContent),
		text("service", m.Service, 1, MaxService),
		text("applicationId", m.ApplicationID, 0, 255),
		text("retrievalConfirmationAddress", m.RetrievalConfirmationAddress, 0, MaxAddress),
		text("replyAddress", m.ReplyAddress, 0, MaxAddress),
		text("reference", m.Reference, 0, MaxMessageReference),
		text("senderUrl", m.SenderURL, 0, MaxSenderURL),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	switch m.StorkQaaLevel {
	case LevelBasic, LevelSubstantial, LevelHigh:
	case "":
		return &FieldError{Field: "storkQaaLevel", Reason: "required (BASIC, SUBSTANTIAL or HIGH)"}
	default:
		return &FieldError{Field: "storkQaaLevel", Reason: "unknown level"}
	}
	if m.SenderURL != "" && !strings.HasPrefix(m.SenderURL, "https://") {
		return &FieldError{Field: "senderUrl", Reason: "must be https"}
	}
	if len(m.Attachments) > MaxAttachments {
		return &FieldError{Field: "attachments", Reason: fmt.Sprintf("%d attachments, at most %d", len(m.Attachments), MaxAttachments)}
	}
	for i, a := range m.Attachments {
		f := fmt.Sprintf("attachments[%d]", i)
		if err := text(f+".filename", a.Filename, 1, 255); err != nil {
			return err
		}
		if SanitizeFilename(a.Filename) != a.Filename {
			return &FieldError{Field: f + ".filename", Reason: `contains one of \ / : * ? " < | > or a control character`}
		}
		if len(a.Content) == 0 || len(a.Content) > MaxAttachmentBytes {
			return &FieldError{Field: f + ".content", Reason: fmt.Sprintf("%d bytes, must be 1 to %d", len(a.Content), MaxAttachmentBytes)}
		}
	}
	return nil
}

// Validate checks u against the Statusmonitor limits.
func (u *StatusUpdate) Validate() error {
	checks := []error{
		mailbox(u.MailboxUUID),
		text("applicationId", u.ApplicationID, 1, 255),
		text("publicServiceName", u.PublicServiceName, 1, MaxPublicServiceName),
		text("senderName", u.SenderName, 1, MaxSenderName),
		text("statusDetails", u.StatusDetails, 0, MaxStatusDetails),
		text("additionalInformation", u.AdditionalInformation, 0, MaxAdditionalInformation),
		text("reference", u.Reference, 0, MaxStatusReference),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	switch u.Status {
	case "INITIATED", "SUBMITTED", "RECEIVED", "PROCESSING", "ACTION_REQUIRED", "COMPLETED":
	default:
		return &FieldError{Field: "status", Reason: "not a Statusmonitor state"}
	}
	if u.CreatedDate.IsZero() {
		return &FieldError{Field: "createdDate", Reason: "required"}
	}
	return nil
}
