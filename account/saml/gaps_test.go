package saml_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/internal/samlwire"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/xmlenc"
)

// onlyBinding removes every SingleSignOnService but the one with binding
// from (unsigned) IdP metadata.
func onlyBinding(t *testing.T, md []byte, binding string) []byte {
	t.Helper()
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(md))
	for _, sso := range doc.FindElements("//SingleSignOnService") {
		if sso.SelectAttrValue("Binding", "") != binding {
			sso.Parent().RemoveChild(sso)
		}
	}
	out, err := doc.WriteToBytes()
	require.NoError(t, err)
	return out
}

// TestBindingDecidedAtNew: a binding the IdP does not offer is refused by
// New (it failed every StartLogin with a 500 before); an empty Binding
// takes what the IdP offers.
func TestBindingDecidedAtNew(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, nil)
	redirectOnly := onlyBinding(t, e.cfg.IdPMetadata, saml.BindingHTTPRedirect)
	postOnly := onlyBinding(t, e.cfg.IdPMetadata, saml.BindingHTTPPost)
	for _, tc := range []struct {
		name     string
		md       []byte
		binding  string
		want     string
		wantFail bool
	}{
		{"default with both", e.cfg.IdPMetadata, "", saml.BindingHTTPPost, false},
		{"default with Redirect only", redirectOnly, "", saml.BindingHTTPRedirect, false},
		{"default with POST only", postOnly, "", saml.BindingHTTPPost, false},
		{"POST with Redirect only", redirectOnly, saml.BindingHTTPPost, "", true},
		{"Redirect with POST only", postOnly, saml.BindingHTTPRedirect, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := e.cfg
			cfg.IdPMetadata, cfg.Binding = tc.md, tc.binding
			sp, err := saml.New(cfg)
			if tc.wantFail {
				require.ErrorIs(t, err, saml.ErrInvalidConfig)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, sp.Binding())
			rec := httptest.NewRecorder()
			require.NoError(t, sp.StartLogin(t.Context(), rec, httptest.NewRequest(http.MethodGet, "/login", nil), saml.LoginOptions{}))
			if tc.want == saml.BindingHTTPRedirect {
				assert.Equal(t, http.StatusFound, rec.Code)
			} else {
				assert.Equal(t, http.StatusOK, rec.Code)
			}
		})
	}
	// A plain-http SSO endpoint needs the development switch.
	cfg := e.cfg
	cfg.InsecureDevelopment = false
	_, err := saml.New(cfg)
	require.ErrorIs(t, err, saml.ErrInvalidConfig)
}

const passwordClass = "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"

func genericEnv(t *testing.T, mutate func(*saml.Config)) *env {
	return newEnv(t, accounttest.BundID, func(c *saml.Config) {
		p := saml.Generic()
		p.IdPEntityID = c.Profile.IdPEntityID
		c.Profile = p
		c.Extension = nil
		c.AllowTemporaryLogin = true // the simulator sends a transient NameID
		if mutate != nil {
			mutate(c)
		}
	})
}

// setClassRef sets the AuthnContextClassRef and drops the AKDB QAA-level
// attribute, so that the class ref alone decides the level.
func setClassRef(ref string) func(*etree.Element) {
	return func(a *etree.Element) {
		a.FindElement(".//saml2:AuthnContextClassRef").SetText(ref)
		if q := attr(a, account.AttrQAALevel); q != nil {
			q.Parent().RemoveChild(q)
		}
	}
}

// TestGenericAuthnContext: a generic IdP's class refs map through
// AuthnContextLevels; the request carries the caller's choice or nothing;
// AKDB and MUK stay strict.
func TestGenericAuthnContext(t *testing.T) {
	t.Parallel()
	strict := genericEnv(t, func(c *saml.Config) { c.Level = account.LevelBasisregistrierung })
	_, err := strict.login(saml.LoginOptions{}, accounttest.Faults{BeforeSign: setClassRef(passwordClass)})
	require.ErrorIs(t, err, saml.ErrLevel, "an unmapped class ref is no level")

	mapped := genericEnv(t, func(c *saml.Config) {
		c.Level = account.LevelBasisregistrierung
		c.AuthnContextLevels = map[string]account.Level{passwordClass: account.LevelBasisregistrierung}
		c.RequestedAuthnContext = []string{passwordClass}
	})
	id, err := mapped.login(saml.LoginOptions{}, accounttest.Faults{BeforeSign: setClassRef(passwordClass)})
	require.NoError(t, err)
	assert.Equal(t, account.LevelBasisregistrierung, id.AuthnContextLevel)
	// The mapping does not lift a login above the required level.
	_, err = mapped.login(saml.LoginOptions{Level: account.LevelSubstanziell}, accounttest.Faults{BeforeSign: setClassRef(passwordClass), IgnoreRequestedLevel: true})
	require.ErrorIs(t, err, saml.ErrLevel)

	// The request carries the caller's class refs with Comparison exact.
	req, err := mapped.sp.AuthnRequest(saml.LoginOptions{})
	require.NoError(t, err)
	xml := serializeElement(t, req.Element())
	assert.Contains(t, xml, `Comparison="exact"`)
	assert.Contains(t, xml, passwordClass)
	assert.NotContains(t, xml, "STORK")
	// Without a choice the generic profile requests no context at all.
	req, err = strict.sp.AuthnRequest(saml.LoginOptions{})
	require.NoError(t, err)
	assert.NotContains(t, serializeElement(t, req.Element()), "RequestedAuthnContext")
	// BundID keeps the STORK context.
	bund := newEnv(t, accounttest.BundID, nil)
	req, err = bund.sp.AuthnRequest(saml.LoginOptions{})
	require.NoError(t, err)
	assert.Contains(t, serializeElement(t, req.Element()), "STORK-QAA-Level-3")

	for name, mod := range map[string]func(*saml.Config){
		"AKDB with AuthnContextLevels": func(c *saml.Config) {
			c.AuthnContextLevels = map[string]account.Level{passwordClass: account.LevelHoch}
		},
		"AKDB with RequestedAuthnContext": func(c *saml.Config) { c.RequestedAuthnContext = []string{passwordClass} },
		"MUK with AuthnContextLevels": func(c *saml.Config) {
			c.Profile = saml.MUK()
			c.InsecureDevelopment = false
			c.AuthnContextLevels = map[string]account.Level{passwordClass: account.LevelHoch}
		},
		"invalid level": func(c *saml.Config) {
			c.Profile = saml.Generic()
			c.Extension = nil
			c.AuthnContextLevels = map[string]account.Level{passwordClass: 9}
		},
		"empty class ref": func(c *saml.Config) {
			c.Profile = saml.Generic()
			c.Extension = nil
			c.RequestedAuthnContext = []string{""}
		},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := bund.cfg
			mod(&cfg)
			_, err := saml.New(cfg)
			assert.ErrorIs(t, err, saml.ErrInvalidConfig)
		})
	}
}

func serializeElement(t *testing.T, el *etree.Element) string {
	t.Helper()
	doc := etree.NewDocument()
	doc.SetRoot(el)
	s, err := doc.WriteToString()
	require.NoError(t, err)
	return s
}

// TestEncryptedID: an EncryptedID in the Subject (SAML core §2.4.1) is
// decrypted like an assertion.
func TestEncryptedID(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.MUK, nil)
	id, err := e.login(saml.LoginOptions{}, accounttest.Faults{EncryptNameID: true})
	require.NoError(t, err)
	assert.Equal(t, accounttest.Max().NameID, id.Subject)
	assert.Equal(t, saml.NameIDFormatPersistent, id.NameIDFormat)

	// Encrypted for someone else: a decryption error, not a subject error.
	other := otherKey(t)
	_, err = e.login(saml.LoginOptions{}, accounttest.Faults{EncryptNameID: true, BeforeSign: func(a *etree.Element) {
		// Replace the EncryptedData by one for a foreign key.
		enc, err := xmlenc.NewEncrypter(xmlenc.EncrypterConfig{Recipient: other.Certificate})
		require.NoError(t, err)
		n := etree.NewElement("saml2:NameID")
		n.CreateAttr("xmlns:saml2", samlwire.NSAssertion)
		n.SetText("x")
		ed, err := enc.EncryptElement(n)
		require.NoError(t, err)
		eid := a.FindElement(".//saml2:EncryptedID")
		eid.RemoveChild(eid.ChildElements()[0])
		eid.AddChild(ed)
	}})
	require.ErrorIs(t, err, saml.ErrDecryption)

	// Something other than a NameID inside.
	_, err = e.login(saml.LoginOptions{}, accounttest.Faults{EncryptNameID: true, BeforeSign: func(a *etree.Element) {
		enc, err := xmlenc.NewEncrypter(xmlenc.EncrypterConfig{Recipient: e.cfg.EncryptionCertificate})
		require.NoError(t, err)
		n := etree.NewElement("saml2:BaseID")
		n.CreateAttr("xmlns:saml2", samlwire.NSAssertion)
		ed, err := enc.EncryptElement(n)
		require.NoError(t, err)
		eid := a.FindElement(".//saml2:EncryptedID")
		eid.RemoveChild(eid.ChildElements()[0])
		eid.AddChild(ed)
	}})
	require.ErrorIs(t, err, saml.ErrSubject)
}

// TestEncryptionAlgorithmError: a refused encryption algorithm is an
// encryption error, not "signature: algorithm not allowed".
func TestEncryptionAlgorithmError(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, nil)
	for name, f := range map[string]accounttest.Faults{
		"CBC without opt-in": {ContentAlgorithm: xmlenc.AES128CBC},
		"RSA 1.5": {Final: func(r *etree.Element) {
			r.FindElement(".//xenc:EncryptedKey/xenc:EncryptionMethod").CreateAttr("Algorithm", xmlenc.RSA15)
		}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.login(saml.LoginOptions{}, f)
			require.ErrorIs(t, err, saml.ErrDecryption)
			require.ErrorIs(t, err, saml.ErrEncryptionAlgorithm)
			assert.NotErrorIs(t, err, saml.ErrSignature)
			assert.NotErrorIs(t, err, signature.ErrAlgorithmNotAllowed)
			assert.NotContains(t, err.Error(), "signature")
			var ae *saml.EncryptionAlgorithmError
			require.ErrorAs(t, err, &ae)
			assert.NotEmpty(t, ae.Algorithm)
		})
	}
	// With the explicit opt-in CBC decrypts.
	cbc := newEnv(t, accounttest.BundID, func(c *saml.Config) { c.InsecureAllowCBC = true })
	_, err := cbc.login(saml.LoginOptions{}, accounttest.Faults{ContentAlgorithm: xmlenc.AES128CBC})
	require.NoError(t, err)
}

// TestMUKRequestSignature: the MUK profile signs requests with RSA-PSS by
// default, and the simulator's MUK mode refuses anything else, as ELSTER
// does.
func TestMUKRequestSignature(t *testing.T) {
	t.Parallel()
	for _, binding := range []string{saml.BindingHTTPPost, saml.BindingHTTPRedirect} {
		t.Run(binding, func(t *testing.T) {
			h := newHTTPEnvWith(t, accounttest.MUK, func(c *saml.Config) { c.Binding = binding })
			resp, body, err := accounttest.Browse(context.Background(), newClient(t), h.srv.URL+"/login")
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, resp.StatusCode, body)

			sha := newHTTPEnvWith(t, accounttest.MUK, func(c *saml.Config) {
				c.Binding = binding
				c.RequestSignatureMethod = signature.RSASHA256
			})
			resp, body, err = accounttest.Browse(context.Background(), newClient(t), sha.srv.URL+"/login")
			require.NoError(t, err)
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			assert.Contains(t, body, "saml-request-signature-method")
		})
	}
}

// TestEntityIDRule: New and ValidateSPMetadata apply one rule, so every
// entityID New accepts yields metadata that ValidateSPMetadata accepts.
func TestEntityIDRule(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, nil)
	generic := e.cfg
	generic.Profile, generic.Extension = saml.Generic(), nil
	for _, id := range []string{
		"https://user@service.example.org/saml",
		"https://service.example.org/saml?x=1",
		"https://service.example.org/saml?",
		"https://service.example.org/saml#frag",
		"https://service.example.org:8443/saml",
		"http://service.example.org/saml",
		"urn:example:sp",
		"https:///saml",
		"https://service.example.org/" + strings.Repeat("a", 1024),
	} {
		for name, base := range map[string]saml.Config{"BundID": e.cfg, "Generic": generic} {
			cfg := base
			cfg.EntityID = id
			_, err := saml.New(cfg)
			assert.ErrorIs(t, err, saml.ErrInvalidConfig, "%s %s", name, id)
		}
	}
	for _, base := range []saml.Config{e.cfg, generic} {
		sp, err := saml.New(base)
		require.NoError(t, err)
		md, err := sp.Metadata()
		require.NoError(t, err)
		if err := saml.ValidateSPMetadata(md); err != nil {
			assert.NotContains(t, err.Error(), "entityID")
		}
	}
}

// TestOptionalAttributesReported: malformed optional attributes do not
// block the login and are named on the Identity; required ones fail.
func TestOptionalAttributesReported(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, nil)
	id, err := e.login(saml.LoginOptions{}, accounttest.Faults{BeforeSign: func(a *etree.Element) {
		setValue(account.AttrBirthdate, "")(a)
		setValue(account.AttrGender, "w")(a)
		setValue(account.AttrCountry, "Deutschland")(a)
		attr(a, account.AttrMail).CreateAttr("akdb:TrustLevel", "SEHR HOCH")
	}})
	require.NoError(t, err)
	var names []string
	for _, ae := range id.InvalidAttributes {
		names = append(names, ae.Name)
	}
	assert.ElementsMatch(t, []string{account.AttrBirthdate, account.AttrGender, account.AttrCountry, account.AttrMail}, names)
	assert.False(t, id.Person.BirthDate.Set)
	assert.False(t, id.Person.Gender.Set)
	assert.Equal(t, account.LevelUnknown, id.Person.Email.Level)
	assert.Equal(t, "ERIKA", id.Person.GivenNames.Value)

	// The unknown trust level on a required attribute fails.
	_, err = e.login(saml.LoginOptions{}, accounttest.Faults{BeforeSign: func(a *etree.Element) {
		attr(a, account.AttrSurname).CreateAttr("akdb:TrustLevel", "SEHR HOCH")
	}})
	require.ErrorIs(t, err, saml.ErrAttribute)
	var ae *account.AttributeError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, account.AttrSurname, ae.Name)
}

// TestDevelopmentSwitch: InsecureDevelopment is refused by production
// profiles; a nil Store is refused.
func TestDevelopmentSwitch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, nil)
	for name, p := range map[string]saml.Profile{"BundID production": saml.BundIDProduction(), "BayernID": saml.BayernID(), "MUK": saml.MUK()} {
		cfg := e.cfg
		cfg.Profile = p
		_, err := saml.New(cfg)
		assert.ErrorIs(t, err, saml.ErrInvalidConfig, name)
		assert.Contains(t, err.Error(), "InsecureDevelopment", name)
	}
	cfg := e.cfg
	cfg.Store = nil
	_, err := saml.New(cfg)
	assert.ErrorIs(t, err, saml.ErrInvalidConfig)
	// A plain-http ACS needs the switch.
	cfg = e.cfg
	secureIdP(&cfg)
	cfg.ACSURL = "http://127.0.0.1:8080/saml/acs"
	_, err = saml.New(cfg)
	assert.ErrorIs(t, err, saml.ErrInvalidConfig)
}

// recorder is a slog.Handler that keeps every record's text.
type recorder struct {
	mu    sync.Mutex
	lines []string
}

func (r *recorder) handler() slog.Handler {
	return slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.lines = append(r.lines, string(p))
		return len(p), nil
	}), &slog.HandlerOptions{Level: slog.LevelDebug})
}

func (r *recorder) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.lines, "")
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestRefusalsLogged: every refusal reason is logged, without personal
// data (it logged only signature and replay failures before).
func TestRefusalsLogged(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		faults accounttest.Faults
		reason string
		check  string
	}{
		{"audience", accounttest.Faults{Audience: "https://other.example.org"}, "wrong audience", "audience"},
		{"expired", accounttest.Faults{TimeShift: -20 * time.Minute}, "expired", ""},
		{"status", accounttest.Faults{Status: saml.StatusAuthnFailed}, "not successful", ""},
		{"attribute", accounttest.Faults{BeforeSign: setValue(account.AttrBirthdate, "x")}, "invalid attribute", "attributes"},
		{"level", accounttest.Faults{AuthnContextLevel: account.LevelBasisregistrierung, IgnoreRequestedLevel: true}, "level too low", "level"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{}
			h := newHTTPEnvWith(t, accounttest.BundID, func(c *saml.Config) {
				c.Logger = slog.New(rec.handler())
				c.RequiredAttributes = []string{account.AttrBirthdate}
			})
			h.idp.SetFaults(tc.faults)
			resp, _, err := accounttest.Browse(context.Background(), newClient(t), h.srv.URL+"/login")
			require.NoError(t, err)
			require.Equal(t, http.StatusForbidden, resp.StatusCode)
			out := rec.all()
			assert.Contains(t, out, "saml: login refused")
			assert.Contains(t, out, tc.reason)
			if tc.check != "" {
				assert.Contains(t, out, "check="+tc.check)
			}
			for _, pd := range []string{"ERIKA", "MUSTERMANN", "1964-08-12", accounttest.Erika().NameID, "1af2e3a5b0c6"} {
				assert.NotContains(t, out, pd)
			}
		})
	}
	// A POST without RelayState is logged too.
	rec := &recorder{}
	h := newHTTPEnvWith(t, accounttest.BundID, func(c *saml.Config) { c.Logger = slog.New(rec.handler()) })
	resp, err := http.PostForm(h.srv.URL+"/saml/acs", url.Values{"SAMLResponse": {"eA=="}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Contains(t, rec.all(), "check=relay_state")
	assert.Contains(t, rec.all(), "level=WARN")
}
