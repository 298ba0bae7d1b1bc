// Package amt is the building authority's side of the FIT-Connect
// delivery in the reference service: it fetches the submissions of its
// destination, lets package fitconnect decrypt and check them (metadata
// schema, hashes, attachments), then checks the content itself — the XML
// signature of the XBau message against the online service's pinned
// certificate, the signed content against the XBau 2.6 XSD and the XÖV
// header rules, a PDF among the attachments — and accepts or rejects,
// exactly once per submission (fitconnect.Store).
//
// Specifications: FIT-Connect Submission API 2.x (fetch, accept-submission
// and reject-submission events); XML Signature Syntax and Processing 1.1
// (enveloped signature); XBau 2.6 with the XÖV Nachrichtenkopf
// (nachrichtenkopf.g2g); FIT-Connect metadata schema 1.0.0.
//
// # Security
//
// Every submission is untrusted: package fitconnect decrypts it, checks
// the metadata schema and recomputes every hash before this package sees
// it. The XML signature must verify against the pinned certificate of the
// online service (never a key from KeyInfo alone), and only the verified
// subtree is validated and read. A submission that fails any check is
// rejected with a typed problem, and the outcome is recorded before the
// event is sent, so a crash never processes it twice.
package amt
