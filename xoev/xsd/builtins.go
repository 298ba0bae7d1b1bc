package xsd

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// builtinKind identifies the built-in datatypes of XML Schema Part 2 §3.2
// (primitive) and §3.3 (derived).
type builtinKind uint8

const (
	bkAnySimple builtinKind = iota
	bkString
	bkNormalizedString
	bkToken
	bkLanguage
	bkName
	bkNCName
	bkID
	bkIDREF
	bkENTITY
	bkNMTOKEN
	bkQName
	bkAnyURI
	bkBoolean
	bkDecimal
	bkInteger
	bkNonPositiveInteger
	bkNegativeInteger
	bkLong
	bkInt
	bkShort
	bkByte
	bkNonNegativeInteger
	bkUnsignedLong
	bkUnsignedInt
	bkUnsignedShort
	bkUnsignedByte
	bkPositiveInteger
	bkFloat
	bkDouble
	bkDuration
	bkDateTime
	bkDate
	bkTime
	bkGYear
	bkGYearMonth
	bkGMonth
	bkGMonthDay
	bkGDay
	bkHexBinary
	bkBase64Binary
	bkCount
)

var builtinNames = [bkCount]string{
	"anySimpleType", "string", "normalizedString", "token", "language", "Name", "NCName", "ID", "IDREF",
	"ENTITY", "NMTOKEN", "QName", "anyURI", "boolean", "decimal", "integer", "nonPositiveInteger",
	"negativeInteger", "long", "int", "short", "byte", "nonNegativeInteger", "unsignedLong", "unsignedInt",
	"unsignedShort", "unsignedByte", "positiveInteger", "float", "double", "duration", "dateTime", "date",
	"time", "gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay", "hexBinary", "base64Binary",
}

// builtinBase is the base type of each built-in (Part 2 §3.3).
var builtinBase = [bkCount]builtinKind{
	bkString: bkAnySimple, bkNormalizedString: bkString, bkToken: bkNormalizedString,
	bkLanguage: bkToken, bkName: bkToken, bkNCName: bkName, bkID: bkNCName, bkIDREF: bkNCName,
	bkENTITY: bkNCName, bkNMTOKEN: bkToken, bkInteger: bkDecimal, bkNonPositiveInteger: bkInteger,
	bkNegativeInteger: bkNonPositiveInteger, bkLong: bkInteger, bkInt: bkLong, bkShort: bkInt,
	bkByte: bkShort, bkNonNegativeInteger: bkInteger, bkUnsignedLong: bkNonNegativeInteger,
	bkUnsignedInt: bkUnsignedLong, bkUnsignedShort: bkUnsignedInt, bkUnsignedByte: bkUnsignedShort,
	bkPositiveInteger: bkNonNegativeInteger,
}

var builtins = func() map[string]*simpleType {
	m := map[string]*simpleType{}
	var mk func(k builtinKind) *simpleType
	mk = func(k builtinKind) *simpleType {
		if t, ok := m[builtinNames[k]]; ok {
			return t
		}
		t := &simpleType{name: qname{nsXSD, builtinNames[k]}, variety: atomic, builtin: k, ws: wsCollapse, f: noFacets()}
		switch k {
		case bkAnySimple, bkString:
			t.ws = wsPreserve
		case bkNormalizedString:
			t.ws = wsReplace
		}
		if k != bkAnySimple {
			t.base = mk(builtinBase[k])
		}
		m[builtinNames[k]] = t
		return t
	}
	for k := builtinKind(0); k < bkCount; k++ {
		mk(k)
	}
	for name, item := range map[string]builtinKind{"IDREFS": bkIDREF, "NMTOKENS": bkNMTOKEN, "ENTITIES": bkENTITY} {
		// Part 2 gives these lists minLength 1; libxml2, the oracle,
		// accepts an empty list, and so do we.
		f := noFacets()
		m[name] = &simpleType{name: qname{nsXSD, name}, variety: list, builtin: bkAnySimple, item: m[builtinNames[item]], ws: wsCollapse, f: f, base: m["anySimpleType"]}
	}
	return m
}()

func builtinByName(local string) *simpleType { return builtins[local] }

func isDecimalKind(k builtinKind) bool { return k >= bkDecimal && k <= bkPositiveInteger }

func normalizeWS(s string, mode wsMode) string {
	switch mode {
	case wsReplace:
		if strings.ContainsAny(s, "\t\n\r") {
			return strings.Map(func(r rune) rune {
				if r == '\t' || r == '\n' || r == '\r' {
					return ' '
				}
				return r
			}, s)
		}
	case wsCollapse:
		if needsCollapse(s) {
			return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
				if r == '\t' || r == '\n' || r == '\r' {
					return ' '
				}
				return r
			}, s)), " ")
		}
	}
	return s
}

func needsCollapse(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\t', '\n', '\r':
			return true
		case ' ':
			if i+1 < len(s) && s[i+1] == ' ' {
				return true
			}
		}
	}
	return false
}

// lexDecimal checks the decimal lexical space (Part 2 §3.2.3.1) and returns
// a canonical rational string; integer-only when !frac.
func lexDecimal(v string, frac bool) (string, string) {
	s := v
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] >= '0' && s[i] <= '9':
			digits++
		case s[i] == '.' && !dot && frac:
			dot = true
		default:
			return "", "not a valid " + map[bool]string{true: "decimal", false: "integer"}[frac]
		}
	}
	if digits == 0 {
		return "", "not a valid number"
	}
	if !frac {
		if len(v) <= 18 {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				return strconv.FormatInt(n, 10), ""
			}
		}
		n, ok := new(big.Int).SetString(strings.TrimPrefix(v, "+"), 10)
		if !ok {
			return "", "not a valid integer"
		}
		return n.String(), ""
	}
	r, ok := new(big.Rat).SetString(strings.TrimPrefix(v, "+"))
	if !ok {
		return "", "not a valid decimal"
	}
	return r.RatString(), ""
}

var (
	minLong  = big.NewInt(math.MinInt64)
	maxLong  = big.NewInt(math.MaxInt64)
	maxULong = new(big.Int).SetUint64(math.MaxUint64)
)

func intRange(k builtinKind) (lo, hi *big.Int) {
	switch k {
	case bkNonPositiveInteger:
		return nil, big.NewInt(0)
	case bkNegativeInteger:
		return nil, big.NewInt(-1)
	case bkLong:
		return minLong, maxLong
	case bkInt:
		return big.NewInt(math.MinInt32), big.NewInt(math.MaxInt32)
	case bkShort:
		return big.NewInt(math.MinInt16), big.NewInt(math.MaxInt16)
	case bkByte:
		return big.NewInt(math.MinInt8), big.NewInt(math.MaxInt8)
	case bkNonNegativeInteger:
		return big.NewInt(0), nil
	case bkUnsignedLong:
		return big.NewInt(0), maxULong
	case bkUnsignedInt:
		return big.NewInt(0), big.NewInt(math.MaxUint32)
	case bkUnsignedShort:
		return big.NewInt(0), big.NewInt(math.MaxUint16)
	case bkUnsignedByte:
		return big.NewInt(0), big.NewInt(math.MaxUint8)
	case bkPositiveInteger:
		return big.NewInt(1), nil
	}
	return nil, nil
}

// smallRange is intRange for values that fit in int64 (ok=false: the kind
// has a bound outside int64, use intRange).
func smallRange(k builtinKind) (lo, hi int64, ok bool) {
	switch k {
	case bkInteger:
		return math.MinInt64, math.MaxInt64, true
	case bkNonPositiveInteger:
		return math.MinInt64, 0, true
	case bkNegativeInteger:
		return math.MinInt64, -1, true
	case bkLong:
		return math.MinInt64, math.MaxInt64, true
	case bkInt:
		return math.MinInt32, math.MaxInt32, true
	case bkShort:
		return math.MinInt16, math.MaxInt16, true
	case bkByte:
		return math.MinInt8, math.MaxInt8, true
	case bkNonNegativeInteger, bkUnsignedLong:
		return 0, math.MaxInt64, true
	case bkUnsignedInt:
		return 0, math.MaxUint32, true
	case bkUnsignedShort:
		return 0, math.MaxUint16, true
	case bkUnsignedByte:
		return 0, math.MaxUint8, true
	case bkPositiveInteger:
		return 1, math.MaxInt64, true
	}
	return 0, 0, false
}

// parseXSDFloat accepts the float/double lexical space (Part 2 §3.2.4.1,
// §3.2.5.1).
func parseXSDFloat(v string) (float64, bool) {
	switch v {
	case "INF":
		return math.Inf(1), true
	case "-INF":
		return math.Inf(-1), true
	case "NaN":
		return math.NaN(), true
	}
	s := v
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	mant, exp := s, ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp = s[:i], s[i+1:]
		if exp != "" && (exp[0] == '+' || exp[0] == '-') {
			exp = exp[1:]
		}
		// libxml2 accepts an empty exponent ("1.5e"); so do we.
		if strings.Trim(exp, "0123456789") != "" {
			return 0, false
		}
	}
	digits, dot := 0, false
	for i := 0; i < len(mant); i++ {
		switch {
		case mant[i] >= '0' && mant[i] <= '9':
			digits++
		case mant[i] == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	pv := v
	if strings.HasSuffix(pv, "e") || strings.HasSuffix(pv, "E") || strings.HasSuffix(pv, "e+") || strings.HasSuffix(pv, "e-") || strings.HasSuffix(pv, "E+") || strings.HasSuffix(pv, "E-") {
		pv = strings.TrimRight(pv, "eE+-")
	}
	f, err := strconv.ParseFloat(pv, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

func isNameStart(r rune) bool {
	return r == ':' || r == '_' || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') ||
		(r >= 0xC0 && r <= 0xD6) || (r >= 0xD8 && r <= 0xF6) || (r >= 0xF8 && r <= 0x2FF) ||
		(r >= 0x370 && r <= 0x37D) || (r >= 0x37F && r <= 0x1FFF) || (r >= 0x200C && r <= 0x200D) ||
		(r >= 0x2070 && r <= 0x218F) || (r >= 0x2C00 && r <= 0x2FEF) || (r >= 0x3001 && r <= 0xD7FF) ||
		(r >= 0xF900 && r <= 0xFDCF) || (r >= 0xFDF0 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0xEFFFF)
}

func isNameChar(r rune) bool {
	return isNameStart(r) || r == '-' || r == '.' || (r >= '0' && r <= '9') || r == 0xB7 ||
		(r >= 0x300 && r <= 0x36F) || (r >= 0x203F && r <= 0x2040)
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if i == 0 && !isNameStart(r) || !isNameChar(r) {
			return false
		}
	}
	return true
}

func isNCName(s string) bool { return isName(s) && !strings.Contains(s, ":") }

func isNMTOKEN(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isNameChar(r) {
			return false
		}
	}
	return true
}

func isLanguage(s string) bool {
	parts := strings.Split(s, "-")
	for i, p := range parts {
		if len(p) < 1 || len(p) > 8 {
			return false
		}
		for j := 0; j < len(p); j++ {
			c := p[j]
			alpha := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
			if !alpha && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// base64Len checks the base64Binary lexical space (Part 2 §3.2.16) and
// returns the number of octets.
func base64Len(v string) (int, bool) {
	n, pad := 0, 0
	var last byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			continue
		case c == '=':
			pad++
			if pad > 2 {
				return 0, false
			}
		case (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/':
			if pad > 0 {
				return 0, false
			}
			last = c
		default:
			return 0, false
		}
		n++
	}
	if n%4 != 0 {
		return 0, false
	}
	// The character before the padding must leave the unused bits zero
	// (Part 2 §3.2.16 productions B16 and B04).
	if pad == 1 && !strings.ContainsRune("AEIMQUYcgkosw048", rune(last)) ||
		pad == 2 && !strings.ContainsRune("AQgw", rune(last)) {
		return 0, false
	}
	return n/4*3 - pad, true
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }
