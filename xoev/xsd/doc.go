// Package xsd validates XML documents against XML Schema 1.0 schema sets
// in pure Go, offline, with the verdicts of libxml2 (xmllint), so that
// XÖV messages (XBau, XWasser, xdomea, …) can be checked in-process before
// they are sent or after they are received.
//
// Compile reads a schema set once from an fs.FS (bundled sets are in the
// sub-package schemas) and returns an immutable *Schema; Validate and
// ValidateBytes assess any number of documents concurrently and return
// nil, a *ValidationError listing every violation with line, element path
// and the violated constraint (unwrapping to ErrInvalid), or an error
// wrapping ErrNotWellFormed, ErrDoctype or ErrLimit.
//
// # Specifications
//
// XML Schema Part 1: Structures, Second Edition (W3C Recommendation,
// 28 October 2004) and Part 2: Datatypes, Second Edition (same date):
//
//   - schema documents, include and import (Part 1 §3.15, §4.2.1, §4.2.3;
//     chameleon includes), targetNamespace, elementFormDefault,
//     attributeFormDefault, form, blockDefault, finalDefault;
//   - element declarations (§3.3) with type, anonymous types, nillable,
//     abstract, fixed/default, block, substitution groups (§3.3.6);
//   - complex type definitions (§3.4): sequence, choice and all model
//     groups (§3.8) with minOccurs/maxOccurs, named groups (§3.7),
//     extension and restriction of complex content and of simple content,
//     mixed and empty content, abstract types, block and final;
//   - attribute declarations and uses (§3.2, §3.5) with use
//     required/optional/prohibited, fixed and default, attribute groups
//     (§3.6), global attributes by reference (xml:lang, xlink:…);
//   - wildcards xs:any and xs:anyAttribute (§3.10) with ##any, ##other,
//     ##targetNamespace, ##local and namespace lists and processContents
//     strict, lax and skip;
//   - xsi:type (§3.3.4 cvc-elt.4, derivation checked, blocking honoured),
//     xsi:nil, xsi:schemaLocation hints (ignored, as xmllint --schema does);
//   - identity constraints (§3.11): xs:unique, xs:key and xs:keyref with
//     the restricted XPath subset of §3.11.6 (selector paths of child steps
//     with an optional leading .//, name tests QName, * and prefix:*, the
//     child:: and attribute:: axes, unions; fields ending in an element or
//     an @attribute step); element fields compare in the value space of
//     their simple type, attribute fields as collapsed strings; a keyref is
//     checked against the key table of the same element (node tables of
//     descendants are not propagated, §3.11.5);
//   - ID uniqueness (§3.15.5 cvc-id.2) for ID attributes, as libxml2
//     does; Config.StrictIDs adds IDs in element content and IDREF
//     resolution (cvc-id.1), which libxml2 does not check;
//   - simple types (Part 2 §4.1) by restriction, list and union, and all
//     facets of §4.3: enumeration and fixed values compared in the value
//     space, pattern (XSD regular expressions, Appendix F, translated in
//     internal/regex: \i, \c, \w, \d, \p{…} categories and Is-blocks,
//     character-class subtraction, implicit anchoring), whiteSpace,
//     length/minLength/maxLength, min/max Inclusive/Exclusive (numeric
//     types), totalDigits, fractionDigits;
//   - the built-in types of Part 2 §3.2 and §3.3 except NOTATION (refused;
//     ENTITY and ENTITIES values are always invalid, as unparsed entities
//     need a DTD): string types, Name/NCName/ID/IDREF/NMTOKEN(S),
//     QName (prefix resolved in the instance), anyURI (RFC 3986 check as
//     libxml2), boolean, decimal and the integer family with their ranges,
//     float/double, duration, dateTime, date, time and the g* types,
//     hexBinary, base64Binary.
//
// Content models are compiled to deterministic automata (Thompson NFA,
// occurrence bounds unrolled, subset construction; Part 1 §3.8.4). Models
// in which two element particles or two wildcards compete for the same
// element violate Unique Particle Attribution (§3.8.6) and are refused
// with ErrSchema, as libxml2 refuses them; where an element particle and a
// wildcard compete, the element particle wins, as in libxml2.
//
// Where libxml2 2.9 deviates from the Recommendation, this package follows
// libxml2, because its verdict is what authorities apply: dangling IDREFs
// and duplicate IDs in element content are accepted, an element's fixed
// value is compared with the literal content, empty built-in list types
// (NMTOKENS, IDREFS) are accepted, a float/double exponent may be empty,
// 24:00:00 is a valid time, and an xs:import of a namespace that is
// already imported from another location is skipped.
//
// Refused at Compile time with an error wrapping ErrUnsupported:
// xs:redefine, xs:override, a keyref that refers to a key or unique
// constraint of another element declaration, xs:notation, min/max facets on date, time and duration
// types, patterns that use unknown block names or need more than 1000
// repetitions, and content models whose automaton exceeds
// Config.MaxContentStates. Nothing unsupported is silently ignored.
//
// # Performance
//
// Measured on a 2-core machine (go test -bench XMLLint|Compile, xmllint
// 2.9.14 in the same run): compiling XBau 2.6 from its files takes about
// 37-45 ms and keeps 2.7 MiB (xs:annotation, two thirds of the schema
// bytes, is removed before tokenising). Since validation streams through
// the module's own parser instead of encoding/xml, in-process validation
// of a 5 MB message costs 0.19-0.23x the CPU of libxml2's parse and
// validate (63 ms against 276-343 ms, measured on a shared, loaded
// machine). Compile once and reuse the *Schema: a compiled schema
// validates concurrently.
//
// # Precompiled schema sets
//
// A process that validates one message would spend most of its time
// compiling. Precompile turns a schema set into a compact form that holds
// the compiled model itself (types with their flattened facets, element
// and attribute declarations, attribute uses, wildcards, particles,
// identity constraints, content automata, the patterns' compiled RE2
// programs), with the SHA-256 of each schema file it was made from;
// loading it is a decode, not a compile.
// LoadPrecompiled decodes a form without reading any schema file, for a
// form whose currency the caller vouches for (package schemas embeds the
// forms of its bundles beside the files, regenerated by go generate, and
// its tests fail when one is stale); Compile with Config.Precompiled first
// checks every hash against the files (a stale form is ErrSchema, never a
// silent fallback) and uses the model when the entry, catalog and options
// are those the form was made with, else it compiles from the files.
// Content automata and pattern programs are decoded on their first use
// (sync.Once per type and per pattern; package-level tables such as XML
// name classes are built on first use too, so importing the package costs
// no start-up work): a process that validates one message needs few of
// them. Verdicts and every violation are identical to
// a fresh compile (tested on the generated corpus and samples of XBau,
// XWasser and xdomea, validated concurrently under -race).
//
// Measured on a loaded, shared 2-core machine, CPU time (user+system from
// rusage) of one process validating one 4.3 KB XBau message
// (examples/xsdvalidate -bundle xbau-2.6) against xmllint 2.9.14 doing the
// same with the bundled files (each a fresh process: start, load the
// schema set, validate, exit), medians of 20 alternating runs, three
// rounds: with the previous form of parsed trees (compile at start-up)
// 37-39 against 59-62 ms (0.62-0.63x); with the compiled model 20.6-22.8
// against 58-60 ms (0.35-0.39x; wall 0.28-0.42x). BenchmarkXMLLint
// process/small (a generated 4-5 KB message) gave cpu-ratio 0.33-0.35 and
// wall-ratio 0.22-0.33 in three runs. Of the 21 ms, an empty Go process
// costs 7-8 ms on that machine, loading XBau 2.6 from its 136 KB form
// (4,100 components) about 6 ms, the first validation 2-3 ms; xmllint
// parsing the message without a schema costs 11 ms. In-process validation
// of the 5 MB message was unaffected: 60-73 ms against libxml2's 245-285
// ms (0.21-0.30x).
//
// # Security
//
// Compile reads only from the fs.FS it is given and from Config.Sources
// (further file systems, e.g. schemas.XOEVCore for a standard of one's
// own, each answering the absolute locations in its catalog): relative
// schemaLocations are resolved inside the file system of the document that
// names them and must not leave it (".." beyond the root and
// absolute paths are refused); absolute locations (http:, https:, urn:,
// file:) are looked up in Config.Catalog and refused when absent. No
// network connection is ever opened. To use all cores, Compile parses the
// .xsd files next to the entry (at most 64) speculatively in parallel;
// files that are never included or imported are discarded, and their
// errors are ignored. Schema documents and instance documents are parsed
// by the module's one XML parser. Instance documents with a DOCTYPE are
// refused (ErrDoctype: no entity expansion, no external entities). Schema
// files are the caller's trusted choice: a DOCTYPE before the root is
// accepted there if its internal subset declares only plain general
// entities (at most 64, 4 KiB each, 1 MiB of expansion, no references or
// markup in a value), as W3C's xmldsig-core-schema.xsd does; external
// entities, parameter entity references and the external DTD are never
// used, and DTD attribute defaults are not applied. Size, depth, element
// and attribute limits apply (Config.MaxDocumentBytes etc.; schema
// documents are capped by MaxSchemaBytes and MaxSchemaDocuments). Patterns
// run on RE2 semantics (a lazily built DFA with a bounded number of states,
// falling back to Go's regexp), so matching is linear in the input and a
// hostile pattern or value cannot backtrack catastrophically. Content
// model automata are bounded by MaxContentStates. Validation is a single
// streaming pass without recursion; the number of reported violations is
// capped by MaxViolations. Violation messages quote at most 64 bytes of a
// value and never the value of a pattern failure (often a name: the message
// names only the offending character, its code point and its position);
// callers who handle personal data should log Constraint and Path rather
// than Msg. A precompiled form (Config.Precompiled, LoadPrecompiled) is
// trusted like the schema files it is built and shipped with: its hashes
// detect a stale form, not a forged one; decoding a malformed form fails
// with ErrSchema and never panics (counts are bounded by the input,
// references by their tables, and models the compiler never makes, with
// missing references or cycles, are refused; FuzzPrecompiledDecode), and a
// deferred pattern or automaton that nevertheless fails to build rejects
// every value (fails closed).
//
// # Violation messages
//
// Each violation carries what is needed to fix it: the line on which the
// element's start tag ends, the path with sibling positions
// (/nachricht/anlage[8199]), and a message that lists the allowed values of
// a short enumeration (up to 12, as xmllint does) or, for a long one (a
// code list), the type's name, its size and the three nearest values; a
// pattern failure names the first character that cannot match where it
// stands ("character 'Ω' (U+03A9) at position 5 is not allowed there")
// and quotes the pattern only when it is short (DIN 91379 classes run to
// 800 bytes).
package xsd
