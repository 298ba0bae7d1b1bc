package signaturetest

import (
	"errors"
	"fmt"
)

// ErrInvalidConfig reports an argument that a constructor of this package
// (NewKey, NewCA, NewOCSPResponder) refuses, such as an unknown KeyType or
// a nil CA; every error those constructors return wraps it.
var ErrInvalidConfig = errors.New("signaturetest: invalid configuration")

// invalidConfig wraps err, returned by a constructor, in ErrInvalidConfig.
func invalidConfig(err error) error {
	if errors.Is(err, ErrInvalidConfig) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
}
