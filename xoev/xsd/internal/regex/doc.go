// Package regex translates the regular expression dialect of XML Schema 1.0
// (XML Schema Part 2: Datatypes, Second Edition, Appendix F "Regular
// Expressions") into Go regexp (RE2) syntax.
//
// Every character class, including \i, \c, \w, \d, \p{..} category and block
// escapes and character-class subtraction ("[a-z-[aeiou]]"), is expanded into
// explicit code-point ranges, so the Go engine never interprets a construct
// differently from the XSD definition. XSD patterns are implicitly anchored
// at both ends; the translation anchors with \A and \z. Constructs without an
// XSD meaning (lazy quantifiers, back-references, unknown escapes, unknown
// block names) are refused with an error wrapping ErrUnsupported or
// ErrSyntax, never passed through. RE2 matches in time linear in the input,
// so a hostile pattern or value cannot cause catastrophic backtracking.
//
// # Security
//
// Patterns come from schema files, which may be untrusted. The translation
// refuses what it cannot express exactly, caps repetition counts at 1000
// (larger counts are refused), and the resulting RE2 programs match in time
// linear in the input, so neither a pattern nor a value can trigger
// catastrophic backtracking.
package regex
