// Package xoev reads, checks and writes XÖV messages ("XML in der
// öffentlichen Verwaltung", the family of XML standards for data exchange
// in German public administration: XBau, XWasser, XBeteiligung, xdomea, …).
//
// Every XÖV message shares the core of the XÖV library (XÖV-Bibliothek,
// KoSIT, version 2022-10-14; XÖV-Handbuch 3.0.2 as referenced by XWasser
// 1.0.0): a root element in the standard's namespace whose first child is
// the message header (Nachrichtenkopf), followed by the standard-specific
// body. This package implements:
//
//   - [Nachrichtenkopf]: the header nachrichtenkopf.g2g
//     (Nachrichtenkopf.G2GType of basisnachricht 1.1) with
//     identifikation.nachricht ([IdentifikationNachricht]: nachrichtenUUID,
//     nachrichtentyp, erstellungszeitpunkt), leser (reader: the authority
//     that processes the message) and autor (author: the authority that
//     created it), each a [Behoerde] (authority: verzeichnisdienst =
//     directory service, kennung = identifier in it, name, erreichbarkeit =
//     contact channels, [Kommunikation]), plus the root attributes produkt,
//     produkthersteller, produktversion, standard, version and test.
//     Both forms are read and written and round-trip unchanged: qualified
//     ([NamespaceG2G], prefix bn-g2g) and unqualified
//     ([NamespaceG2GUnqualified], elements without namespace; XBau 2.6,
//     XWasser 1.0.0). The older XInneres-4 header nachrichtenkopf
//     ([NamespaceXInneres4]) and the Kopf of xdomea 3.0.0
//     ([NamespaceXdomea300], [FormXdomea3]: ProzessID, Nachrichtentyp,
//     Erstellungszeitpunkt, Absender, Empfaenger, SendendesSystem) are
//     read into the same model and checked by the same profile mechanism,
//     including the nachrichtentyp ↔ root check (xdomea roots carry the
//     code: Aussonderung.Aussonderung.0503).
//   - [Parser.Parse]: secure parsing of any XÖV message into the root
//     QName, the typed header and the document, whose body the caller
//     reads as an etree subtree ([Message.Body]); [Parser.Decode] reads
//     without applying the rules, [Parser.Validate] applies them.
//   - [Builder]: new messages with correct namespaces, a new RFC 4122 UUID
//     per message and erstellungszeitpunkt (creation time) with
//     milliseconds and time zone. On read, a missing zone or millisecond
//     part is a [Warning], not an error: the XSD type xs:dateTime allows
//     it, only the prose of Identifikation.NachrichtType requires it.
//   - [Code] (xoev-code:Code, http://xoev.de/schemata/code/1_0) with the
//     listURI/listVersionID rules a schema fixes or requires
//     ([CheckCode], [CodeRule]) and membership in the genericode code list
//     (Codeliste) through package codelist (OASIS genericode 1.0, XÖV
//     Codelisten-Handbuch 1.2).
//   - The consistency of the nachrichtentyp (message type) code with the
//     root element name, using the column of the standard's message list
//     that names the root (XBau: beschreibung, XWasser: Nachricht).
//   - [DVDVKennung]: the DVDV identifier "praefix:kennung" used when
//     verzeichnisdienst is DVDV (Deutsches Verwaltungsdiensteverzeichnis).
//   - DIN 91379 datatype C for every header string (package din91379;
//     errors name the code point as U+XXXX and its position). Text must be
//     in Unicode NFC: a decomposed sequence (e + U+0301) is refused with
//     [ErrCharacter], the verdict of the standards' XSD patterns and of
//     xmllint on the same bytes; the [Builder] normalises the header to
//     NFC before writing.
//   - [Profile]: per-standard facts as data (namespace, fixed @standard and
//     @version, header form, nachrichtentyp list and root column, header
//     extensions such as XWasser's referenzUUID and dvdvDienstkennung,
//     signature slot). [StandardProfiles] ships XBau 2.6, XBau-Kernmodul
//     1.3.0, XWasser 1.0.0 and xdomea 3.0.0;
//     [StandardCodeLists] ships the code lists they need. A new standard is
//     one JSON file.
//
// Specifications: xoev-basisnachricht-g2g_1.1.xsd and
// xoev-basisnachricht-unqualified-g2g_1.1.xsd (XÖV-Bibliothek 2022-10-14),
// xoev-code.xsd 1.0, din-norm-91379-datatypes.xsd (DIN 91379:2022-08),
// Codelisten-Handbuch 1.2 (15 December 2021), OASIS genericode 1.0, XBau
// 2.6 (xbau-baukasten.xsd, xbau-codes.xsd), XWasser 1.0.0
// (xwasser-basisnachricht.xsd, XÖV-Profil 3.0.3, XÖV-Handbuch 3.0.2).
// XSD validation of whole messages is package xoev/xsd; signatures are
// package signature (the two packages do not import each other; compose
// them in the caller).
//
// Quick start:
//
//	p, err := xoev.New(xoev.Config{MaxBytes: 10 << 20})
//	msg, err := p.Parse(ctx, data)            // typed errors, see below
//	k := msg.Kopf                              // header
//	body := msg.Body()                         // []*etree.Element after the header
//
// # Security
//
// Input is untrusted: parsing goes through the module's secure parser
// (internal/xmlsafe): DOCTYPE and entity declarations are refused (XXE,
// billion laughs; [ErrDoctype]), and size, nesting depth, element count
// and attributes per element are capped before a tree is built
// ([Config]; defaults [DefaultMaxBytes], [DefaultMaxDepth],
// [DefaultMaxElements], [DefaultMaxAttributes]; [ErrLimit]).
// [Parser.ParseReader] reads at most MaxBytes. The parser never opens a
// file or a network connection; code lists come from the embedded bundle
// or a caller-supplied codelist.Fetcher. Header values are read from the
// infoset (text split by comments is joined), never from the first text
// node only.
//
// Findings are bounded: Decode and Validate each report at most
// Config.MaxFindings errors ([DefaultMaxFindings]); the next one is
// replaced by a single *[Error] wrapping [ErrLimit] and checking stops
// (the message stays invalid). Warnings are capped the same way. A header
// with more than MaxFindings elements after autor is refused by Decode
// ([ErrLimit]). So error text and memory stay proportional to the cap,
// not to the number of bad elements in the input.
//
// The message names the code lists of its Codes (listURI,
// listVersionID), so it decides which lists a configured
// codelist.Fetcher is asked for. Validate therefore resolves each
// distinct list outside the registry once per message and at most
// Config.MaxCodeListFetches of them ([DefaultMaxCodeListFetches]; a valid
// header names three lists at most). A message that names more is
// invalid: one *[Error] wrapping [ErrLimit] and [ErrCode]; its further
// codes are not checked, and nothing about them is reported as checked.
// The registry itself bounds what fetching costs across messages: it
// keeps at most codelist.Config.MaxFetched fetched lists (least recently
// used evicted), remembers failed fetches for codelist.Config.FailureTTL,
// and never passes identifiers longer than codelist.MaxIdentifierLen to
// the Fetcher. Findings and warnings quote message values (codes, list
// URIs and versions) to at most 32 bytes.
//
// An unavailable code list is treated by the kind of Code (XÖV-Handbuch
// 3.0.2, code types in the chapter on code lists; Codelisten-Handbuch 1.2
// §2.2, Einbindung von Codelisten). Where the schema or the profile fixes
// listURI and listVersionID (nachrichtentyp under a profile, and
// [Parser.ValidateCode]), the list is required: if it cannot be resolved
// (not bundled, fetch failed, mismatched or invalid document), that is an
// [ErrCode] error, because the nachrichtentyp↔root rule cannot be checked
// without it. Where only listURI is fixed and the sender chooses the
// version at run time (kanal, verzeichnisdienst: listVersionID required;
// "Code-Typ 3"), or without a profile, a receiver cannot be expected to
// hold every version: a list that is not found (codelist.ErrNotFound,
// including a failed or remembered failed fetch) gives one [Warning] per
// list, "its codes are not checked"; the structural Code rules
// ([CheckCode]) still apply. Any other resolution failure (a fetched
// document that is invalid, too large or another list) is an [ErrCode]
// error. Callers that must check every code treat such warnings as
// failures.
//
// Errors are *[Error] values wrapping one sentinel ([ErrNotXOEV],
// [ErrHeader], [ErrCode], [ErrNachrichtentyp], [ErrCharacter],
// [ErrKennung], [ErrProfile], [ErrLimit], [ErrDoctype], [ErrSyntax]) and
// naming an XPath-like location; Validate joins all findings with
// errors.Join. Messages never quote header values (names, identifiers):
// DIN 91379 errors name the code point only.
//
// What the caller must still check: Parse does not verify signatures
// (use package signature on the exact input bytes and process only the
// verified subtree), does not validate the body against the XSD (use
// xoev/xsd), and does not decide whether leser is the receiving authority
// or whether a nachrichtenUUID was seen before (replay).
package xoev
