package xsd

import (
	"math/big"
	"strconv"
	"strings"
)

// nsResolver resolves a namespace prefix in the instance's scope.
type nsResolver func(prefix string) (string, bool)

// idSink records xs:ID and xs:IDREF values (Part 1 §3.15.5 validation
// root ID/IDREF table).
type idSink interface {
	addID(v string)
	addRef(v string)
}

// check validates the literal v against t (Part 2 §4.1.4 "Datatype Valid")
// and returns its canonical form for enumeration and fixed-value
// comparison, or a message saying why it is invalid.
func (t *simpleType) check(v string, ids idSink, nsr nsResolver) (string, string) {
	switch t.variety {
	case list:
		n := normalizeWS(v, wsCollapse)
		items := strings.Fields(n)
		canon := make([]string, len(items))
		for i, it := range items {
			c, msg := t.item.check(it, ids, nsr)
			if msg != "" {
				return "", "list item " + strconv.Quote(it) + ": " + msg
			}
			canon[i] = c
		}
		cv := strings.Join(canon, " ")
		if msg := t.f.checkLength(len(items)); msg != "" {
			return "", msg
		}
		return cv, t.f.checkPatternEnum(n, cv)
	case union:
		for _, m := range t.members {
			if c, msg := m.check(v, nil, nsr); msg == "" {
				n := normalizeWS(v, m.ws)
				if msg := t.f.checkPatternEnum(n, c); msg != "" {
					return "", msg
				}
				if ids != nil {
					m.check(v, ids, nsr)
				}
				return c, ""
			}
		}
		return "", "not valid for any member type of the union"
	}
	n := normalizeWS(v, t.ws)
	canon, size, msg := lexical(t.builtin, n, nsr)
	if msg != "" {
		return "", msg
	}
	if size >= 0 {
		if msg := t.f.checkLength(size); msg != "" {
			return "", msg
		}
	}
	if msg := t.f.checkPatternEnum(n, canon); msg != "" {
		return "", msg
	}
	if isDecimalKind(t.builtin) {
		if msg := t.f.checkDecimal(canon, n); msg != "" {
			return "", msg
		}
	}
	if t.builtin == bkFloat || t.builtin == bkDouble {
		f, _ := parseXSDFloat(n)
		if msg := t.f.checkFloat(f); msg != "" {
			return "", msg
		}
	}
	if ids != nil {
		switch t.builtin {
		case bkID:
			ids.addID(n)
		case bkIDREF:
			ids.addRef(n)
		}
	}
	return canon, ""
}

// lexical checks the lexical space of a built-in and returns the canonical
// value and the length in the unit of the length facets (-1: not
// applicable).
func lexical(k builtinKind, v string, nsr nsResolver) (string, int, string) {
	switch k {
	case bkAnySimple, bkString, bkNormalizedString, bkToken:
		return v, runeLen(v), ""
	case bkAnyURI:
		if !isAnyURI(v) {
			return "", 0, "not a valid anyURI"
		}
		return v, runeLen(v), ""
	case bkLanguage:
		if !isLanguage(v) {
			return "", 0, "not a valid language"
		}
		return v, runeLen(v), ""
	case bkName:
		if !isName(v) {
			return "", 0, "not a valid Name"
		}
		return v, runeLen(v), ""
	case bkENTITY:
		// Unparsed entities need a DTD, and DOCTYPEs are refused.
		return "", 0, "no unparsed entity " + strconv.Quote(v) + " is declared"
	case bkNCName, bkID, bkIDREF:
		if !isNCName(v) {
			return "", 0, "not a valid NCName"
		}
		return v, runeLen(v), ""
	case bkNMTOKEN:
		if !isNMTOKEN(v) {
			return "", 0, "not a valid NMTOKEN"
		}
		return v, runeLen(v), ""
	case bkQName:
		prefix, local := "", v
		if i := strings.IndexByte(v, ':'); i >= 0 {
			prefix, local = v[:i], v[i+1:]
		}
		if !isNCName(local) || (prefix != "" && !isNCName(prefix)) {
			return "", 0, "not a valid QName"
		}
		ns := ""
		if nsr != nil {
			var ok bool
			if ns, ok = nsr(prefix); !ok {
				return "", 0, "prefix " + strconv.Quote(prefix) + " is not declared"
			}
		}
		return "{" + ns + "}" + local, -1, ""
	case bkBoolean:
		switch v {
		case "true", "1":
			return "true", -1, ""
		case "false", "0":
			return "false", -1, ""
		}
		return "", 0, "not a valid boolean"
	case bkDecimal:
		c, msg := lexDecimal(v, true)
		return c, -1, msg
	case bkFloat, bkDouble:
		f, ok := parseXSDFloat(v)
		if !ok {
			return "", 0, "not a valid " + builtinNames[k]
		}
		if k == bkFloat {
			return strconv.FormatFloat(float64(float32(f)), 'g', -1, 32), -1, ""
		}
		return strconv.FormatFloat(f, 'g', -1, 64), -1, ""
	case bkDuration:
		if !isDuration(v) {
			return "", 0, "not a valid duration"
		}
		return v, -1, ""
	case bkDateTime, bkDate, bkTime, bkGYear, bkGYearMonth, bkGMonth, bkGMonthDay, bkGDay:
		if msg := checkDateTime(k, v); msg != "" {
			return "", 0, msg
		}
		return v, -1, ""
	case bkHexBinary:
		if len(v)%2 != 0 {
			return "", 0, "not a valid hexBinary"
		}
		for i := 0; i < len(v); i++ {
			if !isHex(v[i]) {
				return "", 0, "not a valid hexBinary"
			}
		}
		return strings.ToUpper(v), len(v) / 2, ""
	case bkBase64Binary:
		n, ok := base64Len(v)
		if !ok {
			return "", 0, "not a valid base64Binary"
		}
		return strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, v), n, ""
	}
	if isDecimalKind(k) {
		c, msg := lexDecimal(v, false)
		if msg != "" {
			return "", 0, msg
		}
		if lo, hi, ok := smallRange(k); ok && len(c) <= 18 {
			if n, err := strconv.ParseInt(c, 10, 64); err == nil {
				if n < lo || n > hi {
					return "", 0, "out of range for " + builtinNames[k]
				}
				return c, -1, ""
			}
		}
		lo, hi := intRange(k)
		if lo != nil || hi != nil {
			n, _ := new(big.Int).SetString(c, 10)
			if lo != nil && n.Cmp(lo) < 0 || hi != nil && n.Cmp(hi) > 0 {
				return "", 0, "out of range for " + builtinNames[k]
			}
		}
		return c, -1, ""
	}
	return "", 0, "unsupported built-in type"
}

func (f *facets) checkLength(n int) string {
	switch {
	case f.length >= 0 && n != f.length:
		return "length " + strconv.Itoa(n) + " is not " + strconv.Itoa(f.length)
	case f.minLength >= 0 && n < f.minLength:
		return "length " + strconv.Itoa(n) + " is less than minLength " + strconv.Itoa(f.minLength)
	case f.maxLength >= 0 && n > f.maxLength:
		return "length " + strconv.Itoa(n) + " exceeds maxLength " + strconv.Itoa(f.maxLength)
	}
	return ""
}

func (f *facets) checkPatternEnum(lex, canon string) string {
	for _, step := range f.patterns {
		ok := false
		for _, re := range step {
			if re.MatchString(lex) {
				ok = true
				break
			}
		}
		if !ok {
			return patternMsg(step, lex)
		}
	}
	if f.enum != nil {
		if _, ok := f.enum[canon]; !ok {
			return f.enumMsg(lex)
		}
	}
	return ""
}

func (f *facets) checkDecimal(canon, lex string) string {
	if f.minInc != nil || f.maxInc != nil || f.minExc != nil || f.maxExc != nil {
		r, ok := new(big.Rat).SetString(canon)
		if !ok {
			return "not a valid decimal"
		}
		switch {
		case f.minInc != nil && r.Cmp(f.minInc) < 0:
			return "less than minInclusive " + f.minInc.RatString()
		case f.maxInc != nil && r.Cmp(f.maxInc) > 0:
			return "greater than maxInclusive " + f.maxInc.RatString()
		case f.minExc != nil && r.Cmp(f.minExc) <= 0:
			return "not greater than minExclusive " + f.minExc.RatString()
		case f.maxExc != nil && r.Cmp(f.maxExc) >= 0:
			return "not less than maxExclusive " + f.maxExc.RatString()
		}
	}
	if f.totalDig >= 0 || f.fracDig >= 0 {
		s := strings.TrimLeft(lex, "+-")
		intPart, frac := s, ""
		if i := strings.IndexByte(s, '.'); i >= 0 {
			intPart, frac = s[:i], s[i+1:]
		}
		intPart = strings.TrimLeft(intPart, "0")
		frac = strings.TrimRight(frac, "0")
		if f.fracDig >= 0 && len(frac) > f.fracDig {
			return "more than " + strconv.Itoa(f.fracDig) + " fraction digits"
		}
		if f.totalDig >= 0 && len(intPart)+len(frac) > f.totalDig {
			return "more than " + strconv.Itoa(f.totalDig) + " total digits"
		}
	}
	return ""
}

func (f *facets) checkFloat(v float64) string {
	switch {
	case f.fMinInc != nil && !(v >= *f.fMinInc):
		return "less than minInclusive"
	case f.fMaxInc != nil && !(v <= *f.fMaxInc):
		return "greater than maxInclusive"
	case f.fMinExc != nil && !(v > *f.fMinExc):
		return "not greater than minExclusive"
	case f.fMaxExc != nil && !(v < *f.fMaxExc):
		return "not less than maxExclusive"
	}
	return ""
}
