// Package signature holds the key, trust and algorithm material shared by
// all signing code of the module: XML-DSig ([github.com/egosaar/ozg/signature/xmldsig]),
// XML Encryption ([github.com/egosaar/ozg/signature/xmlenc]), JOSE for
// FIT-Connect ([github.com/egosaar/ozg/signature/jose]) and the SAML
// redirect binding in package account.
//
//   - [KeyPair]: a [crypto.Signer] (software key, HSM or KMS) with its
//     certificate and chain, loaded with [LoadPEM] (PKCS#8, PKCS#1, SEC 1)
//     or [LoadPKCS12] (.p12/.pfx, via software.sslmate.com/src/go-pkcs12),
//     or built with [NewKeyPair].
//   - [TrustStore]: certificate path validation to configured anchors
//     (crypto/x509, RFC 5280 §6) or exact pinning of certificates or bare
//     public keys ([TrustConfig.PinnedKeys], [TrustStore.VerifyKey],
//     [ParsePublicKeyPEM]), with a clock and a
//     [RevocationChecker] hook; [TrustStore.Pinned] lists the pinned
//     certificates for signatures that name no trusted certificate (XML
//     signatures without KeyInfo, with a KeyName or KeyValue only, or with
//     a re-issued certificate), each still checked by [TrustStore.Verify].
//   - [OCSPChecker]: a [RevocationChecker] that queries the OCSP responders
//     named in the certificates (RFC 6960), failing closed.
//   - [Policy]: algorithm allow-lists with a secure zero value.
//   - [Sign] / [Verify]: the only place where the module maps a signature
//     method URI to a crypto operation.
//
// # Specifications
//
//   - XML Signature Syntax and Processing 1.1 (W3C Rec 2013-04-11) §6.2
//     (digests), §6.4 (signature algorithms; §6.4.3 ECDSA value = r‖s).
//   - RFC 6931 / RFC 9231 (Additional XML Security URIs) §2.1.3, §2.3:
//     SHA-384 digest, RSA-SHA256/384/512, ECDSA-SHA*, RSA-PSS
//     (`xmldsig-more#sha256-rsa-MGF1`, MGF1 with the same hash, salt length
//     = hash length, trailer field 1).
//   - RFC 4050 §3.3: ECDSA signature value encoding.
//   - RFC 8017 §8.1, §8.2: RSASSA-PSS, RSASSA-PKCS1-v1_5.
//   - RFC 5280 §6: certification path validation (via crypto/x509).
//   - PKCS#12 (RFC 7292), decoded by go-pkcs12.
//   - RFC 6960 OCSP (§4.2.2.2 delegated responders, §A.1 HTTP POST), via
//     golang.org/x/crypto/ocsp.
//
// # Security
//
//   - SHA-1 (and MD5, which is unknown here) is refused by the zero
//     [Policy]; [Policy.InsecureAllowSHA1] enables SHA-1 for verification
//     only. [Sign] refuses SHA-1 methods unconditionally.
//   - RSA-PSS is signed and verified with salt length = hash length only;
//     Go's default (maximum salt) is never used, other salt lengths fail.
//   - ECDSA values are raw r‖s of 2×field size; DER is accepted only with
//     [VerifyOptions.AllowECDSADER]. The one shorter value accepted is a
//     P-521 value of 2×65 bytes ([P521ShortHalf]), which older Java
//     signers produce and xmlsec1 verifies; every other length is refused.
//   - RSA keys below 2048 bits and curves other than P-256/384/521 fail
//     [Policy.CheckPublicKey]. Callers verifying signatures must call it
//     (xmldsig and jose do).
//   - A key is never trusted because a document carries it: [TrustStore]
//     requires a path to an anchor, an exact pinned certificate or an
//     exact pinned key, checks certificate validity at the configured
//     clock, and fails closed when the revocation checker errs. A bare
//     pinned key has neither validity nor revocation: remove it from the
//     configuration to end trust.
//   - The zero [TrustConfig] accepts only signing certificates: the leaf's
//     key usage must allow digitalSignature or contentCommitment
//     ([DefaultSigningKeyUsage]; a certificate without the key usage
//     extension is unrestricted, RFC 5280 §4.2.1.3). A store that checks
//     encryption certificates sets [TrustConfig.KeyUsage] to
//     keyEncipherment explicitly.
//   - Constructors ([NewTrustStore], [NewOCSPChecker]) wrap
//     [ErrInvalidConfig] in every error.
//   - [KeyPair] prints and logs as REDACTED (fmt and slog); errors never
//     contain passwords or key bytes.
//   - What the caller must still check: that the verified certificate is
//     the one expected for the business partner (subject, role), and
//     revocation, unless a [RevocationChecker] is configured.
package signature
