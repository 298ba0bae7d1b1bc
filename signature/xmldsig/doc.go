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
//     and without comments. The C14N 1.1 xml:base fix-up (§2.4) is not
//     implemented: a C14N 1.1 reference to an element whose ancestors carry
//     xml:base is refused with [ErrUnsupported].
//
// Canonicalization is this package's own streaming implementation over the
// etree tree: the canonical octets go straight into the hash. Verify
// rewrites the tree it parsed in place into the verified element;
// VerifyDocument and VerifyElement leave the caller's tree alone and build
// a copy. goxmldsig (v1.6.1) is
// not used at run time: it lacks RSA-PSS, writes ECDSA values as DER, stops
// at about 1,000 elements before the Signature, and copies and re-parses
// the document on every verification (see the benchmarks).
//
// # Security
//
// Untrusted bytes are parsed only by internal/xmlsafe: DOCTYPE and entity
// declarations are refused (no billion laughs, no XXE), and size, depth,
// element and attribute counts are limited ([Limits]; defaults 64 MiB, 256
// levels, 2,000,000 elements, 256 attributes). The verifier never opens a
// file or network connection.
//
// Verification refuses, each with a typed error:
//   - documents without exactly one Signature referencing the processed
//     element ([ErrMissingSignature], [StructureError]); Signatures without
//     exactly one SignedInfo and SignatureValue or with more than one
//     KeyInfo, foreign elements in the signature structure;
//   - References to anything but the processed element (external URIs,
//     other IDs, XPointer), more than 30 References or 5 Transforms
//     ([ErrLimit]); XPath, XPath Filter 2, XSLT and base64 transforms,
//     Manifests, HMAC parameters ([ErrUnsupported]);
//   - an ID that occurs more than once anywhere in the document (signature
//     wrapping, [StructureError]);
//   - algorithms outside the Policy: SHA-1 and MD5 by default, unknown
//     URIs ([ErrAlgorithmNotAllowed]); SHA-1 is verify-only under
//     InsecureAllowSHA1 and logged as a warning; signing with SHA-1 is
//     impossible; keys the Policy refuses, such as RSA below 2048 bits
//     ([signature.ErrInvalidKey]);
//   - KeyInfo without a certificate, RetrievalMethod, KeyValue,
//     X509IssuerSerial or X509SKI that disagree with the certificate, and
//     any certificate the TrustStore does not accept ([ErrUntrustedKey]);
//   - ECDSA values in DER unless [VerifierConfig.AllowECDSADER].
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
// Known differences from libxml2-based implementations: attribute values
// are not whitespace-normalized by the parser (encoding/xml), so a
// document with literal TAB/LF characters inside attribute values signed
// elsewhere does not verify here (it fails closed); [Signer.Sign] keeps the
// input bytes and splices the Signature in, so this does not affect
// documents signed by this package.
//
// # Performance
//
// Measured on a shared 2-core machine (load average 10-15, so absolute
// times are rough) with the benchmarks in bench_test.go, which run the
// anchors interleaved in the same loop, and testdata/bench-xmlsec1.sh
// (whole process against xmlsec1):
//
//   - Verify of a 2.4 KB RSA-2048 document (4.5 KB signed, certificate in
//     KeyInfo), medians of 10 runs: 3.5× a raw rsa.VerifyPKCS1v15 with an
//     already parsed tree (VerifyDocument, 0.16× goxmldsig's time) and
//     about 8× including the parse (Verify, 0.35× goxmldsig's time; with
//     goxmldsig at 17× raw on a quiet machine that is about 6×); the
//     encoding/xml parse alone is about 4× raw.
//   - 1 MB and 20 MB structured documents: sign 3.0-6.5× and verify
//     3.0-4.0× the throughput of goxmldsig; 20 MB single base64 node:
//     verify 1.8-2.1×, sign 0.9-1.5× (both sides are bound by the
//     encoding/xml parse, which is 70-85 % of the time).
//   - Allocation 5-11 bytes per document byte; peak RSS of a whole process
//     is 9.3-9.6× the size for 17 MiB of structured XML (xmlsec1: 10.2×;
//     the etree tree alone is about 9×) and 5.6-6.6× for 20 MiB of base64.
//   - Verify costs about 1.2× an etree parse of the same document; the
//     canonicalization is never the bottleneck.
package xmldsig
