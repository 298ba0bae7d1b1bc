package paytype

import (
	"fmt"
	"strconv"
	"strings"
)

// TaxRate is a VAT rate in hundredths of a percent: 1900 is 19 %, 700 is
// 7 %, 0 is tax-free. XBezahldienste sends it as a decimal percentage
// (PaymentItem.taxRate, 0 … 100); no float is involved.
type TaxRate int

// ParseTaxRate parses "19", "7.5" or "19.00" (percent, at most two
// decimals, 0 … 100).
func ParseTaxRate(s string) (TaxRate, error) {
	a, err := ParseEUR(s) // same grammar: digits, optional 1–2 decimals
	if err != nil {
		return 0, &FieldError{Field: "taxRate", Reason: "not a percentage with at most two decimals", Err: ErrInvalidRequest}
	}
	r := TaxRate(a)
	if err := r.Validate(); err != nil {
		return 0, err
	}
	return r, nil
}

// String formats r as a percentage with two decimals, e.g. "19.00".
func (r TaxRate) String() string { return Amount(r).String() }

// Validate reports an error unless 0 ≤ r ≤ 100 %.
func (r TaxRate) Validate() error {
	if r < 0 || r > 10000 {
		return &FieldError{Field: "taxRate", Reason: "outside 0 … 100 percent", Err: ErrInvalidRequest}
	}
	return nil
}

// DueDate is a calendar date (Fälligkeitsdatum) in the form YYYY-MM-DD.
type DueDate string

// Validate checks the YYYY-MM-DD form and that the date exists.
func (d DueDate) Validate() error {
	if d == "" {
		return nil
	}
	if len(d) != 10 || strings.Count(string(d), "-") != 2 {
		return &FieldError{Field: "faelligkeitsdatum", Reason: "not YYYY-MM-DD", Err: ErrInvalidRequest}
	}
	y, err1 := strconv.Atoi(string(d[0:4]))
	m, err2 := strconv.Atoi(string(d[5:7]))
	day, err3 := strconv.Atoi(string(d[8:10]))
	if err1 != nil || err2 != nil || err3 != nil || !allDigits(string(d[0:4])+string(d[5:7])+string(d[8:10])) {
		return &FieldError{Field: "faelligkeitsdatum", Reason: "not YYYY-MM-DD", Err: ErrInvalidRequest}
	}
	if m < 1 || m > 12 || day < 1 || day > daysIn(y, m) {
		return &FieldError{Field: "faelligkeitsdatum", Reason: fmt.Sprintf("no such date in %04d-%02d", y, m), Err: ErrInvalidRequest}
	}
	return nil
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if (y%4 == 0 && y%100 != 0) || y%400 == 0 {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
