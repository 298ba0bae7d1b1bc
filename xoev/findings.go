package xoev

import (
	"cmp"
	"errors"
	"fmt"
)

// findings collects the errors and warnings of one Decode or Validate
// call, at most max of each (Config.MaxFindings). The first error beyond
// the cap is replaced by one *Error wrapping ErrLimit and collection
// stops, as xoev/xsd does with MaxViolations; warnings beyond the cap are
// summarised by one Warning. A hostile message therefore cannot turn a
// few bytes per bad element into kilobytes of error text.
type findings struct {
	max         int
	errs        []error
	warns       []Warning
	errsFull    bool
	warningFull bool
}

// limit returns the cap; the zero value uses DefaultMaxFindings.
func (f *findings) limit() int { return cmp.Or(f.max, DefaultMaxFindings) }

// add records err (nil is ignored).
func (f *findings) add(err error) {
	if err == nil || f.errsFull {
		return
	}
	if len(f.errs) >= f.limit() {
		f.errsFull = true
		f.errs = append(f.errs, &Error{Kind: ErrLimit, Path: "/", Reason: fmt.Sprintf("more than %d findings; the rest are not reported", f.limit())})
		return
	}
	f.errs = append(f.errs, err)
}

// stop records err, which ends collection (a limit other than the
// findings cap was reached).
func (f *findings) stop(err error) {
	if !f.errsFull {
		f.errs = append(f.errs, err)
		f.errsFull = true
	}
}

// full reports whether the error cap was reached: the message is invalid
// and further checks are wasted work.
func (f *findings) full() bool { return f.errsFull }

// warn records w.
func (f *findings) warn(w Warning) {
	if f.warningFull {
		return
	}
	if len(f.warns) >= f.limit() {
		f.warningFull = true
		f.warns = append(f.warns, Warning{Path: "/", Message: fmt.Sprintf("more than %d warnings; the rest are not reported", f.limit())})
		return
	}
	f.warns = append(f.warns, w)
}

func (f *findings) err() error { return errors.Join(f.errs...) }
