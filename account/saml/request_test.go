package saml_test

import (
	"encoding/base64"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/internal/samlidp"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/internal/xmlsafe"
	"github.com/egosaar/ozg/signature/signaturetest"
)

func TestExtensionValidate(t *testing.T) {
	t.Parallel()
	ok := func() *saml.Extension { return defaultExtension() }
	require.NoError(t, ok().Validate())
	cases := map[string]func(e *saml.Extension){
		"no attributes":          func(e *saml.Extension) { e.RequestedAttributes = nil },
		"attribute without Name": func(e *saml.Extension) { e.RequestedAttributes[0].Name = "" },
		"attribute not a URN":    func(e *saml.Extension) { e.RequestedAttributes[0].Name = "givenName" },
		"attribute twice":        func(e *saml.Extension) { e.RequestedAttributes[1].Name = e.RequestedAttributes[2].Name },
		"deprecated bPK required": func(e *saml.Extension) {
			e.RequestedAttributes[0] = saml.RequestedAttribute{Name: account.AttrBPK, Required: true}
		},
		"empty methods":      func(e *saml.Extension) { e.AuthnMethods = []saml.AuthnMethod{} },
		"unknown method":     func(e *saml.Extension) { e.AuthnMethods = []saml.AuthnMethod{"Passkey"} },
		"method twice":       func(e *saml.Extension) { e.AuthnMethods = []saml.AuthnMethod{saml.MethodEID, saml.MethodEID} },
		"no display name":    func(e *saml.Extension) { e.Display.OrganizationDisplayName = " " },
		"unknown language":   func(e *saml.Extension) { e.Display.Lang = "fr" },
		"http BackURL":       func(e *saml.Extension) { e.Display.BackURL = "http://service.example.org/" },
		"javascript BackURL": func(e *saml.Extension) { e.Display.BackURL = "javascript:alert(1)" },
		"relative BackURL":   func(e *saml.Extension) { e.Display.BackURL = "/back" },
		"no OnlineServiceID": func(e *saml.Extension) { e.Display.OnlineServiceID = "" },
	}
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			e := ok()
			mod(e)
			err := e.Validate()
			assert.ErrorIs(t, err, saml.ErrExtension)
			var ee *saml.ExtensionError
			assert.ErrorAs(t, err, &ee)
		})
	}
	// New refuses an invalid extension for an AKDB profile.
	_, err := saml.New(saml.Config{})
	assert.ErrorIs(t, err, saml.ErrInvalidConfig)
}

func TestAuthnRequestPOST(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, secureIdP)
	rec := httptest.NewRecorder()
	require.NoError(t, e.sp.StartLogin(t.Context(), rec, httptest.NewRequest(http.MethodGet, "/login", nil),
		saml.LoginOptions{Level: account.LevelHoch, AuthnMethods: []saml.AuthnMethod{saml.MethodEID, saml.MethodEIDAS}, Lang: "uk"}))
	body := rec.Body.String()
	m := regexp.MustCompile(`name="SAMLRequest" value="([^"]+)"`).FindStringSubmatch(body)
	require.NotNil(t, m)
	raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
	require.NoError(t, err)
	doc, err := xmlsafe.Parse(raw, xmlsafe.Limits{})
	require.NoError(t, err)
	root := doc.Root()
	// Signature right after Issuer (core §3.4.1 schema order).
	kids := root.ChildElements()
	require.GreaterOrEqual(t, len(kids), 4)
	assert.Equal(t, "Issuer", kids[0].Tag)
	assert.Equal(t, "Signature", kids[1].Tag)
	assert.Equal(t, "Extensions", kids[2].Tag)
	req, err := samlidp.ParseAuthnRequest(root)
	require.NoError(t, err)
	assert.Equal(t, account.LevelHoch, req.Level)
	assert.Equal(t, []saml.AuthnMethod{saml.MethodEID, saml.MethodEIDAS}, req.Extension.AuthnMethods)
	assert.Equal(t, "uk", req.Extension.Display.Lang)
	assert.Equal(t, strings.Replace(e.idp.SSOURL, "http://", "https://", 1), req.Destination)
	assert.Contains(t, string(raw), `Comparison="minimum"`)
	assert.Contains(t, string(raw), `Version="2"`)
	assert.Contains(t, string(raw), `EnableStatusDetail="true"`)
	cookies := rec.Result().Cookies()
	require.Len(t, cookies, 1)
	assert.True(t, cookies[0].HttpOnly)
	assert.True(t, cookies[0].Secure)
	assert.Equal(t, http.SameSiteNoneMode, cookies[0].SameSite)

	// Invalid per-call options are refused before anything is stored.
	err = e.sp.StartLogin(t.Context(), httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/login", nil),
		saml.LoginOptions{Lang: "xx"})
	assert.ErrorIs(t, err, saml.ErrExtension)
	err = e.sp.StartLogin(t.Context(), httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/login", nil),
		saml.LoginOptions{Level: account.Level(7)})
	assert.ErrorIs(t, err, saml.ErrInvalidConfig)
}

func TestParseAuthnRequestRejects(t *testing.T) {
	t.Parallel()
	head := `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" `
	cases := map[string]string{
		"no ID":             head + `Version="2.0" IssueInstant="2026-11-25T10:00:00Z"><saml:Issuer>x</saml:Issuer></samlp:AuthnRequest>`,
		"version 1.1":       head + `ID="_a" Version="1.1" IssueInstant="2026-11-25T10:00:00Z"><saml:Issuer>x</saml:Issuer></samlp:AuthnRequest>`,
		"bad instant":       head + `ID="_a" Version="2.0" IssueInstant="yesterday"><saml:Issuer>x</saml:Issuer></samlp:AuthnRequest>`,
		"no issuer":         head + `ID="_a" Version="2.0" IssueInstant="2026-11-25T10:00:00Z"></samlp:AuthnRequest>`,
		"exact compare":     head + `ID="_a" Version="2.0" IssueInstant="2026-11-25T10:00:00Z"><saml:Issuer>x</saml:Issuer><samlp:RequestedAuthnContext Comparison="exact"><saml:AuthnContextClassRef>STORK-QAA-Level-3</saml:AuthnContextClassRef></samlp:RequestedAuthnContext></samlp:AuthnRequest>`,
		"unknown level":     head + `ID="_a" Version="2.0" IssueInstant="2026-11-25T10:00:00Z"><saml:Issuer>x</saml:Issuer><samlp:RequestedAuthnContext><saml:AuthnContextClassRef>urn:loa:9</saml:AuthnContextClassRef></samlp:RequestedAuthnContext></samlp:AuthnRequest>`,
		"akdb version 1":    head + `ID="_a" Version="2.0" IssueInstant="2026-11-25T10:00:00Z"><saml:Issuer>x</saml:Issuer><samlp:Extensions><akdb:AuthenticationRequest xmlns:akdb="https://www.akdb.de/request/2018/09" Version="1"/></samlp:Extensions></samlp:AuthnRequest>`,
		"not a request":     `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`,
		"comment in issuer": head + `ID="_a" Version="2.0" IssueInstant="2026-11-25T10:00:00Z"><saml:Issuer>x<!-- -->y</saml:Issuer></samlp:AuthnRequest>`,
	}
	for name, x := range cases {
		t.Run(name, func(t *testing.T) {
			doc, err := xmlsafe.Parse([]byte(x), xmlsafe.Limits{})
			require.NoError(t, err)
			_, err = samlidp.ParseAuthnRequest(doc.Root())
			assert.Error(t, err)
		})
	}
}

// TestECDSARequestSigning: an ECDSA SP key signs AuthnRequests with
// ecdsa-sha256 by default, and the simulator's xmldsig verifier accepts
// them (POST binding).
func TestECDSARequestSigning(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, func(c *saml.Config) {
		kp, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256})
		require.NoError(t, err)
		c.SigningKey = kp
	})
	rec := httptest.NewRecorder()
	require.NoError(t, e.sp.StartLogin(t.Context(), rec, httptest.NewRequest(http.MethodGet, "/login", nil), saml.LoginOptions{}))
	page := rec.Body.String()
	form := url.Values{"SAMLRequest": {hidden(page, "SAMLRequest")}, "RelayState": {hidden(page, "RelayState")}}
	resp, err := http.PostForm(e.idp.SSOURL, form)
	require.NoError(t, err)
	body := readAll(t, resp)
	assert.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "SAMLResponse")
	// Tampered request: the IdP refuses it like BundID (saml-request-not-signed).
	raw, err := base64.StdEncoding.DecodeString(form.Get("SAMLRequest"))
	require.NoError(t, err)
	form.Set("SAMLRequest", base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(raw), "Stadt Musterstadt", "Stadt Evilstadt", 1))))
	resp, err = http.PostForm(e.idp.SSOURL, form)
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, readAll(t, resp), "saml-request-not-signed")
}
