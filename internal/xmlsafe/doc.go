// Package xmlsafe parses untrusted XML with the limits every parser in this
// module applies: no DOCTYPE (so no entity expansion and no external
// entities), and caps on size, nesting depth, element count and attributes
// per element. It never opens a file or a network connection.
//
// Parse is a single-pass parser over one copy of the input that builds the
// github.com/beevik/etree (v1.8.1) tree directly. It implements:
//
//   - XML 1.0 (Fifth Edition), W3C Recommendation 26 November 2008: the
//     document production (§2.1), Char (§2.2), Name (§2.3), CharData (§2.4),
//     comments (§2.5), processing instructions (§2.6), CDATA sections (§2.7),
//     the XML declaration (§2.8, §2.9, §4.3.3), end-of-line handling (§2.11),
//     tags and attributes with their well-formedness constraints (§3, §3.1),
//     attribute-value normalization for CDATA attributes (§3.3.3), character
//     and predefined entity references (§4.1, §4.6);
//   - Namespaces in XML 1.0 (Third Edition), W3C Recommendation 8 December
//     2009: QName syntax (§3, §4), colon-free PI targets (§7) and the
//     namespace constraints Reserved Prefixes and Namespace Names, No Prefix
//     Undeclaring (§3), Prefix Declared (§5) and Attributes Unique (§6.3).
//     The tree keeps prefixes as written; etree resolves URIs on demand.
//
// The tree equals the one etree's own reader builds over encoding/xml
// (elements, prefixes, attribute order including xmlns declarations, text,
// comments, the XML declaration as ProcInst "xml"), except that attribute
// values are normalized per §3.3.3 and CR is folded per §2.11 also in
// comments and PIs. CDATA sections become plain CharData, as in etree.
//
// Stream runs the same parser without building a tree and reports start
// tags (namespace-resolved, with the line of their end), end tags and text
// to a Handler: xoev/xsd validates through it, so the validator and every
// tree consumer (XML-DSig, SAML, XÖV) give one verdict on every input. A
// second tokenizer (encoding/xml served the validator before) accepted
// documents Parse refuses (duplicate attributes, a misplaced XML
// declaration, <?XML …?>, standalone="maybe") and refused a UTF-8 BOM.
//
// Check and StripElements are lexical pre-scans that apply the same Limits
// for consumers that need no well-formedness verdict (StripElements removes
// xs:annotation from trusted schema documents before they are parsed).
//
// # Security
//
//   - Any markup declaration (<!DOCTYPE, <!ENTITY, ...) anywhere: ErrDoctype.
//     Only the five predefined entities and character references are
//     expanded, so no input expands beyond its own size.
//   - Limits are enforced while parsing: bytes before anything else, then
//     elements, attributes (counted as they are read) and depth (empty
//     elements included) at each start tag, each as a *LimitError with the
//     byte offset of the tag.
//   - Duplicate attributes (same prefix and local name) are refused rather
//     than one value silently winning; text outside the root, a second root,
//     illegal characters and invalid UTF-8 are refused.
//   - Only UTF-8 (and US-ASCII) input and XML 1.0; a leading UTF-8 BOM is
//     skipped. UTF-16/UTF-32 input (detected per Appendix F.1), a declared
//     legacy encoding (ISO-8859-1, windows-1252, …) and version 1.1 are
//     refused with a SyntaxError saying so.
//   - The input is copied once and never aliased; errors are typed
//     (*SyntaxError with line and byte offset), never a panic.
package xmlsafe
