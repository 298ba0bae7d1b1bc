package notify

import (
	"context"
	"errors"
)

// Names of the built-in channels (Channel.Name of webhook.Sender,
// email.Sender and postfach.Channel). Custom channels choose any other
// name matching [a-z0-9_-]{1,32}.
const (
	ChannelWebhook  = "webhook"
	ChannelEmail    = "email"
	ChannelPostfach = "postfach"
)

// RouteValidator is implemented by channels that can tell at enqueue time
// that they could never deliver an event to a target (a field over the
// channel's limit, a malformed address, an unknown endpoint). EnqueueTx
// calls it for every route before anything is stored, and the channel
// applies the same rules again in Deliver: one rule set, used at both
// ends. ValidateRoute must not do network I/O; an error should be a
// *FieldError naming the field in the channel's terms.
type RouteValidator interface {
	ValidateRoute(ctx context.Context, ev Event, target string) error
}

// validateRoute runs ch's enqueue-time check of one route.
func validateRoute(ctx context.Context, ch Channel, ev Event, r Route) error {
	if !servesTenant(ch, ev.Tenant) {
		return &TenantError{Tenant: ev.Tenant, Channel: r.Channel}
	}
	rv, ok := ch.(RouteValidator)
	if !ok {
		return nil
	}
	ev = ev.forRoute(r)
	err := rv.ValidateRoute(ctx, ev, r.Target)
	if err == nil {
		return nil
	}
	re := &RouteError{Channel: r.Channel, Field: "", Reason: "refused by channel", Err: err}
	var fe *FieldError
	if errors.As(err, &fe) {
		re.Field, re.Reason = fe.Field, fe.Reason
	}
	return re
}

// Channel delivers one event to one target. Implementations live in the
// sub-packages webhook, email and postfach; applications may add their
// own. Channels must be safe for concurrent use.
type Channel interface {
	// Name is the channel key used in Recipients routing, the unique
	// job key and the delivery log: "webhook", "email", "postfach".
	Name() string
	// Deliver makes one attempt. ctx carries the per-attempt deadline;
	// on success, report the receiver's status code with ReportStatus.
	// A failure is reported as *DeliveryError (other errors count as
	// ClassInternal and are retried). Deliver must produce the same
	// payload bytes for the same Delivery on every attempt.
	Deliver(ctx context.Context, d Delivery) error
}

type statusKey struct{}

// statusRecorder receives the code a channel reports for an attempt.
type statusRecorder struct{ code int }

// ReportStatus records the receiver's status code of a successful
// attempt (HTTP 200/201/204, SMTP 250) for the delivery log. A channel
// (or a transport it calls) passes the ctx of Deliver; outside an attempt
// it does nothing. Failed attempts report their code in
// DeliveryError.StatusCode instead.
func ReportStatus(ctx context.Context, code int) {
	if r, ok := ctx.Value(statusKey{}).(*statusRecorder); ok {
		r.code = code
	}
}

func withStatusRecorder(ctx context.Context) (context.Context, *statusRecorder) {
	r := &statusRecorder{}
	return context.WithValue(ctx, statusKey{}, r), r
}

// TargetLogger is implemented by channels whose targets are not personal
// data (webhook endpoint IDs) and may appear in the delivery log as they
// are. Other targets (e-mail addresses, mailbox handles) appear in the
// delivery log, dead letters and endpoint status as a short SHA-256
// fingerprint that is stable across instances, and in log lines as a
// fingerprint keyed per process, which cannot be reversed by trying
// candidate addresses.
type TargetLogger interface {
	LogTarget(target string) string
}

// Delivery is one attempt's input.
type Delivery struct {
	Event   Event
	Target  string // endpoint ID, e-mail address or Postkorb-Handle
	Attempt int    // 1 for the first attempt
	// Superseded is set when a newer event of the same application has
	// already been delivered to this target and this one is delivered only
	// for its Message (see OrderLatest): leave out any status update.
	Superseded bool
}

// Route names a channel and target of an event.
type Route struct {
	Channel string `json:"channel"`
	Target  string `json:"target"`
}

// Routes lists the channel/target pairs an event's recipients map to:
// webhooks, e-mail, Postfach, then the custom routes in their order.
func (e *Event) Routes() []Route {
	var rs []Route
	for _, w := range e.Recipients.Webhooks {
		rs = append(rs, Route{Channel: ChannelWebhook, Target: w})
	}
	if e.Recipients.Email != "" {
		rs = append(rs, Route{Channel: ChannelEmail, Target: e.Recipients.Email})
	}
	if e.Recipients.Mailbox != "" {
		rs = append(rs, Route{Channel: ChannelPostfach, Target: e.Recipients.Mailbox})
	}
	return append(rs, e.Recipients.Custom...)
}

// forRoute returns the event as the channel of r sees it: with r's
// recipient only.
func (e Event) forRoute(r Route) Event {
	e.Recipients = Recipients{}
	switch r.Channel {
	case ChannelWebhook:
		e.Recipients.Webhooks = []string{r.Target}
	case ChannelEmail:
		e.Recipients.Email = r.Target
	case ChannelPostfach:
		e.Recipients.Mailbox = r.Target
	default:
		e.Recipients.Custom = []Route{r}
	}
	return e
}
