// Package xmldsig creates and verifies enveloped XML signatures for XÖV
// messages (XWasser, XBau, xdomea) and SAML responses, interoperable with
// xmlsec1 and the JDK's XML-DSig API.
//
// A [Signer] signs a whole document (Reference URI="") with [Signer.Sign]
// or one element by its ID attribute with [Signer.SignElement]; the
// ds:Signature goes last (default, as XÖV schemas place it), first, or after
// a named child (SAML: after saml:Issuer). KeyInfo/X509Data carries the
// certificate chain. Any [crypto.Signer] works (HSM, KMS).
//
// A [Verifier] checks the one Signature that references the processed
// element and returns a [Result] whose Element is rebuilt from the signed
// canonical content: business code must read only that element, never the
// input tree. The signing certificate is trusted only through the
// configured [signature.TrustStore] (chain to anchors, or pinned); algorithms
// only through the [signature.Policy] allow-list.
//
// # Standards
//
//   - XML Signature Syntax and Processing Version 1.1, W3C Recommendation
//     11 April 2013: §4.3 Signature, §4.5 SignedInfo (§4.5.1
//     CanonicalizationMethod, §4.5.2 SignatureMethod, §4.5.3 Reference,
//     §4.5.3.3 same-document URI="" and "#id" without comments), §4.6
//     KeyInfo (§4.6.2 KeyValue, §4.6.3 RetrievalMethod, §4.6.4 X509Data),
//     §6.2 digests, §6.4.2 RSA PKCS#1 v1.5, §6.4.3 ECDSA (value r‖s, also
//     RFC 4050 §3.3), §6.6.4 enveloped-signature transform.
//   - RFC 6931 (Additional XML Security URIs) §2.1.3 SHA-384 digest, §2.3.2-4
//     rsa-sha256/384/512, §2.3.6 ecdsa-sha*, §2.3.10 RSASSA-PSS
//     "xmldsig-more#sha{256,384,512}-rsa-MGF1" with MGF1 of the same hash
//     and salt length = hash length.
//   - Exclusive XML Canonicalization Version 1.0, W3C Recommendation 18 July
//     2002 (with InclusiveNamespaces PrefixList, §3), the default.
//   - Canonical XML Version 1.0, W3C Recommendation 15 March 2001, and
//     Canonical XML Version 1.1, W3C Recommendation 2 May 2008, each with
//     and without comments. For an element referenced by ID (a document
//     subset whose apex has omitted ancestors) the xml:* attributes follow
//     each specification: C14N 1.1 §2.4 inherits xml:lang and xml:space,
//     not xml:id, and performs the xml:base fix-up (the omitted ancestors'
//     xml:base values and the apex's own are joined, outermost first, with
//     the §2.4 variant of the RFC 3986 §5.2 join that keeps relative
//     values relative); C14N 1.0 §2.4 copies the nearest xml:* attributes,
//     xml:base included, unchanged; exclusive C14N (§3) imports none. The
//     W3C C14N 1.1 test cases xmlbase-prop-1..7 and defCan-2 are
//     reproduced byte for byte (testdata/c14n11).
//
// Canonicalization is this package's own streaming implementation over the
// etree tree: the canonical octets go straight into the hash. It is public
// for callers that need canonical bytes themselves: [Canonicalize] (an
// element as the apex of a document subset) and [CanonicalizeDocument]
// (a whole document), for all six methods of [CanonicalizationMethods]
// and the exclusive InclusiveNamespaces PrefixList. They reproduce the
// W3C and Merlin expected outputs byte for byte (testdata/c14n/SOURCES.md)
// and agree with libxml2 (xmllint) on the with-comments variants. Verify
// rewrites the tree it parsed in place into the verified element, and so
// does [Verifier.VerifyDocumentInPlace] with a tree the caller hands over;
// VerifyDocument and VerifyElement leave the caller's tree alone and build
// a copy (5-12% of a 2 KB verification). goxmldsig (v1.6.1) is
// not used at run time: it lacks RSA-PSS, writes ECDSA values as DER, stops
// at about 1,000 elements before the Signature, and copies and re-parses
// the document on every verification (see the benchmarks).
//
// # Security
//
// Untrusted bytes are parsed only by internal/xmlsafe: DOCTYPE and entity
// declarations are refused (no billion laughs, no XXE), and size, depth,
// element and attribute counts are limited ([Limits]; defaults 16 MiB, 256
// levels, 250,000 elements, 256 attributes; larger documents need explicit
// Limits). The verifier never opens a file or network connection.
//
// Verification refuses, each with a typed error:
//   - documents without exactly one Signature referencing the processed
//     element ([ErrMissingSignature], [StructureError]); Signatures without
//     exactly one SignedInfo and SignatureValue or with more than one
//     KeyInfo, foreign elements in the signature structure;
//   - References to anything but the processed element (external URIs,
//     other IDs, XPointer), more than 30 References or 5 Transforms
//     ([ErrLimit]); XPath, XPath Filter 2, XSLT and base64 transforms,
//     Manifests, HMAC parameters ([ErrUnsupported], naming the transform).
//     The one XPath accepted is the enveloped-signature idiom of XML-DSig
//     1.0 signers, exactly not(ancestor-or-self::dsig:Signature) with dsig
//     bound to the XML-DSig namespace (alone or after the
//     enveloped-signature transform): it is processed as the
//     enveloped-signature transform, which removes only its own Signature,
//     so a signed element holding a further Signature fails with
//     [ErrDigestMismatch] instead of being accepted;
//   - enveloping signatures (the signed content inside the Signature's
//     Object) and detached ones (a Reference to a sibling or to external
//     content) with an [*UnsupportedError] naming the form, rather than
//     [ErrMissingSignature];
//   - an ID that occurs more than once anywhere in the document (signature
//     wrapping, [StructureError]);
//   - in a tree the caller built or parsed (the parser of Verify refuses
//     them already), an element with two attributes of one expanded name
//     or two declarations of one prefix ([StructureError]): the canonical
//     form would carry both, a reader of the result only one. Signing and
//     [Canonicalize] refuse them too;
//   - algorithms outside the Policy: SHA-1 and MD5 by default, unknown
//     URIs ([ErrAlgorithmNotAllowed]); SHA-1 is verify-only under
//     InsecureAllowSHA1 and logged as a warning; signing with SHA-1 is
//     impossible; keys the Policy refuses, such as RSA below 2048 bits
//     ([signature.ErrInvalidKey]);
//   - a signing key that is neither the key of a certificate in KeyInfo
//     that the TrustStore accepts nor a pinned key ([ErrUntrustedKey]).
//     KeyInfo is not signed and only ever a hint. A certificate it carries
//     (X509Data, consistent with any KeyValue, X509IssuerSerial and X509SKI
//     beside it) is used when the TrustStore accepts it; the signature
//     must then verify with exactly that certificate. When KeyInfo names
//     no trusted certificate (no KeyInfo, a KeyName, a KeyValue, a
//     RetrievalMethod, which is never followed, or a certificate that is
//     neither pinned nor anchored, such as an IdP's re-issued certificate
//     for its pinned key) the pinned certificates of the TrustStore, then
//     its bare pinned keys ([signature.TrustConfig.PinnedKeys]), are
//     tried instead, each once, in order (two during a key rollover): the
//     one whose key verifies the SignatureValue must still pass the
//     TrustStore (validity at its clock, revocation) and the Policy (key
//     type and size), and becomes [Result.Certificate] (nil for a bare
//     key; [Result.PublicKey] is always set). SAML IdPs and
//     other partners configured by metadata send all of these forms.
//     Trust anchors alone never verify such a signature, and a key from
//     KeyInfo is never trusted by itself: a signature that verifies with
//     an untrusted KeyInfo certificate but with no pinned key is refused.
//     In that case a modified SignedInfo and a foreign signer both surface
//     as [ErrUntrustedKey] (a [*KeyInfoError] wrapping the reason KeyInfo
//     was not trusted, e.g. a [*signature.TrustError]). Limits on KeyInfo
//     and a trusted certificate whose key the Policy refuses are final;
//   - ECDSA values in DER unless [VerifierConfig.AllowECDSADER], and r‖s
//     values of another length than 2×field size, except the P-521 value of
//     2×65 bytes of older Java signers, which xmlsec1 accepts too
//     ([signature.P521ShortHalf]).
//
// Same-document references are digested without comments, whatever the
// canonicalization transform says (XML-DSig 1.1 §4.5.3.3); the rebuilt
// element merges text split by comments, so "user@a.example<!---->.evil"
// reads as the full signed value (comment-injection attacks of 2018).
// The SignatureValue is checked before any reference is digested; digests
// are compared in constant time.
//
// Result.Element carries exactly the namespace declarations the canonical
// form renders. Under exclusive canonicalization a prefix used only inside
// attribute values or text (an xsi:type QName) is therefore not declared on
// the result unless it is in InclusiveNamespaces; the signature does not
// cover its binding either.
//
// Known differences from libxml2-based implementations (xmlsec1 1.2.37 with
// libxml2 2.9.14), outside the W3C test cases, where both cannot agree:
// libxml2 joins C14N 1.1 xml:base values with its own URI resolver, which
// treats a last path segment with a dot before its final character as a
// directory ("dir/file.x" joined with "y" gives "dir/file.x/y"; RFC 3986
// and C14N 1.1 give "dir/y") and does not remove all resolvable ".."
// segments of relative values ("a/b/" joined with "../../x" gives
// "a/../x"; here "x"). Signatures over such xml:base values do not verify
// across the two.
//
// Attribute values with literal TAB, LF or CR characters are normalized
// to spaces by the parser of [Verifier.Verify] and [Signer.Sign] (XML 1.0
// §3.3.3), as libxml2 does; such documents verify in both directions
// against xmlsec1. A tree that the caller parsed with etree directly (for
// [Verifier.VerifyDocument] or [Verifier.VerifyElement]) keeps those
// characters, so a foreign signature over such a value does not verify
// there (it fails closed); parse untrusted input with Verify instead.
//
// # Performance
//
// Measured on a 2-core machine at load average 1.2-1.3 with the
// benchmarks in bench_test.go, which run the anchors interleaved in the
// same loop, and testdata/bench-xmlsec1.sh (whole process against
// xmlsec1), with the single-pass parser of internal/xmlsafe:
//
//   - Verify of a 2.4 KB RSA-2048 document (4.4 KB signed, certificate in
//     KeyInfo), timed by the benchmark thread's CPU clock at load average
//     1.0-1.1 (BenchmarkVerify2KB, three batches of five runs; the
//     machine's memory speed drifts, so single runs vary by up to 10%).
//     The floor is what any verification pays: C14N of the document and of
//     SignedInfo into two SHA-256 digests plus the raw RSA check, and from
//     bytes also the parse. Ratios to a raw rsa.VerifyPKCS1v15, median
//     (range):
//     from bytes (Verify) 1.81 (1.77-2.09), 0.92-0.97× its floor;
//     with the tree handed over (VerifyDocumentInPlace) 1.40 (1.38-1.46),
//     1.03-1.08× its floor;
//     with the tree given and left untouched (VerifyDocument, which builds
//     Result.Element as a copy) 1.46 (1.45-1.70), 1.09-1.21× its floor;
//     the floor with the tree given is itself 1.33× (1.31-1.41, about
//     40 µs), so the verifier's own work (finding and parsing the
//     Signature, KeyInfo and trust, the rewrite) is 3-8% on top of it.
//     A chain to an anchor costs no more than a pinned certificate after
//     the first call (1.84, 1.77-2.12; paths are cached, see
//     signature.TrustStore).
//     What separates a verification from a raw RSA check is the parse of
//     the bytes (about 0.55× an RSA verification: building the etree
//     nodes, not tokenizing), the canonicalization with both digests
//     (about 0.33×, a fifth of it SHA-256) and, with the tree given and
//     kept, the copy of the verified node-set (about 0.1×: allocating
//     and initializing the nodes). Per verification the trust store
//     formats nothing (the subject only for an error) and compares pinned
//     certificates as plain bytes, canonicalizers and hash states come
//     from pools, SignedInfo is canonicalized straight into the signature
//     hash, XML-DSig children are resolved against their parent's
//     namespace, and the copy is sized from the verifier's own scan: 23
//     allocations with the tree given, 18 with it handed over and 26 from
//     bytes (TestVerifyAllocations), about ten of them inside crypto/rsa.
//   - 1 MB and 20 MB structured documents: sign 7.6-10.7× and verify
//     10.5-12.9× the throughput of goxmldsig; 20 MB single base64 node:
//     sign 10.3×, verify 15.8×.
//   - Allocation 2-6.9 bytes per document byte; peak RSS of a whole
//     process is 7.0× (sign, with SignTo) and 7.1× (verify) the size for
//     17 MiB of structured XML (xmlsec1: 10.2×) and 2.4-3.3× for 20 MiB of
//     base64.
//   - Whole process against xmlsec1 on the same files: 0.23-0.64× its
//     wall time for 1 MB and 20 MB documents, 0.12× at 2 KB (start-up).
package xmldsig
