package xsd

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/egosaar/ozg/internal/redact"
	"github.com/egosaar/ozg/xoev/xsd/internal/regex"
)

// Violation messages that help a clerk fix the value (and do not leak it).

const (
	// maxListedValues: enumerations up to this size are listed in full,
	// as xmllint does; longer ones (code lists) name the type and the
	// nearest values.
	maxListedValues = 12
	// maxQuotedPattern: longer patterns (DIN 91379 character classes run
	// to 800 bytes) are not printed.
	maxQuotedPattern = 64
	// patternPrefix starts every pattern message; the session then does
	// not quote the value, which is often personal data.
	patternPrefix = "pattern: "
)

// patternMsg explains why lex fails one derivation step's patterns (any of
// which would do): the offending character, its code point and its
// 1-based position, never the rest of the value.
func patternMsg(step []*regex.Matcher, lex string) string {
	best, bestIdx := (*regex.Matcher)(nil), -1
	var bestRune rune
	for _, re := range step {
		i, r, ok := re.Mismatch(lex)
		if !ok {
			i = len(lex) + 1 // incomplete: got furthest
		}
		if i > bestIdx {
			best, bestIdx, bestRune = re, i, r
		}
	}
	var b strings.Builder
	b.WriteString(patternPrefix)
	if bestIdx <= len(lex) {
		if unicode.IsPrint(bestRune) && !unicode.Is(unicode.Mn, bestRune) {
			fmt.Fprintf(&b, "character %q (U+%04X) at position %d is not allowed there", bestRune, bestRune, bestIdx+1)
		} else {
			fmt.Fprintf(&b, "character U+%04X at position %d is not allowed there", bestRune, bestIdx+1)
		}
	} else {
		b.WriteString("the value is incomplete")
	}
	if src := best.String(); len(step) == 1 && len(src) <= maxQuotedPattern {
		b.WriteString(" (pattern ")
		b.WriteString(strconv.Quote(src))
		b.WriteByte(')')
	}
	return b.String()
}

// enumMsg explains an enumeration failure: the allowed values, or for a
// long list (a code list) its type's name, size and the values nearest to
// lex.
func (f *facets) enumMsg(lex string) string {
	vals := f.enumLex
	if len(vals) <= maxListedValues {
		return "not one of the allowed values " + quoteList(vals)
	}
	owner := "the enumeration"
	if f.enumOwner != "" {
		owner = f.enumOwner
	}
	return fmt.Sprintf("not one of the %d values of %s; nearest: %s", len(vals), owner, quoteList(nearest(lex, vals, 3)))
}

func quoteList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// nearest returns the n values closest to v by edit distance (ties in
// schema order).
func nearest(v string, vals []string, n int) []string {
	type cand struct {
		s string
		d int
	}
	best := make([]cand, 0, n+1)
	for _, s := range vals {
		d := editDistance(v, s)
		i := len(best)
		for i > 0 && best[i-1].d > d {
			i--
		}
		if i >= n {
			continue
		}
		best = append(best, cand{})
		copy(best[i+1:], best[i:])
		best[i] = cand{s, d}
		if len(best) > n {
			best = best[:n]
		}
	}
	out := make([]string, len(best))
	for i, c := range best {
		out[i] = c.s
	}
	return out
}

// editDistance is the Levenshtein distance over runes, capped at 64 runes
// per side (codes are short; the cap bounds the cost of a hostile value).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	ra, rb = ra[:min(len(ra), 64)], rb[:min(len(rb), 64)]
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// describeValue prefixes msg with the (clipped) value, except for pattern
// failures, whose message names the offending character instead.
func describeValue(val, msg string) string {
	if strings.HasPrefix(msg, patternPrefix) {
		return msg
	}
	return fmt.Sprintf("value %q: %s", redact.Clip(val, 64), msg)
}
