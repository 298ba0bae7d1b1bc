package paytype

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Amount is a sum of money in euro cents. It is the only money type of the
// package: no float64 is used anywhere between the caller and the wire.
// The zero value is 0.00 EUR.
type Amount int64

// MaxAmount is the largest amount XBezahldienste accepts for grosAmount and
// the item amounts: 999999 euros (XBezahldienste 1.0.0, PaymentRequest
// "grosAmount ≤ 999999").
const MaxAmount Amount = 999999_00

// Currency is an ISO 4217 currency code. XBezahldienste 1.0.0 allows only EUR
// ("Im ersten Schritt ist hier nur 'EUR' vorgesehen"), and so does this
// package; the field is explicit so that the wire value is never a silent
// default.
type Currency string

// EUR is the only supported currency.
const EUR Currency = "EUR"

// Validate reports ErrInvalidCurrency for anything but EUR.
func (c Currency) Validate() error {
	if c != EUR {
		return &FieldError{Field: "currency", Reason: "only EUR is supported", Err: ErrInvalidCurrency}
	}
	return nil
}

// ParseEUR parses a decimal euro amount such as "12", "12.3" or "12.34"
// into cents. The grammar is: one or more ASCII digits, optionally
// followed by "." and one or two digits; a sign is not accepted. Negative values, more than two decimals, exponents,
// thousands separators, "NaN", "Inf", spaces and values that do not fit
// into an int64 number of cents are refused with an error wrapping
// ErrInvalidAmount. Nothing is rounded or truncated.
func ParseEUR(s string) (Amount, error) {
	bad := func(reason string) (Amount, error) {
		return 0, &AmountError{Input: truncateForError(s), Reason: reason}
	}
	if s == "" {
		return bad("empty")
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" {
		return bad("missing integer part")
	}
	if !allDigits(intPart) {
		if strings.HasPrefix(intPart, "-") {
			return bad("negative")
		}
		return bad("not a decimal number")
	}
	if hasDot {
		if frac == "" {
			return bad("missing decimals after point")
		}
		if !allDigits(frac) {
			return bad("not a decimal number")
		}
		if len(frac) > 2 {
			return bad("more than two decimals")
		}
	}
	euros, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil || euros > math.MaxInt64/100 {
		return bad("overflow")
	}
	cents := euros * 100
	switch len(frac) {
	case 1:
		cents += int64(frac[0]-'0') * 10
	case 2:
		cents += int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	}
	if cents < 0 {
		return bad("overflow")
	}
	return Amount(cents), nil
}

// String formats a as a decimal euro amount with exactly two decimals and a
// "." separator, the form XBezahldienste expects on the wire: 1234 → "12.34",
// 5 → "0.05". A negative amount (never produced by ParseEUR) keeps its sign.
func (a Amount) String() string {
	v := int64(a)
	sign := ""
	var u uint64
	if v < 0 {
		sign = "-"
		u = uint64(-(v + 1)) + 1 // no overflow for MinInt64
	} else {
		u = uint64(v)
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// Cents returns a as an int64 number of cents.
func (a Amount) Cents() int64 { return int64(a) }

// Validate reports ErrInvalidAmount when a is negative or above MaxAmount.
func (a Amount) Validate() error {
	if a < 0 {
		return &AmountError{Input: a.String(), Reason: "negative"}
	}
	if a > MaxAmount {
		return &AmountError{Input: a.String(), Reason: "above 999999.00"}
	}
	return nil
}

// addAmounts adds with overflow detection.
func addAmounts(x, y Amount) (Amount, bool) {
	s := x + y
	if (y > 0 && s < x) || (y < 0 && s > x) {
		return 0, false
	}
	return s, true
}

// mulAmount multiplies with overflow detection.
func mulAmount(a Amount, n int64) (Amount, bool) {
	if a == 0 || n == 0 {
		return 0, true
	}
	p := int64(a) * n
	if p/n != int64(a) {
		return 0, false
	}
	return Amount(p), true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// truncateForError keeps error texts bounded when they echo input.
func truncateForError(s string) string {
	const max = 32
	if len(s) > max {
		return strconv.Quote(s[:max]) + "…"
	}
	return strconv.Quote(s)
}
