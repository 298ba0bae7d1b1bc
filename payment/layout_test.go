package payment_test

import (
	"go/build"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The three audiences stay separated (package doc, "Package layout"):
// paytype imports no other payment package, the adapter and store
// contracts import only paytype, and none of them the application API.
func TestPackageLayout(t *testing.T) {
	const root = "github.com/egosaar/ozg/payment"
	allowed := map[string][]string{
		"paytype":     nil,
		"payprovider": {root + "/paytype"},
		"paystore":    {root + "/paytype"},
	}
	for dir, ok := range allowed {
		p, err := build.ImportDir(dir, 0)
		require.NoError(t, err, dir)
		for _, imp := range p.Imports {
			if imp != root && !strings.HasPrefix(imp, root+"/") {
				continue
			}
			assert.Contains(t, ok, imp, "%s must not import %s", dir, imp)
		}
	}
}
