package redact

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewFingerprinter(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		key  []byte
		ok   bool
	}{
		{"nil key", nil, false},
		{"empty key", []byte{}, false},
		{"one byte", []byte{1}, false},
		{"15 bytes", bytes.Repeat([]byte{1}, 15), false},
		{"16 bytes", bytes.Repeat([]byte{1}, 16), true},
		{"32 bytes", bytes.Repeat([]byte{1}, 32), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := NewFingerprinter(tc.key)
			if !tc.ok {
				require.ErrorIs(t, err, ErrFingerprintKey)
				assert.Nil(t, f)
				return
			}
			require.NoError(t, err)
			assert.Len(t, f.Tag("max@example.org"), 12)
		})
	}
}

func TestFingerprinterTags(t *testing.T) {
	t.Parallel()
	k1, k2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	f1, err := NewFingerprinter(k1)
	require.NoError(t, err)
	f2, err := NewFingerprinter(k2)
	require.NoError(t, err)
	v := "max@example.org"
	// The key is copied: changing the caller's slice changes nothing.
	before := f1.Tag(v)
	k1[0] = 9
	assert.Equal(t, before, f1.Tag(v))

	// What a dictionary attacker computes without the key never matches.
	assert.NotEqual(t, Fingerprint(v), f1.Tag(v))
	assert.NotEqual(t, f1.Tag(v), f2.Tag(v), "another key, another tag")
	assert.NotEqual(t, f1.Tag(v), f1.Tag("moritz@example.org"))
	assert.NotEqual(t, Fingerprint(v), LogFingerprint(v))
	assert.Empty(t, f1.Tag(""))
	assert.Empty(t, LogFingerprint(""))
	// Stable for one key and within one process.
	assert.Equal(t, f1.Tag(v), f1.Tag(v))
	assert.Equal(t, LogFingerprint(v), LogFingerprint(v))
	assert.Len(t, LogFingerprint(v), 12)
}
