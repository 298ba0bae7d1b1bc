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
	// Transport is the ZBP client or a FIT-Connect bridge. Required,
	// unless every identity in Tenants has its own.
	Transport Transport
	// Sender and Service name the authority and the online service in
	// messages (ZBP sender, service) of events without a tenant
	// (Event.Tenant ""). Sender is required for events with a Message. With
	// Tenants set, events without a tenant are served only if Sender is
	// set: a multi-tenant deployment leaves it empty, so an event that
	// names no tenant is refused instead of going out in a shared name.
	Sender  string
	Service string
	// Tenants are the sender identities per tenant key (Event.Tenant),
	// e.g. the ARS of each municipality: an event of tenant T is sent in
	// the name of Tenants[T] (and over its Transport, if it has one),
	// never in another's. An event whose tenant has no identity here is
	// refused at enqueue with a *notify.TenantError. Default nil: no
	// tenants. NewChannel copies the map.
	Tenants map[string]Identity
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

// Identity is the sender of one tenant in the BundID mailbox.
type Identity struct {
	// Transport carries this tenant's messages, e.g. a Client with the
	// tenant's own BPKI certificate; nil: ChannelConfig.Transport.
	Transport Transport
	// Sender names the authority (ZBP sender; required) and Service the
	// online service; both as in ChannelConfig.
	Sender  string
	Service string
	// ReplyAddress and RetrievalConfirmationAddress are optional.
	ReplyAddress                 string
	RetrievalConfirmationAddress string
}

// Channel delivers events to the BundID mailbox: every event with a
// Status becomes a Statusmonitor update; an event with a Message (title
// and body, e.g. a Bescheid) also becomes a mailbox message. The
// EventID is the reference of both, so the ZBP and the citizen can
// recognise retries.
type Channel struct {
	cfg     ChannelConfig
	tenants map[string]Identity // by tenant key; "" the default identity (ChannelConfig.Sender), if any
}

// NewChannel returns the "postfach" channel.
func NewChannel(cfg ChannelConfig) (*Channel, error) {
	c := &Channel{tenants: make(map[string]Identity, len(cfg.Tenants)+1)}
	if len(cfg.Tenants) == 0 || cfg.Sender != "" {
		if cfg.Transport == nil {
			return nil, fmt.Errorf("%w: ChannelConfig.Transport required", ErrInvalidConfig)
		}
		c.tenants[""] = Identity{Transport: cfg.Transport, Sender: cfg.Sender, Service: cfg.Service,
			ReplyAddress: cfg.ReplyAddress, RetrievalConfirmationAddress: cfg.RetrievalConfirmationAddress}
	}
	for t, id := range cfg.Tenants {
		switch {
		case t == "" || !notify.ValidTenant(t):
			return nil, fmt.Errorf("%w: Tenants: invalid tenant key (use Sender for the default tenant)", ErrInvalidConfig)
		case id.Sender == "":
			return nil, fmt.Errorf("%w: Tenants[%q].Sender required", ErrInvalidConfig, t)
		}
		if id.Transport == nil {
			id.Transport = cfg.Transport
		}
		if id.Transport == nil {
			return nil, fmt.Errorf("%w: Tenants[%q] has no Transport and ChannelConfig.Transport is nil", ErrInvalidConfig, t)
		}
		c.tenants[t] = id
	}
	cfg.Tenants = nil // copied into c.tenants
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
	c.cfg = cfg
	return c, nil
}

// Name implements notify.Channel.
func (c *Channel) Name() string { return notify.ChannelPostfach }

// identity returns the sender of tenant ("" the default).
func (c *Channel) identity(tenant string) (Identity, bool) {
	id, ok := c.tenants[tenant]
	return id, ok
}

// ServesTenant implements notify.TenantChannel: true for a tenant in
// ChannelConfig.Tenants, and for "" if the channel has no Tenants or a
// default Sender.
func (c *Channel) ServesTenant(tenant string) bool {
	_, ok := c.identity(tenant)
	return ok
}

// build maps ev to the Statusmonitor update and the mailbox message it
// becomes (either may be nil), in the name of id.
func (c *Channel) build(id Identity, ev notify.Event, target string) (*StatusUpdate, *Message) {
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
			MailboxUUID: target, Sender: id.Sender, Title: ev.Message.Title, Content: ev.Message.Body,
			Service: id.Service, StorkQaaLevel: c.cfg.StorkQaaLevel, ApplicationID: ev.ApplicationID,
			ReplyAddress: id.ReplyAddress, RetrievalConfirmationAddress: id.RetrievalConfirmationAddress,
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
	id, ok := c.identity(ev.Tenant)
	if !ok {
		return &notify.TenantError{Tenant: ev.Tenant, Channel: notify.ChannelPostfach}
	}
	if err := c.check(c.build(id, ev, target)); err != nil {
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
	id, ok := c.identity(d.Event.Tenant)
	if !ok {
		// Enqueue refuses such events; the configuration changed since.
		return &notify.DeliveryError{Class: notify.ClassConfig, Permanent: true,
			Err: &notify.TenantError{Tenant: d.Event.Tenant, Channel: notify.ChannelPostfach}}
	}
	u, m := c.build(id, d.Event, d.Target)
	if err := c.check(u, m); err != nil {
		return deliveryError(err)
	}
	if d.Superseded {
		u = nil // a newer status is already in the Statusmonitor
	}
	if u != nil {
		if err := id.Transport.SendStatus(ctx, *u); err != nil {
			return deliveryError(err)
		}
	}
	if m != nil {
		if err := id.Transport.SendMessage(ctx, *m); err != nil {
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
