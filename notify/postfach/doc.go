// Package postfach delivers notify events to the citizen's BundID mailbox
// through the Zentrales Buergerpostfach (ZBP) REST interface: Statusmonitor
// updates (status-update schema 0.9.0: applicationId, status,
// publicServiceName, senderName, statusDetails, additionalInformation,
// reference, createdDate) and mailbox messages (message_v6 fields:
// mailboxUuid = Postkorb-Handle, sender, title, content, service,
// storkQaaLevel, applicationId, retrievalConfirmationAddress,
// replyAddress, reference, senderUrl, attachments with sha512sum and
// contentLength).
//
// The field limits (ZBP message_v6 and status_v6 JSON schemas under
// https://schema.fitko.de/fit-connect/id.bund.de/, as enforced by the
// FIT-Connect bridge client optiGov/php-fitconnect; legacy BSP Postfach:
// at most 5 attachments of 2 MB, no \ / : * ? " < | > in file names) are checked before any request
// ([Message.Validate], [StatusUpdate.Validate]); a violation is a
// *FieldError wrapping ErrLimit and changes nothing. The endpoint paths are
// configurable: the official "ZBP Schnittstellenbeschreibung" is not
// public, the defaults are placeholders to be set from the
// onboarding documents. [Transport] is the seam for a FIT-Connect bridge
// ("Brueckenkopf") for systems outside the NdB network.
//
// Attachments must also pass the [Channel]'s allow-list (default
// [DefaultFileTypes]: PDF, PNG, JPEG, XML, plain text): declared content
// type, file-name extension and content signature (WHATWG MIME Sniffing)
// must agree on one allowed type, so a .exe labelled PDF is refused at
// enqueue. The ZBP's own list of accepted types is not public.
// [SanitizeFilename] turns any name into one the Postfach accepts. Every
// message names its StorkQaaLevel explicitly.
//
// Several tenants (municipalities) share one Channel:
// [ChannelConfig].Tenants maps each tenant key to its [Identity] (sender,
// service, reply addresses, and optionally its own Transport with its own
// BPKI certificate); an event is sent in its tenant's name only, and an
// event of a tenant without one is refused at enqueue (see notify,
// "Tenancy").
//
// # Security
//
// The client authenticates with the authority's BPKI certificate over
// mutual TLS (TLS ≥ 1.2, server verified against RootCAs) and never
// follows redirects. Error values carry the HTTP status and the problem
// title only, never message content.
package postfach
