package uuidfmt

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestValid(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"0f3a2b1c-4d5e-4f60-8a7b-9c0d1e2f3a4b":          true,
		"0F3A2B1C-4D5E-4F60-8A7B-9C0D1E2F3A4B":          true,
		"":                                              false,
		"0f3a2b1c4d5e4f608a7b9c0d1e2f3a4b":              false,
		"{0f3a2b1c-4d5e-4f60-8a7b-9c0d1e2f3a4b}":        false,
		"urn:uuid:0f3a2b1c-4d5e-4f60-8a7b-9c0d1e2f3a4b": false,
		"0f3a2b1c-4d5e-4f60-8a7b-9c0d1e2f3a4g":          false,
		"0f3a2b1c-4d5e-4f60-8a7b_9c0d1e2f3a4b":          false,
		"0f3a2b1c-4d5e-4f60-8a7b-9c0d1e2f3a4":           false,
	}
	for in, want := range tests {
		assert.Equal(t, want, Valid(in), in)
	}
}
