package saml_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
)

// TestEndpointsNeedHTTPS: the IdP's SingleSignOnService (it receives the
// signed AuthnRequest and RelayState) and the ACS (it receives the
// assertion) must be https; plain http is accepted for loopback hosts only
// (local simulators).
func TestEndpointsNeedHTTPS(t *testing.T) {
	t.Parallel()
	idp, err := accounttest.NewServer(accounttest.Config{})
	require.NoError(t, err)
	defer idp.Close()
	md := string(idp.Metadata())
	require.Contains(t, md, `Location="`+idp.SSOURL+`"`)
	cases := []struct {
		url string
		ok  bool
	}{
		{"http://idp.example.org/sso", false},
		{"http://10.1.2.3/sso", false},
		{"http://127.0.0.1.nip.io/sso", false},
		{"http://localhost.example.org/sso", false},
		{"https://user@idp.example.org/sso", false},
		{"ftp://idp.example.org/sso", false},
		{"https:///sso", false},
		{"https://idp.example.org/sso", true},
		{"http://localhost:8080/sso", true},
		{"http://[::1]:8080/sso", true},
	}
	for _, tc := range cases {
		t.Run("SSO "+tc.url, func(t *testing.T) {
			m, err := saml.ParseIdPMetadata([]byte(strings.ReplaceAll(md, idp.SSOURL, tc.url)))
			if !tc.ok {
				require.ErrorIs(t, err, saml.ErrMetadata)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.url, m.SSOPost)
		})
	}
	e := newEnv(t, accounttest.BundID, nil)
	for _, tc := range cases {
		t.Run("ACS "+tc.url, func(t *testing.T) {
			cfg := e.cfg
			cfg.ACSURL = tc.url
			_, err := saml.New(cfg)
			if !tc.ok {
				require.ErrorIs(t, err, saml.ErrInvalidConfig)
				return
			}
			require.NoError(t, err)
		})
	}
}
