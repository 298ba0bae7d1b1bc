package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun runs the program's headless tour as `go run` does, with the
// simulators started by their non-test constructors.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out, false, "", false, ""))
	for _, want := range []string{"Routing-API", "Bauvorbescheid", "buergerservice@saarbruecken.example",
		"rathaus@voelklingen.example", "service@homburg.example", "Alle Schritte erfolgreich"} {
		assert.Contains(t, out.String(), want)
	}
	assert.Equal(t, 1, strings.Count(out.String(), "BundID-Anmeldung"), "one login for all municipalities")
}
