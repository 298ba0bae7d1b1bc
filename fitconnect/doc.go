// Package fitconnect delivers applications to the competent authority
// through FIT-Connect (FITKO): a sender (online service) encrypts metadata,
// data and attachments for a destination and submits them through the
// Zustelldienst; a subscriber (the authority's Fachverfahren) fetches,
// decrypts, checks and accepts or rejects them with signed Security Event
// Tokens that the sender reads back from the event log.
//
// A [Client] made by [New] acts as sender ([Client.Send],
// [Client.Status]) and, with DecryptionKeys and SigningKey, as subscriber
// ([Client.ListSubmissions], [Client.Receive], [Client.Accept],
// [Client.Reject]). [Client.Route] finds a destination through the Routing
// API and verifies its signed addressing information. [Client.Process] receives a submission exactly once
// per [Store] (SQLite, or PostgreSQL for several instances): "processing"
// is recorded before the caller's handler runs and the decided event
// after it, so a redelivery or a crash never starts the process twice and
// never loses the accept. [NewCallbackHandler] serves the destination's
// new-submissions callback. Package fitconnecttest is a Zustelldienst simulator;
// its Sim.Config returns a ready Config.
//
// # Specifications
//
//   - FIT-Connect documentation (docs.fitko.de/fit-connect, API v1 pages,
//     2021–2024): "Einreichung anlegen", "Anlagen hochladen", "Einreichung
//     versenden", "Metadatensatz erstellen", "Abruf von Ereignissen über
//     Event Log", "SET Erzeugung", "Empfangsbestätigung", "Einreichung
//     überprüfen", "Rate Limiting", "Vorgaben für kryptographische
//     Verfahren", "Authentifizierung".
//   - Submission API v2 paths and field names (publicService, region,
//     eventLog) as used by the v2 clients; the v2 OpenAPI was not public.
//   - Metadata schema 1.0.0 (schema.fitko.de/fit-connect/metadata/1.0.0),
//     vendored and checked with github.com/santhosh-tekuri/jsonschema/v6;
//     1.1.0–1.5.0 are modelled with the same structure ([ModelledVersions]).
//   - RFC 6749 §4.4 (client credentials, client_secret_post), RFC 7807
//     (problem details), RFC 7516 (JWE), RFC 8417 (SET).
//   - Problem type URIs for reject-submission under
//     https://schema.fitko.de/fit-connect/events/problems/ are modelled on
//     the documented example; the official list was not available.
//
// # Security
//
//   - Every answer of the Zustelldienst and every submission is untrusted:
//     answers are bounded, IDs checked as UUIDs before they go into paths,
//     problem bodies are parsed into [*ProblemError], and a failing
//     submission yields a [*SubmissionError] without sending any event.
//   - Destination keys are validated before use: RSA ≥ 4096 bit, e =
//     AQAB, alg and key_ops, and the full x5c chain to Config.TrustStore's
//     anchors (Verwaltungs-PKI) with its revocation hook. Self-signed TEST
//     keys need the explicit InsecureTestKeys, refused in production
//     environments.
//   - JWEs are RSA-OAEP-256 + A256GCM with kid and cty (package
//     signature/jose); RSA1_5, dir, zip and crit are refused on receipt.
//   - Every SET of the event log is verified (PS512, typ secevent+jwt,
//     exactly one event, sub and txn of this submission; Zustelldienst
//     SETs against its JWKS, destination SETs against the destination's
//     validated signature key); an accept must name exactly the
//     authentication tags that were sent.
//   - Only idempotent calls are retried (GET, PUT of attachments and of
//     the submission, the POST of an event, which carries a unique jti);
//     429 honours RateLimit-Reset and Retry-After; certificate errors are
//     never retried ([*CertificateError]). POST /submissions is never
//     retried: a lost answer is an [*AnnounceUnknownError].
//   - Logs carry IDs only, never content, tokens or secrets.
package fitconnect
