// Package signaturetest creates throwaway PKI material for tests: root and
// intermediate CAs, leaf and self-signed key pairs of RSA-2048/3072 and
// ECDSA P-256/384/521, encoded as PEM or PKCS#12. It is meant for tests of
// this module and of SDK users (for example to stand up a test IdP or a
// FIT-Connect test destination); never use its output in production.
//
// For revocation tests, [Revocation] is a RevocationChecker double, and
// [OCSPResponder] an httptest OCSP responder for a CA with fault injection
// (HTTP 500, garbage, unknown, stale, future, wrong signer, delegate
// without id-kp-OCSPSigning, wrong serial).
//
// # Validity windows
//
// A zero Options.NotBefore means one hour before time.Now; a zero
// Options.NotAfter means NotBefore plus one year. CAs are valid from one
// hour before time.Now for ten years. Tests that run with a fixed clock
// should set both bounds explicitly.
//
// # Key reuse
//
// RSA key generation is slow, so RSA keys are drawn round-robin from a
// per-process pool of [PoolSize] keys per size: any [PoolSize] consecutive
// key pairs of one RSA KeyType have distinct keys, later ones repeat.
// Set Options.UniqueKey to always generate a fresh key (for example when a
// test needs "a different key" across many other calls). ECDSA keys are
// always fresh.
//
// # Security
//
// Keys are generated with crypto/rand but cached in process memory and the
// certificates carry no revocation information. Test use only.
package signaturetest
