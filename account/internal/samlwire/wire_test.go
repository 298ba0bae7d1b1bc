package samlwire

import (
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFormatTimeRoundTrip(t *testing.T) {
	in := time.Date(2026, 12, 5, 17, 4, 5, 678_901_234, time.FixedZone("CET", 3600))
	s := FormatTime(in)
	assert.Equal(t, "2026-12-05T16:04:05.678Z", s, "UTC, milliseconds")
	back, err := ParseTime(s)
	require.NoError(t, err)
	assert.True(t, back.Equal(in.Truncate(time.Millisecond)))
}

func TestNewID(t *testing.T) {
	xsID := regexp.MustCompile(`^_[0-9a-f]{40}$`)
	seen := map[string]bool{}
	for range 100 {
		id := NewID()
		assert.Regexp(t, xsID, id, "xs:ID starts with _ (not a digit)")
		assert.False(t, seen[id], "IDs repeat")
		seen[id] = true
	}
}
