package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/sqlstore"
)

// TestInvalidConfig: a nil database or pool is refused with
// ErrInvalidConfig (also account.ErrInvalidConfig), never a panic.
func TestInvalidConfig(t *testing.T) {
	ctx := context.Background()
	for name, f := range map[string]func() error{
		"NewSessionsSQLite nil db":     func() error { _, err := sqlstore.NewSessionsSQLite(ctx, nil); return err },
		"NewSessionsPostgres nil pool": func() error { _, err := sqlstore.NewSessionsPostgres(ctx, nil); return err },
		"NewPostgres nil pool":         func() error { _, err := sqlstore.NewPostgres(ctx, nil); return err },
		"NewSQLite nil db":             func() error { _, err := sqlstore.NewSQLite(ctx, nil); return err },
	} {
		t.Run(name, func(t *testing.T) {
			err := f()
			assert.ErrorIs(t, err, sqlstore.ErrInvalidConfig)
			assert.ErrorIs(t, err, account.ErrInvalidConfig)
			assert.Regexp(t, `^sqlstore: invalid configuration: nil (database|pool)$`, err.Error())
		})
	}
}
