package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, filepath.Join(t.TempDir(), "payment.db")))
	assert.Equal(t, `created antrag-2026-000123: 30.00 EUR, status INITIAL
redirected to https://service.example/antrag-2026-000123/bezahlt
notify applicant: payment antrag-2026-000123 is PAYED
pulled status PAYED
retry returned the same transaction: true (provider creates: 1)
`, out.String())
}
