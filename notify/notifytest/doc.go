// Package notifytest provides real counterparts for testing code that
// uses notify. [Start] runs a webhook receiver and returns a [Sim] whose
// Config is a ready notify.Config wired to it, with [TestSettings] that
// make retries take milliseconds (river's floor: up to 5 s per scheduled
// delay, RescueAfter + 30 s per crash). Further: [Receiver], a recording webhook receiver on httptest with
// signature checking and fault injection (status codes such as 5xx, 410,
// 429 with Retry-After, 3xx redirects, hanging responses, connection
// resets); [ZBP], a mutual-TLS simulator of the ZBP REST interface with
// the same field limits and injectable faults; [Mailpit] helpers that
// start or attach to a real mailpit SMTP server and read mail through its
// HTTP API (including its chaos triggers for SMTP 4xx/5xx); and [Clock], a
// controllable clock that also stubs river's time. [StartTenants] runs one
// Sim per tenant behind one webhook channel, and
// [TenantChannelConformance] checks a channel's tenancy contract (served
// tenants pass, others are refused at enqueue and at delivery).
//
// # Security
//
// For tests only: the receiver and simulator accept any request shape and
// the mailpit helper enables insecure SMTP AUTH on loopback.
package notifytest
