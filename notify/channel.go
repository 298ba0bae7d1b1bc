package notify

import "context"

// Channel delivers one event to one target. Implementations live in the
// sub-packages webhook, email and postfach; applications may add their
// own. Channels must be safe for concurrent use.
type Channel interface {
	// Name is the channel key used in Recipients routing, the unique
	// job key and the delivery log: "webhook", "email", "postfach".
	Name() string
	// Deliver makes one attempt. ctx carries the per-attempt deadline.
	// A failure is reported as *DeliveryError (other errors count as
	// ClassInternal and are retried). Deliver must produce the same
	// payload bytes for the same Delivery on every attempt.
	Deliver(ctx context.Context, d Delivery) error
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
}

// Route names a channel and target of an event.
type Route struct {
	Channel string
	Target  string
}

// Routes lists the channel/target pairs an event's recipients map to.
func (e *Event) Routes() []Route {
	var rs []Route
	for _, w := range e.Recipients.Webhooks {
		rs = append(rs, Route{Channel: "webhook", Target: w})
	}
	if e.Recipients.Email != "" {
		rs = append(rs, Route{Channel: "email", Target: e.Recipients.Email})
	}
	if e.Recipients.Mailbox != "" {
		rs = append(rs, Route{Channel: "postfach", Target: e.Recipients.Mailbox})
	}
	return rs
}
