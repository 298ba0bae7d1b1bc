package postfach

import (
	"context"
	"errors"
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
	// StorkQaaLevel of messages; default BASIC.
	StorkQaaLevel StorkQaaLevel
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
		return nil, errors.New("postfach: ChannelConfig.Transport required")
	}
	return &Channel{cfg: cfg}, nil
}

// Name implements notify.Channel.
func (c *Channel) Name() string { return "postfach" }

// Deliver implements notify.Channel.
func (c *Channel) Deliver(ctx context.Context, d notify.Delivery) error {
	ev := d.Event
	if ev.Status != "" {
		u := StatusUpdate{
			MailboxUUID: d.Target, ApplicationID: ev.ApplicationID, Status: Status(ev.Status),
			PublicServiceName: ev.PublicServiceName, SenderName: ev.SenderName, StatusDetails: ev.StatusDetails,
			AdditionalInformation: ev.AdditionalInformation, Reference: string(ev.ID), CreatedDate: ev.OccurredAt,
		}
		if err := c.cfg.Transport.SendStatus(ctx, u); err != nil {
			return deliveryError(err)
		}
	}
	if ev.Message.Title != "" || ev.Message.Body != "" {
		m := Message{
			MailboxUUID: d.Target, Sender: c.cfg.Sender, Title: ev.Message.Title, Content: ev.Message.Body,
			Service: c.cfg.Service, StorkQaaLevel: c.cfg.StorkQaaLevel, ApplicationID: ev.ApplicationID,
			ReplyAddress: c.cfg.ReplyAddress, RetrievalConfirmationAddress: c.cfg.RetrievalConfirmationAddress,
			Reference: string(ev.ID),
		}
		for _, a := range ev.Message.Attachments {
			m.Attachments = append(m.Attachments, Attachment{Filename: a.Filename, ContentType: a.ContentType, Content: a.Data})
		}
		if err := c.cfg.Transport.SendMessage(ctx, m); err != nil {
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
		case se.StatusCode == http.StatusTooManyRequests || se.StatusCode == http.StatusServiceUnavailable:
			de.Class = notify.ClassThrottled
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
