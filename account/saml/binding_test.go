package saml_test

import (
	"bytes"
	"compress/flate"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/internal/samlidp"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/signature"
)

func deflate(t testing.TB, data []byte) string {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	require.NoError(t, err)
	_, err = w.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// redirectQuery runs StartLogin with the Redirect binding and returns the
// query string sent to the IdP.
func redirectQuery(t *testing.T) (*env, string) {
	e := newEnv(t, accounttest.BundID, func(c *saml.Config) { c.Binding = saml.BindingHTTPRedirect })
	rec := httptest.NewRecorder()
	require.NoError(t, e.sp.StartLogin(t.Context(), rec, httptest.NewRequest(http.MethodGet, "/login", nil), saml.LoginOptions{}))
	require.Equal(t, http.StatusFound, rec.Code)
	loc, err := url.Parse(rec.Header().Get("Location"))
	require.NoError(t, err)
	return e, loc.RawQuery
}

func TestRedirectBinding(t *testing.T) {
	t.Parallel()
	e, q := redirectQuery(t)
	pub := e.cfg.SigningKey.Certificate.PublicKey
	m, err := samlidp.DecodeRedirect(q, 0, 0)
	require.NoError(t, err)
	require.NoError(t, m.Verify(pub, signature.Policy{}))
	assert.Equal(t, "SAMLRequest", m.Param)
	assert.Equal(t, signature.RSASHA256, m.SigAlg)
	assert.Contains(t, string(m.XML), `Comparison="minimum"`)
	assert.NotContains(t, string(m.XML), "Signature>", "Redirect binding signs the query, not the XML")

	vals, err := url.ParseQuery(q)
	require.NoError(t, err)
	reencode := func(mod func(url.Values)) string {
		v := url.Values{}
		for k, vv := range vals {
			v[k] = append([]string(nil), vv...)
		}
		mod(v)
		return "SAMLRequest=" + url.QueryEscape(v.Get("SAMLRequest")) + "&RelayState=" + url.QueryEscape(v.Get("RelayState")) +
			"&SigAlg=" + url.QueryEscape(v.Get("SigAlg")) + "&Signature=" + url.QueryEscape(v.Get("Signature"))
	}
	// PSS over the same octets with the wrong salt length must not verify
	// as sha256-rsa-MGF1 (salt length = hash length, RFC 6931 §2.3.10).
	signedPart := func(v url.Values) string {
		return "SAMLRequest=" + url.QueryEscape(v.Get("SAMLRequest")) + "&RelayState=" + url.QueryEscape(v.Get("RelayState")) + "&SigAlg=" + url.QueryEscape(v.Get("SigAlg"))
	}
	pssWithSalt := func(salt int) func(url.Values) {
		return func(v url.Values) {
			v.Set("SigAlg", signature.RSAPSSSHA256)
			h := sha256.Sum256([]byte(signedPart(v)))
			sig, err := rsa.SignPSS(rand.Reader, e.cfg.SigningKey.Signer.(*rsa.PrivateKey), crypto.SHA256, h[:], &rsa.PSSOptions{SaltLength: salt})
			require.NoError(t, err)
			v.Set("Signature", base64.StdEncoding.EncodeToString(sig))
		}
	}
	// Control: correct PSS salt verifies.
	good, err := samlidp.DecodeRedirect(reencode(pssWithSalt(32)), 0, 0)
	require.NoError(t, err)
	require.NoError(t, good.Verify(pub, signature.Policy{}))

	cases := []struct {
		name  string
		query string
		want  error // from DecodeRedirect, else from Verify
		vwant error
	}{
		{"PSS wrong salt length", reencode(pssWithSalt(20)), nil, saml.ErrSignature},
		{"PSS zero salt", reencode(pssWithSalt(0)), nil, saml.ErrSignature},
		{"tampered RelayState", reencode(func(v url.Values) { v.Set("RelayState", "evil") }), nil, saml.ErrSignature},
		{"SigAlg downgraded to SHA-1", reencode(func(v url.Values) { v.Set("SigAlg", signature.RSASHA1) }), nil, signature.ErrAlgorithmNotAllowed},
		{"unsigned", "SAMLRequest=" + url.QueryEscape(vals.Get("SAMLRequest")), nil, saml.ErrSignature},
		{"other key", q, nil, saml.ErrSignature},
		{"oversized query", "SAMLRequest=" + strings.Repeat("A", samlidp.DefaultMaxRedirectQuery), saml.ErrLimit, nil},
		{"DEFLATE bomb", "SAMLRequest=" + url.QueryEscape(deflate(t, bytes.Repeat([]byte("A"), 10<<20))), saml.ErrLimit, nil},
		{"inflated just over limit", "SAMLRequest=" + url.QueryEscape(deflate(t, bytes.Repeat([]byte(" "), samlidp.DefaultMaxInflated+1))), saml.ErrLimit, nil},
		{"not DEFLATE", "SAMLRequest=" + url.QueryEscape(base64.StdEncoding.EncodeToString([]byte("<xml/>"))), saml.ErrBinding, nil},
		{"not base64", "SAMLRequest=%25%25", saml.ErrBinding, nil},
		{"duplicate parameter", q + "&SAMLRequest=x", saml.ErrBinding, nil},
		{"request and response", q + "&SAMLResponse=x", saml.ErrBinding, nil},
		{"empty", "", saml.ErrBinding, nil},
		{"RelayState over 80 bytes", "SAMLRequest=" + url.QueryEscape(vals.Get("SAMLRequest")) + "&RelayState=" + strings.Repeat("r", 81), saml.ErrBinding, nil},
		{"bad signature encoding", reencode(func(v url.Values) { v.Set("Signature", "***") }), saml.ErrBinding, nil},
	}
	other := otherKey(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := samlidp.DecodeRedirect(tc.query, 0, 0)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			key := pub
			if tc.name == "other key" {
				key = other.Certificate.PublicKey
			}
			assert.ErrorIs(t, m.Verify(key, signature.Policy{}), tc.vwant)
		})
	}
}

func TestPostFormCSP(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	require.NoError(t, saml.WritePostForm(rec, "https://idp.example/sso?a=b", url.Values{"SAMLRequest": {`"><script>alert(1)</script>`}}))
	body := rec.Body.String()
	assert.NotContains(t, body, "<script>alert")
	csp := rec.Header().Get("Content-Security-Policy")
	assert.Contains(t, csp, saml.PostFormScriptHash())
	assert.Contains(t, csp, "form-action https://idp.example")
	assert.NotContains(t, csp, "unsafe-inline")
	assert.Equal(t, "no-cache, no-store", rec.Header().Get("Cache-Control"))
	for _, bad := range []string{"javascript:alert(1)", "//idp.example", "ftp://x"} {
		assert.ErrorIs(t, saml.WritePostForm(httptest.NewRecorder(), bad, nil), saml.ErrInvalidConfig)
	}
}

func TestStartLoginRejectsOpenRedirect(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, nil)
	for _, rt := range []string{"https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "relative"} {
		err := e.sp.StartLogin(t.Context(), httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/login", nil), saml.LoginOptions{ReturnTo: rt})
		assert.ErrorIs(t, err, saml.ErrInvalidConfig, rt)
	}
}
