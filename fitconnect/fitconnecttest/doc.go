// Package fitconnecttest is an httptest Zustelldienst for tests of
// FIT-Connect senders and subscribers built with package fitconnect: OAuth
// token endpoint, a destination with encryption and signature keys from a
// committed RSA-4096 test PKI (testdata, made once by testdata/gen.sh),
// the Routing API with signed addressing information and the SSP key set,
// Submission API v2 and v1, an event log of SETs it signs, new-submissions
// callbacks (SetCallback), and fault injection ([Fault]): 5xx, 429 with
// RateLimit-Reset, a lost answer after the announce was committed, 422
// for a metadata or data JWE without cty, a tampered attachment, a hash
// mismatch, SETs with a wrong alg, typ or kid or two events, expired
// tokens, key rotation (Sim.RotateKey) and untrusted, weak or mismatching
// destination keys.
//
// [Start] returns a running simulator; [Sim.Config] a fitconnect.Config
// wired to it (sender and subscriber).
//
// One simulator can host several destinations, as one Zustelldienst
// serves every authority ([SimConfig].Destinations, [DestinationConfig]):
// each with its own services (LeiKa keys), regions (ARS) in the Routing
// API, encryption and signature keys and subscriber API client. The
// Routing API lists a destination for exactly its (LeiKa key, ARS or AGS)
// pairs; [Sim.SenderConfig] is the sender's configuration,
// [Sim.SubscriberConfig] each destination's authority's; a destination's
// submissions, content and event log are forbidden (403) to every other
// destination's subscriber. [StoreConformance] checks a
// fitconnect.Store. SOURCES.md says which behaviour follows the official
// API and which is modelled.
//
// # Security
//
// For tests only: the private keys under testdata are public, the server
// speaks plain http on loopback, and the simulator trusts its own test
// root. Never configure a production client with [Sim.Config] values.
package fitconnecttest
