package hmacsig

import (
	"errors"
	"strconv"
	"time"
)

// Timestamp errors.
var (
	// ErrBadTimestamp: not decimal Unix seconds, or negative.
	ErrBadTimestamp = errors.New("hmacsig: timestamp not a non-negative integer")
	// ErrTooOld / ErrTooNew: outside the window.
	ErrTooOld = errors.New("hmacsig: timestamp too old")
	ErrTooNew = errors.New("hmacsig: timestamp too new")
)

// DefaultTolerance is the window of both schemes: Standard Webhooks'
// reference library accepts 5 minutes either way; FIT-Connect requires
// "nicht älter als 5 Minuten".
const DefaultTolerance = 5 * time.Minute

// FormatUnix returns t as decimal Unix seconds; a time before 1970 is
// ErrBadTimestamp (no verifier of either scheme accepts it).
func FormatUnix(t time.Time) (string, error) {
	sec := t.Unix()
	if sec < 0 {
		return "", ErrBadTimestamp
	}
	return strconv.FormatInt(sec, 10), nil
}

// ParseUnix parses decimal Unix seconds in the form FormatUnix writes:
// 1 to 19 ASCII digits, no sign, no leading zero. The MAC covers the
// header as sent, so only this one spelling of a time can verify.
func ParseUnix(s string) (time.Time, error) {
	if len(s) == 0 || len(s) > 19 || (len(s) > 1 && s[0] == '0') {
		return time.Time{}, ErrBadTimestamp
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, ErrBadTimestamp
		}
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, ErrBadTimestamp
	}
	return time.Unix(sec, 0), nil
}

// CheckTimestamp parses a timestamp header (ParseUnix) and checks it
// against now ± tolerance (CheckWindow): the timestamp step of both
// schemes' verification. It returns the parsed time.
func CheckTimestamp(ts string, now time.Time, tolerance time.Duration) (time.Time, error) {
	t, err := ParseUnix(ts)
	if err != nil {
		return time.Time{}, err
	}
	if err := CheckWindow(t, now, tolerance); err != nil {
		return time.Time{}, err
	}
	return t, nil
}

// CheckWindow reports ErrTooOld when ts is more than tolerance before now
// and ErrTooNew when more than tolerance after it.
func CheckWindow(ts, now time.Time, tolerance time.Duration) error {
	if now.Sub(ts) > tolerance {
		return ErrTooOld
	}
	if ts.Sub(now) > tolerance {
		return ErrTooNew
	}
	return nil
}
