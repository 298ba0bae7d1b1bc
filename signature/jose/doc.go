// Package jose implements the JOSE profile of FIT-Connect and the other
// JOSE uses of the module (JWKs and JWS signing on top of
// github.com/lestrrat-go/jwx/v2; JWS parsing and JWE on the standard
// library):
//
//   - JWS ([Signer], [Verifier]; RFC 7515 compact serialization) with an
//     allow-list of asymmetric algorithms (PS*, RS*, ES*, EdDSA);
//   - Security Event Tokens ([SETSigner], [SETVerifier]; RFC 8417) for
//     FIT-Connect event logs and signed status audit records, PS512 by
//     default;
//   - JWE ([Encrypt], [EncryptInPlace], [Decrypter]; RFC 7516 compact
//     serialization) with RSA-OAEP-256 and A256GCM as FIT-Connect
//     requires, built on crypto/rsa (OAEP) and crypto/cipher (AES-GCM):
//     jwx cannot decrypt with an opaque crypto.Decrypter (HSM) and cannot
//     stream, so this package owns the one JWE implementation. Large
//     payloads are encrypted in place and base64url-encoded while being
//     written ([JWE.Reader]); several decryption keys serve a rotation;
//   - JWKs from keys and key pairs with kid = RFC 7638 thumbprint and x5c
//     ([PublicJWK], [KeyPairJWK]) and validation of a counterpart's JWK
//     against a [signature.TrustStore] ([VerifyJWK]);
//   - DPoP proofs ([DPoP]; RFC 9449) and their server-side check
//     ([DPoPVerifier], §4.3, with jti replay memory) for resource servers
//     and test simulators.
//
// # Specifications
//
//   - RFC 7515 (JWS) §4.1 headers, §7.1 compact serialization; RFC 7518
//     §3.3 (RS*), §3.4 (ES*: r‖s), §3.5 (PS*: MGF1 with the same hash,
//     salt length = hash length), §4.3 (RSA-OAEP-256), §5.3 (AES-GCM);
//     RFC 8037 (EdDSA).
//   - RFC 7516 (JWE) §7.1; RFC 7517 (JWK) §4.7 x5c; RFC 7638 thumbprints.
//   - RFC 8417 (SET) §2.2 claims, §2.3 typ "secevent+jwt".
//   - RFC 9449 (DPoP) §4.2 proof syntax, §4.3 checks.
//   - FIT-Connect documentation (docs.fitko.de, FIT-Connect v1/v2),
//     "Vorgaben für kryptographische Verfahren" and "SET Erzeugung":
//     PS512 SETs with kid, RSA-OAEP-256 + A256GCM compact JWE, 4096-bit RSA keys with x5c chains to the
//     Verwaltungs-PKI.
//
// # Security
//
//   - Verification goes through one path: the header is parsed with
//     encoding/json (each segment decoded once),
//     the alg is checked against an explicit allow-list and against the
//     key type, and the signature over the exact received bytes is checked
//     by package signature (strict PSS salt length, raw ECDSA r‖s) or
//     crypto/ed25519. "none" and HS* are never accepted (no HMAC API);
//     there is no alg confusion because the key is pinned or resolved by
//     kid from a configured set, never taken from the token (jwk, jku,
//     x5u, x5c headers are ignored for trust).
//   - Only compact serialization with strict base64url; crit and b64
//     headers are refused; token sizes are bounded ([*LimitError]).
//     Invalid configurations fail in the constructor ([ErrInvalidConfig]).
//   - SET claims iss, iat, jti and events are required; iat in the future
//     beyond Leeway is refused, as is iat older than MaxAge when set.
//     [SETVerifierConfig].Issuer is required and must equal iss: one key
//     (above all the Zustelldienst's key set) signs SETs of many issuers.
//     aud must contain Audience; with no Audience configured a SET that
//     carries aud is refused (it is addressed to someone else). Accepting
//     any audience takes the explicit InsecureSkipAudience. The verifier
//     does not remember jti: callers that need replay protection store jti
//     themselves.
//   - DPoP: [DPoPVerifier] remembers (key thumbprint, jti) for
//     MaxAge+Leeway (RFC 9449 §11.1). Anyone can mint valid proofs (the key
//     is in the proof), so the memory is bounded: at most MaxEntries
//     (default [DefaultMaxReplayEntries]) live proofs, stored as 32-byte
//     hashes and pruned in expiry order from a min-heap on the configured
//     clock: O(log n) per proof, O(expired · log n) pruning, never a scan
//     of the whole memory. A full memory refuses new proofs
//     with a [*LimitError] ([ErrLimit]) rather than forgetting live ones
//     (fail closed); size MaxEntries for the peak rate and rate-limit
//     clients in front of the verifier, since a flood can otherwise lock
//     out honest clients for one window.
//   - JWE: the header (alg RSA-OAEP-256 only — RSA1_5, RSA-OAEP and dir
//     are refused; enc allow-list; no zip, so no decompression bomb; no
//     crit) is checked before the private key is used; decryption failures
//     are one error value ([ErrDecrypt]) and a failed RSA-OAEP unwrap
//     continues with a random content key (RFC 7516 §11.5), so unwrap and
//     tag failures look alike. Encrypt and Decrypter refuse RSA keys below
//     4096 bits unless told otherwise; check the recipient JWK with
//     [VerifyJWK].
//   - The caller must still decide which keys to trust (pinning or
//     [VerifyJWK] with the Verwaltungs-PKI anchors).
package jose
