package boundedio

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadAll(t *testing.T) {
	t.Parallel()
	b, err := ReadAll(strings.NewReader("abc"), 3)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(b))
	for _, lim := range []int64{2, 0, -1} {
		_, err = ReadAll(strings.NewReader("abc"), lim)
		var tl *TooLargeError
		require.ErrorAs(t, err, &tl)
		require.ErrorIs(t, err, ErrTooLarge)
	}
}
