package boundedio

import (
	"errors"
	"fmt"
	"io"
)

// ErrTooLarge is returned (wrapped in a *TooLargeError) when input exceeds
// the configured limit.
var ErrTooLarge = errors.New("input exceeds size limit")

// TooLargeError reports the limit that was exceeded.
type TooLargeError struct {
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("input exceeds size limit of %d bytes", e.Limit)
}

// Unwrap returns ErrTooLarge.
func (e *TooLargeError) Unwrap() error { return ErrTooLarge }

// ReadAll reads r to EOF but never more than limit bytes. Input longer than
// limit yields a *TooLargeError and no data; limit must be positive.
func ReadAll(r io.Reader, limit int64) ([]byte, error) {
	if limit <= 0 {
		return nil, &TooLargeError{Limit: limit}
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	return data, nil
}
