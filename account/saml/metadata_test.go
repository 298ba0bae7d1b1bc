package saml_test

import (
	"crypto/x509"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/internal/samlidp"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/signature/signaturetest"
)

func TestSPMetadata(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, nil)
	md, err := e.sp.Metadata()
	require.NoError(t, err)
	require.NoError(t, saml.ValidateSPMetadata(md))
	s := string(md)
	assert.NotContains(t, s, "validUntil")
	assert.NotContains(t, s, ` ID=`)
	assert.Contains(t, s, `entityID="https://service.example.org/saml"`)
	parsed, err := samlidp.ParseSPMetadata(md)
	require.NoError(t, err)
	assert.Equal(t, e.cfg.ACSURL, parsed.ACSURL)
	assert.True(t, parsed.SigningCertificate.Equal(e.cfg.SigningKey.Certificate))
	assert.True(t, parsed.EncryptionCertificate.Equal(e.cfg.EncryptionCertificate))

	cases := map[string]func(string) string{
		"validUntil": func(s string) string {
			return strings.Replace(s, `entityID=`, `validUntil="2030-01-01T00:00:00Z" entityID=`, 1)
		},
		"validUntil on SPSSO": func(s string) string {
			return strings.Replace(s, `<md:SPSSODescriptor `, `<md:SPSSODescriptor validUntil="2030-01-01T00:00:00Z" `, 1)
		},
		"ID": func(s string) string { return strings.Replace(s, `entityID=`, `ID="_x" entityID=`, 1) },
		"entityID with port": func(s string) string {
			return strings.Replace(s, `https://service.example.org/saml"`, `https://service.example.org:8443/saml"`, 1)
		},
		"entityID http": func(s string) string { return strings.Replace(s, `entityID="https://`, `entityID="http://`, 1) },
		"entityID URN": func(s string) string {
			return strings.Replace(s, `entityID="https://service.example.org/saml"`, `entityID="urn:x:sp"`, 1)
		},
		"entityID query": func(s string) string { return strings.Replace(s, `/saml"`, `/saml?x=1"`, 1) },
		"unsigned requests": func(s string) string {
			return strings.Replace(s, `AuthnRequestsSigned="true"`, `AuthnRequestsSigned="false"`, 1)
		},
		"unsigned assertions": func(s string) string {
			return strings.Replace(s, `WantAssertionsSigned="true"`, `WantAssertionsSigned="false"`, 1)
		},
		"no encryption key": func(s string) string { return strings.Replace(s, `use="encryption"`, `use="signing"`, 1) },
		"no signing key":    func(s string) string { return strings.Replace(s, `use="signing"`, `use="encryption"`, 1) },
		"http ACS":          func(s string) string { return strings.Replace(s, `Location="https://`, `Location="http://`, 1) },
		"redirect ACS only": func(s string) string {
			return strings.Replace(s, `Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"`, `Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"`, 1)
		},
		"SAML 1.1 only": func(s string) string {
			return strings.Replace(s, `protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"`, `protocolSupportEnumeration="urn:oasis:names:tc:SAML:1.1:protocol"`, 1)
		},
		"broken certificate": func(s string) string {
			return strings.Replace(s, `<ds:X509Certificate>`, `<ds:X509Certificate>AAAA`, 1)
		},
		"doctype":      func(s string) string { return `<!DOCTYPE x [<!ENTITY e "e">]>` + s[strings.Index(s, "<md:"):] },
		"IdP metadata": func(string) string { return string(e.idp.Metadata()) },
	}
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			err := saml.ValidateSPMetadata([]byte(mod(s)))
			require.Error(t, err)
			assert.True(t, errorsIsAny(err, saml.ErrMetadata, saml.ErrMalformed), "%v", err)
		})
	}
}

func errorsIsAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errorIs(err, t) {
			return true
		}
	}
	return false
}

func TestIdPMetadata(t *testing.T) {
	t.Parallel()
	idp, err := accounttest.NewServer(accounttest.Config{})
	require.NoError(t, err)
	defer idp.Close()
	md, err := saml.ParseIdPMetadata(idp.Metadata())
	require.NoError(t, err)
	assert.Equal(t, idp.EntityID, md.EntityID)
	assert.Equal(t, idp.SSOURL, md.SSOPost)
	assert.Equal(t, idp.SSOURL, md.SSORedirect)
	require.Len(t, md.SigningCertificates, 1)
	assert.True(t, md.WantAuthnRequestsSigned)

	s := string(idp.Metadata())
	cases := map[string]string{
		"no signing key":  strings.Replace(s, `use="signing"`, `use="encryption"`, 1),
		"unknown key use": strings.Replace(s, `use="signing"`, `use="both"`, 1),
		"no SSO":          strings.ReplaceAll(s, `SingleSignOnService`, `ArtifactResolutionService`),
		"javascript SSO":  strings.ReplaceAll(s, `Location="http://`, `Location="javascript://`),
		"no entityID":     strings.Replace(s, `entityID=`, `x=`, 1),
		"SP metadata":     strings.ReplaceAll(s, "IDPSSODescriptor", "SPSSODescriptor"),
		"not metadata":    `<x/>`,
		"bad base64":      strings.Replace(s, `<ds:X509Certificate>`, `<ds:X509Certificate>!!`, 1),
		"doctype":         `<!DOCTYPE x SYSTEM "http://attacker/x.dtd">` + s,
	}
	for name, x := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := saml.ParseIdPMetadata([]byte(x))
			assert.Error(t, err)
		})
	}
}

func TestNewRejectsConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, nil)
	base := e.cfg
	cases := map[string]func(c *saml.Config){
		"INT profile with PROD metadata": func(c *saml.Config) { c.Profile = saml.BundIDProduction() },
		"INT metadata for PROD profile":  func(c *saml.Config) { c.Profile = saml.BundIDIntegration() },
		"entityID with port":             func(c *saml.Config) { c.EntityID = "https://service.example.org:8443/saml" },
		"no level":                       func(c *saml.Config) { c.Level = account.LevelUnknown },
		"no signing key":                 func(c *saml.Config) { c.SigningKey = nil },
		"no decryption key":              func(c *saml.Config) { c.DecryptionKey = nil },
		"no extension":                   func(c *saml.Config) { c.Extension = nil },
		"bad extension":                  func(c *saml.Config) { c.Extension = &saml.Extension{} },
		"no metadata":                    func(c *saml.Config) { c.IdPMetadata = nil },
		"garbage metadata":               func(c *saml.Config) { c.IdPMetadata = []byte("<x/>") },
		"bad binding":                    func(c *saml.Config) { c.Binding = "urn:artifact" },
		"SHA-1 request signatures":       func(c *saml.Config) { c.RequestSignatureMethod = "http://www.w3.org/2000/09/xmldsig#rsa-sha1" },
		"negative skew":                  func(c *saml.Config) { c.Skew = -1 },
		"ACS not a URL":                  func(c *saml.Config) { c.ACSURL = "acs" },
		"no profile":                     func(c *saml.Config) { c.Profile = saml.Profile{} },
		"expired IdP metadata": func(c *saml.Config) {
			c.IdPMetadata = []byte(strings.Replace(string(c.IdPMetadata), "entityID=", `validUntil="2026-11-25T09:59:59Z" entityID=`, 1))
		},
		"ECDSA key with RSA method": func(c *saml.Config) {
			kp, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256})
			if err != nil {
				panic(err)
			}
			c.SigningKey, c.RequestSignatureMethod = kp, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
		},
	}
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			c := base
			ext := *base.Extension
			c.Extension = &ext
			mod(&c)
			_, err := saml.New(c)
			assert.ErrorIs(t, err, saml.ErrInvalidConfig)
		})
	}
}

func TestSignedIdPMetadata(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, nil)
	signed, err := e.idp.SignedMetadata()
	require.NoError(t, err)
	cert := e.idp.Key().Certificate
	md, err := saml.VerifyIdPMetadata(t.Context(), signed, []*x509.Certificate{cert})
	require.NoError(t, err)
	assert.Equal(t, e.idp.EntityID, md.EntityID)

	c := e.cfg
	c.IdPMetadata, c.IdPMetadataSigners = signed, []*x509.Certificate{cert}
	_, err = saml.New(c)
	require.NoError(t, err)

	other := otherKey(t)
	cases := map[string]struct {
		data    []byte
		signers []*x509.Certificate
	}{
		"unsigned":                          {e.idp.Metadata(), []*x509.Certificate{cert}},
		"other signer":                      {signed, []*x509.Certificate{other.Certificate}},
		"SSO location swapped":              {[]byte(strings.Replace(string(signed), e.idp.SSOURL, "https://attacker.example/sso", 1)), []*x509.Certificate{cert}},
		"KeyDescriptor certificate swapped": {swapLastCert(signed, other.Certificate), []*x509.Certificate{cert}},
		"no signers":                        {signed, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := saml.VerifyIdPMetadata(t.Context(), tc.data, tc.signers)
			require.Error(t, err)
			assert.True(t, errorsIsAny(err, saml.ErrMetadata, saml.ErrInvalidConfig), "%v", err)
			if tc.signers == nil {
				return
			}
			c := e.cfg
			c.IdPMetadata, c.IdPMetadataSigners = tc.data, tc.signers
			_, err = saml.New(c)
			assert.ErrorIs(t, err, saml.ErrInvalidConfig)
		})
	}
}

// swapLastCert replaces the last X509Certificate (the KeyDescriptor's, after
// the Signature) with c.
func swapLastCert(md []byte, c *x509.Certificate) []byte {
	s := string(md)
	i := strings.LastIndex(s, "<ds:X509Certificate>") + len("<ds:X509Certificate>")
	j := strings.Index(s[i:], "<") + i
	return []byte(s[:i] + base64.StdEncoding.EncodeToString(c.Raw) + s[j:])
}
