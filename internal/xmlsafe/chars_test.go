package xmlsafe

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// skipPlainText's word-at-a-time loop must stop exactly where the byte
// loop over textPlain stops, for every byte value at every alignment.
func TestSkipPlainTextExhaustive(t *testing.T) {
	t.Parallel()
	naive := func(s string, i int) int {
		for i < len(s) && textPlain[s[i]] {
			i++
		}
		return i
	}
	base := strings.Repeat("QUJD", 10)
	for start := range 9 {
		for at := start; at < 33; at++ {
			for c := range 256 {
				s := base[:at] + string([]byte{byte(c)}) + base[at+1:]
				require.Equal(t, naive(s, start), skipPlainText(s, start), "start %d, byte %#x at %d", start, c, at)
			}
		}
	}
}

func TestNameClasses(t *testing.T) {
	t.Parallel()
	for _, r := range []rune{':', 'A', '_', 'z', 0xC0, 0x37F, 0x200C, 0x2070, 0x3001, 0xF900, 0xFDF0, 0x10000} {
		require.True(t, isNameStartRune(r), "%U", r)
	}
	for _, r := range []rune{'-', '.', '0', 0xB7, 0x300, 0x36F, 0x203F, 0x37E, 0xD7, 0xF7, 0x2000, 0x2190, 0xFFFE, 0xF0000} {
		require.False(t, isNameStartRune(r), "%U", r)
	}
	for _, r := range []rune{'-', '.', '9', 0xB7, 0x300, 0x2040} {
		require.True(t, isNameRune(r), "%U", r)
	}
	for _, r := range []rune{' ', '<', '/', 0x37E, 0x2041, 0x2190, 0xFFFE} {
		require.False(t, isNameRune(r), "%U", r)
	}
	for _, r := range []rune{0, 8, 0xB, 0xC, 0x1F, 0xD800, 0xDFFF, 0xFFFE, 0xFFFF, 0x110000} {
		require.False(t, isChar(r), "%U", r)
	}
}
