package saml_test

import (
	"testing"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
)

func TestMemoryStore(t *testing.T) {
	t.Parallel()
	accounttest.TestStore(t, func(*testing.T) saml.Store { return saml.NewMemoryStore() })
}
