package sqldb

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPostgresErrorsHideSecrets: a DSN that cannot be parsed or reached
// yields an error without the password (doc.go # Security).
func TestPostgresErrorsHideSecrets(t *testing.T) {
	t.Parallel()
	const pw = "s3cretPW"
	for i, dsn := range []string{
		"postgres://u:" + pw + "@%zz/db",
		"postgres://u:" + pw + "@127.0.0.1:1/db?sslmode=bogus",
		"postgres://u:" + pw + "@127.0.0.1:1/db?sslmode=disable&connect_timeout=2",
		"host=127.0.0.1 port=1 user=u password=" + pw + " sslmode=disable connect_timeout=2",
		"host=127.0.0.1 password='" + pw + " x' bogus",
		"host=127.0.0.1 port=x password=" + pw,
	} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			_, err := OpenPostgres(context.Background(), dsn)
			require.Error(t, err)
			assert.Regexp(t, `^sqldb: (parse|connect) postgres`, err.Error(), "wrapped by OpenPostgres, not a stray error")
			assert.NotContains(t, err.Error(), pw)
		})
	}
}
