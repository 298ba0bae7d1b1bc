// Package email is the e-mail channel of notify, on
// github.com/wneessen/go-mail (RFC 5321 SMTP submission, RFC 5322
// messages): UTF-8 subject and text body, attachments such as a Bescheid
// (decision notice) as PDF, a Message-ID of "<EventID@domain>" that stays
// the same on every retry, Auto-Submitted: auto-generated (RFC 3834).
//
// SMTP 4xx replies and connection failures are retried by notify's
// schedule; 5xx replies are permanent (RFC 5321 §4.2.1) and dead-letter
// the delivery.
//
// Several tenants (municipalities) share one Sender: [Config].Tenants
// maps each tenant key to its [Identity] (From, display name, Message-ID
// domain); an event is sent From its tenant's identity only, and an event
// of a tenant without one is refused at enqueue (see notify, "Tenancy").
//
// # Security
//
// STARTTLS is mandatory by default (TLSMandatory: no mail leaves in clear
// text, the server certificate is verified); TLSOpportunistic and
// InsecureNoTLS are explicit opt-outs. Recipient addresses must be bare
// RFC 5322 addresses (no display names, no header injection).
// Errors never contain addresses or message content. Attachment file
// names are sanitised.
package email
