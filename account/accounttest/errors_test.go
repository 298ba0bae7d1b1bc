package accounttest_test

import (
	"crypto/ed25519"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
)

// TestInvalidConfig: the simulators refuse a configuration they cannot
// use with ErrInvalidConfig instead of failing later inside a test.
func TestInvalidConfig(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	for name, cfg := range map[string]accounttest.OIDCConfig{
		"relative redirect":   {RedirectURL: "/cb"},
		"redirect no host":    {RedirectURL: "http:///cb"},
		"redirect javascript": {RedirectURL: "javascript:alert(1)"},
		"redirect unparsable": {RedirectURL: "http://[::1"},
		"ed25519 client key":  {ClientKey: pub},
		"string client key":   {ClientKey: "secret"},
	} {
		t.Run("oidc/"+name, func(t *testing.T) {
			s, err := accounttest.NewOIDCSim(cfg)
			assert.ErrorIs(t, err, accounttest.ErrInvalidConfig)
			assert.Nil(t, s)
		})
	}
	t.Run("saml/signature method", func(t *testing.T) {
		s, err := accounttest.NewServer(accounttest.Config{SignatureMethod: "urn:example:no-such-method"})
		assert.ErrorIs(t, err, accounttest.ErrInvalidConfig)
		assert.Nil(t, s)
	})
	t.Run("oidc/valid", func(t *testing.T) {
		s, err := accounttest.NewOIDCSim(accounttest.OIDCConfig{RedirectURL: "https://svc.example/cb"})
		require.NoError(t, err)
		s.Close()
	})
}
