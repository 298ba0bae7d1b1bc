package xoev

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Warnings do not make a message invalid, but they are capped too.
func TestFindingsWarningCap(t *testing.T) {
	for _, max := range []int{0, 7} {
		t.Run(fmt.Sprint(max), func(t *testing.T) {
			f := findings{max: max}
			for i := range 500 {
				f.warn(Warning{Path: fmt.Sprint("/", i), Message: "w"})
			}
			want := max
			if want == 0 {
				want = DefaultMaxFindings
			}
			assert.Len(t, f.warns, want+1, "the cap, and one warning saying some were dropped")
			assert.Contains(t, f.warns[want].Message, "warnings; the rest are not reported")
		})
	}
}

func TestNFCReason(t *testing.T) {
	r := nfcReason("Caf e\u0301 secret")
	assert.Contains(t, r, "position 5, starting with U+0065")
	assert.NotContains(t, r, "secret")
}
