package din91379

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// ErrCharacter is wrapped by every [CharacterError].
var ErrCharacter = errors.New("din91379: character not allowed")

// CharacterError reports the first character that is not allowed in the
// repertoire. Positions refer to the NFC-normalised text.
type CharacterError struct {
	// Datatype is the repertoire checked, e.g. "C".
	Datatype string
	// Rune is the offending character (or an invalid UTF-8 byte as
	// utf8.RuneError).
	Rune rune
	// Index is the 0-based position of the character, counted in
	// characters (runes).
	Index int
	// Offset is the 0-based byte offset of the character.
	Offset int
}

// Error names the character as U+XXXX and its position; it never quotes
// the text.
func (e *CharacterError) Error() string {
	return fmt.Sprintf("din91379: character %U at position %d is not allowed in datatype %s", e.Rune, e.Index, e.Datatype)
}

// Unwrap returns ErrCharacter.
func (e *CharacterError) Unwrap() error { return ErrCharacter }

type runeRange struct{ lo, hi rune }

// repertoire is a character set given as single characters (ranges) plus
// combining sequences (base + marks without a precomposed form).
type repertoire struct {
	name   string
	ranges []runeRange
	seqs   []string
}

var (
	repC     = repertoire{name: "C", ranges: rangesC[:], seqs: sequencesC[:]}
	repLatin = repertoire{name: "String.Latin", ranges: rangesLatin[:], seqs: sequencesLatin[:]}
)

// ValidateC reports whether s, after NFC normalisation, consists only of
// characters and sequences of DIN 91379 datatype C. It returns nil or a
// *CharacterError.
func ValidateC(s string) error {
	_, err := NormalizeC(s)
	return err
}

// NormalizeC returns the NFC form of s if it is valid datatype C text, or
// a *CharacterError. Callers that store or forward the text should use the
// returned form.
func NormalizeC(s string) (string, error) { return repC.normalize(s) }

// ValidateLatin checks s, after NFC normalisation, against XÖV
// String.Latin 1.1.1 (latinchars.xsd, namespace
// http://xoev.de/latinchars/1_1/datatypes), the repertoire that preceded
// DIN SPEC 91379 and types the strings of XInneres-4 era messages.
func ValidateLatin(s string) error {
	_, err := repLatin.normalize(s)
	return err
}

func (r *repertoire) normalize(s string) (string, error) {
	if isASCIIPrintable(s) {
		// Fast path: printable ASCII is in NFC and inside both repertoires.
		return s, nil
	}
	n := s
	if !norm.NFC.IsNormalString(s) {
		n = norm.NFC.String(s)
	}
	if err := r.check(n); err != nil {
		return "", err
	}
	return n, nil
}

func isASCIIPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 || c > 0x7E) && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// check validates s without normalising it.
func (r *repertoire) check(s string) error {
	idx := 0
	for off := 0; off < len(s); {
		c, size := utf8.DecodeRuneInString(s[off:])
		if c == utf8.RuneError && size <= 1 {
			return &CharacterError{Datatype: r.name, Rune: utf8.RuneError, Index: idx, Offset: off}
		}
		// Only a following combining diacritical mark (U+0300..U+036F) can
		// start one of the listed sequences; try those first, longest match.
		if next, _ := utf8.DecodeRuneInString(s[off+size:]); next >= 0x0300 && next <= 0x036F {
			if n := r.matchSequence(s[off:]); n > 0 {
				idx += utf8.RuneCountInString(s[off : off+n])
				off += n
				continue
			}
		}
		if !r.inRanges(c) {
			return &CharacterError{Datatype: r.name, Rune: c, Index: idx, Offset: off}
		}
		off += size
		idx++
	}
	return nil
}

func (r *repertoire) inRanges(c rune) bool {
	i := sort.Search(len(r.ranges), func(i int) bool { return r.ranges[i].hi >= c })
	return i < len(r.ranges) && r.ranges[i].lo <= c
}

// matchSequence returns the byte length of the longest listed sequence
// that s starts with, or 0.
func (r *repertoire) matchSequence(s string) int {
	best := 0
	for _, q := range r.seqs {
		if len(q) > best && strings.HasPrefix(s, q) {
			best = len(q)
		}
	}
	return best
}
