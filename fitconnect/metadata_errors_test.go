package fitconnect_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/fitconnect"
)

// Bad metadata gets the typed ErrMetadata; an unknown version is
// ErrDestination.
func TestValidateMetadataErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		raw    string
		target error
	}{
		{"not JSON", `{`, fitconnect.ErrMetadata},
		{"array", `[]`, fitconnect.ErrMetadata},
		{"foreign schema", `{"$schema":"https://example.org/metadata.schema.json"}`, fitconnect.ErrMetadata},
		{"schema violation", `{"contentStructure":5}`, fitconnect.ErrMetadata},
		{"unknown version", `{"$schema":"https://schema.fitko.de/fit-connect/metadata/9.9.9/metadata.schema.json"}`, fitconnect.ErrDestination},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := fitconnect.ValidateMetadata([]byte(tc.raw))
			require.ErrorIs(t, err, tc.target)
			assert.Nil(t, m)
		})
	}
}
