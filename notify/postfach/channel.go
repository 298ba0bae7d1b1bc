package postfach

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/egosaar/ozg/notify"
)

// ChannelConfig configures the Postfach notify.Channel.
type ChannelConfig struct {
	// Transport is the ZBP client or a FIT-Connect bridge. Required.
	Transport Transport
	// Sender and Service name the authority and the online service in
	// messages (ZBP sender, service). Required for events with a Message.
	Sender  string
	Service string
	// StorkQaaLevel is the trust level a citizen's login must have to open
	// the messages (ZBP storkQaaLevel). Required: there is no default,
	// because the lowest level would let a password-only login open a
	// Bescheid without anyone having chosen that.
	StorkQaaLevel StorkQaaLevel
	// Attachments is the attachment allow-list; nil: DefaultFileTypes.
	Attachments []FileType
	// ReplyAddress and RetrievalConfirmationAddress are optional.
	ReplyAddress                 string
	RetrievalConfirmationAddress string
}

// Channel delivers events to the BundID mailbox: every event with a
// Status becomes a Statusmonitor update; an event with a Message (title
// and body, e.g. a Bescheid) also becomes a mailbox message. The
// EventID is the reference of both, so the ZBP and the citizen can
// recognise retries.
type Channel struct{ cfg ChannelConfig }

// NewChannel returns the "postfach" channel.
func NewChannel(cfg ChannelConfig) (*Channel, error) {
	if cfg.Transport == nil {
		return nil, fmt.Errorf("%w: ChannelConfig.Transport required", ErrInvalidConfig)
	}
	switch cfg.StorkQaaLevel {
	case LevelBasic, LevelSubstantial, LevelHigh:
	default:
		return nil, fmt.Errorf("%w: ChannelConfig.StorkQaaLevel must be BASIC, SUBSTANTIAL or HIGH", ErrInvalidConfig)
	}
	if cfg.Attachments == nil {
		cfg.Attachments = DefaultFileTypes()
	}
	for _, ft := range cfg.Attachments {
		if err := ft.validate(); err != nil {
			return nil, err
		}
	}
	return &Channel{cfg: cfg}, nil
}

// Name implements notify.Channel.
func (c *Channel) Name() string { return notify.ChannelPostfach }

// build maps ev to the Statusmonitor update and the mailbox message it
// becomes (either may be nil).
func (c *Channel) build(ev notify.Event, target string) (*StatusUpdate, *Message) {
	var u *StatusUpdate
	var m *Message
	if ev.Status != "" {
		u = &StatusUpdate{
			MailboxUUID: target, ApplicationID: ev.ApplicationID, Status: Status(ev.Status),
			PublicServiceName: ev.PublicServiceName, SenderName: ev.SenderName, StatusDetails: ev.StatusDetails,
			AdditionalInformation: ev.AdditionalInformation, Reference: string(ev.ID), CreatedDate: ev.OccurredAt,
		}
	}
	if ev.Message.Title != "" || ev.Message.Body != "" || len(ev.Message.Attachments) > 0 {
		m = &Message{
			MailboxUUID: target, Sender: c.cfg.Sender, Title: ev.Message.Title, Content: ev.Message.Body,
			Service: c.cfg.Service, StorkQaaLevel: c.cfg.StorkQaaLevel, ApplicationID: ev.ApplicationID,
			ReplyAddress: c.cfg.ReplyAddress, RetrievalConfirmationAddress: c.cfg.RetrievalConfirmationAddress,
			Reference: string(ev.ID),
		}
		for _, a := range ev.Message.Attachments {
			m.Attachments = append(m.Attachments, Attachment{Filename: a.Filename, ContentType: a.ContentType, Content: a.Data})
		}
	}
	return u, m
}

// check applies the ZBP limits and the attachment rules to what ev
// becomes.
func (c *Channel) check(u *StatusUpdate, m *Message) error {
	if u != nil {
		if err := u.Validate(); err != nil {
			return err
		}
	}
	if m != nil {
		if err := m.Validate(); err != nil {
			return err
		}
		if err := c.checkAttachments(m.Attachments); err != nil {
			return err
		}
	}
	return nil
}

// ValidateRoute implements notify.RouteValidator with the rules Deliver
// applies: the Statusmonitor and message limits (refused fields are
// named as in the ZBP JSON, e.g. "statusDetails") and the attachment
// allow-list.
func (c *Channel) ValidateRoute(_ context.Context, ev notify.Event, target string) error {
	if err := c.check(c.build(ev, target)); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			return &notify.FieldError{Field: fe.Field, Reason: fe.Reason}
		}
		return err
	}
	return nil
}

// Deliver implements notify.Channel.
func (c *Channel) Deliver(ctx context.Context, d notify.Delivery) error {
	u, m := c.build(d.Event, d.Target)
	if err := c.check(u, m); err != nil {
		return deliveryError(err)
	}
	if d.Superseded {
		u = nil // a newer status is already in the Statusmonitor
	}
	if u != nil {
		if err := c.cfg.Transport.SendStatus(ctx, *u); err != nil {
			return deliveryError(err)
		}
	}
	if m != nil {
		if err := c.cfg.Transport.SendMessage(ctx, *m); err != nil {
			return deliveryError(err)
		}
	}
	return nil
}

func deliveryError(err error) error {
	var se *StatusError
	switch {
	case errors.Is(err, ErrLimit):
		return &notify.DeliveryError{Class: notify.ClassInvalid, Permanent: true, Err: err}
	case errors.As(err, &se):
		de := &notify.DeliveryError{StatusCode: se.StatusCode, RetryAfter: se.RetryAfter, Err: err}
		switch {
		case se.StatusCode == http.StatusGone:
			de.Class, de.Gone = notify.ClassGone, true
		case se.StatusCode == http.StatusTooManyRequests:
			de.Class = notify.ClassThrottled
		case se.StatusCode == http.StatusServiceUnavailable:
			de.Class = notify.ClassUnavailable
		case se.StatusCode >= 500:
			de.Class = notify.ClassServer
		case se.StatusCode == http.StatusUnauthorized || se.StatusCode == http.StatusForbidden || se.StatusCode == http.StatusRequestTimeout:
			de.Class = notify.ClassConfig // certificate or onboarding problem: retry after fixing
		default:
			de.Class, de.Permanent = notify.ClassRejected, true // e.g. unknown mailbox, schema violation
		}
		return de
	case errors.Is(err, context.DeadlineExceeded):
		return &notify.DeliveryError{Class: notify.ClassTimeout, Err: err}
	default:
		return &notify.DeliveryError{Class: notify.ClassConnection, Err: err}
	}
}
