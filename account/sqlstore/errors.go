package sqlstore

import (
	"errors"

	"github.com/egosaar/ozg/account"
)

// ErrInvalidConfig reports a constructor argument that cannot work (a nil
// database or pool). Such errors also match account.ErrInvalidConfig, since
// the store is part of an account.SessionConfig or saml.Config.
var ErrInvalidConfig = errors.New("sqlstore: invalid configuration")

// configError is an ErrInvalidConfig with its reason.
type configError struct{ reason string }

func (e *configError) Error() string { return ErrInvalidConfig.Error() + ": " + e.reason }

func (e *configError) Unwrap() []error { return []error{ErrInvalidConfig, account.ErrInvalidConfig} }

func invalidConfig(reason string) error { return &configError{reason: reason} }
