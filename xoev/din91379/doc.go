// Package din91379 validates text against the character repertoire of
// DIN 91379 ("Schriftzeichen und definierte Zeichensequenzen in Unicode für
// die elektronische Verarbeitung von Namen und den Datenaustausch in
// Europa", 2022-08), datatype C (Datentyp C), as published by the XÖV
// library (XÖV-Bibliothek, KoSIT) in din-norm-91379-datatypes.xsd,
// namespace urn:xoev-de:kosit:xoev:datentyp:din-91379_2022-08, type
// datatypeC.
//
// Datatype C is the type of every string in the XÖV message header
// nachrichtenkopf.g2g (basisnachricht 1.1): all normative letters and
// non-letters of DIN 91379, no Greek or Cyrillic, plus tab, line feed and
// carriage return.
//
// Validation follows the norm: the text is first normalised to Unicode
// Normalization Form C (NFC, golang.org/x/text/unicode/norm), then every
// character must be either a single allowed character or start one of the
// normative combining sequences (a base letter followed by one or two
// combining marks that have no precomposed form, e.g. "L" U+0325 U+0304).
// The character table is generated from the XSD pattern; the package tests
// use the pattern itself (compiled with regexp) as the oracle.
//
// [ValidateLatin] checks the older XÖV repertoire String.Latin 1.1.1
// (latinchars.xsd, namespace http://xoev.de/latinchars/1_1/datatypes,
// "Lateinische Zeichen in Unicode"), which types the strings of XInneres-4
// era messages, with the same mechanism and the same kind of oracle test.
//
// # Security
//
// [CharacterError] names the offending character only by its code point
// (U+XXXX) and position, never by the surrounding text, so it can be logged
// without leaking personal data. Validation is linear in the input length
// and allocates only for the NFC copy when normalisation changes the text.
package din91379
