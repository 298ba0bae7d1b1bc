package saml_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/xmldsig"
	"github.com/egosaar/ozg/signature/xmlenc"
)

// attr finds the saml2:Attribute with the given Name.
func attr(a *etree.Element, name string) *etree.Element {
	return a.FindElement("./saml2:AttributeStatement/saml2:Attribute[@Name='" + name + "']")
}

func setValue(name, v string) func(*etree.Element) {
	return func(a *etree.Element) { attr(a, name).FindElement("./saml2:AttributeValue").SetText(v) }
}

func TestResponseRejected(t *testing.T) {
	t.Parallel()
	// The attribute cases below are required here: a malformed required
	// attribute fails the login (optional ones are only reported, see
	// TestMalformedOptionalAttributes).
	e := newEnv(t, accounttest.BundID, func(c *saml.Config) {
		c.RequiredAttributes = []string{account.AttrQAALevel, account.AttrBirthdate, account.AttrGender,
			account.AttrCountry, account.AttrPostkorbHandle}
	})
	other := otherKey(t)
	otherCert := other.Certificate
	skew := saml.DefaultSkew
	cases := []struct {
		name   string
		faults accounttest.Faults
		opts   saml.LoginOptions
		want   []error
	}{
		{name: "wrong issuer", faults: accounttest.Faults{Issuer: "https://attacker.example/idp"}, want: []error{saml.ErrIssuer}},
		{name: "PROD issuer at INT SP", faults: accounttest.Faults{Issuer: "https://id.bund.de/idp"}, want: []error{saml.ErrIssuer}},
		{name: "wrong audience", faults: accounttest.Faults{Audience: "https://other.example.org/saml"}, want: []error{saml.ErrAudience}},
		{name: "wrong recipient", faults: accounttest.Faults{Recipient: "https://other.example.org/acs"}, want: []error{saml.ErrRecipient}},
		{name: "wrong destination", faults: accounttest.Faults{Destination: "https://other.example.org/acs"}, want: []error{saml.ErrDestination}},
		{name: "unknown InResponseTo", faults: accounttest.Faults{InResponseTo: "_unknown"}, want: []error{saml.ErrInResponseTo}},
		{name: "expired beyond skew", faults: accounttest.Faults{TimeShift: -(5*time.Minute + skew)}, want: []error{saml.ErrExpired}},
		{name: "expired long ago", faults: accounttest.Faults{TimeShift: -24 * time.Hour}, want: []error{saml.ErrExpired}},
		{name: "not yet valid beyond skew", faults: accounttest.Faults{TimeShift: skew + time.Millisecond}, want: []error{saml.ErrNotYetValid}},
		{name: "Conditions NotBefore beyond skew", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.FindElement("./saml2:Conditions").CreateAttr("NotBefore", "2026-11-25T10:01:00.001Z")
		}}, want: []error{saml.ErrNotYetValid}},
		{name: "Conditions NotOnOrAfter passed beyond skew", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.FindElement("./saml2:Conditions").CreateAttr("NotOnOrAfter", "2026-11-25T09:59:00Z")
		}}, want: []error{saml.ErrExpired}},
		{name: "SubjectConfirmationData NotOnOrAfter passed", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.FindElement(".//saml2:SubjectConfirmationData").CreateAttr("NotOnOrAfter", "2026-11-25T09:58:59.999Z")
		}}, want: []error{saml.ErrExpired}},
		{name: "Assertion IssueInstant too old", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.CreateAttr("IssueInstant", "2026-11-25T09:48:59Z")
		}}, want: []error{saml.ErrExpired}},
		{name: "AuthnInstant in the future", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.FindElement("./saml2:AuthnStatement").CreateAttr("AuthnInstant", "2026-11-25T10:05:00Z")
		}}, want: []error{saml.ErrNotYetValid}},
		{name: "SubjectConfirmationData InResponseTo of another request", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.FindElement(".//saml2:SubjectConfirmationData").CreateAttr("InResponseTo", "_other")
		}}, want: []error{saml.ErrInResponseTo}},
		{name: "Assertion Issuer differs from Response Issuer", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.FindElement("./saml2:Issuer").SetText("https://id.bund.de/idp")
		}}, want: []error{saml.ErrIssuer}},
		{name: "unsigned assertion", faults: accounttest.Faults{UnsignedAssertion: true}, want: []error{saml.ErrSignature}},
		{name: "unsigned assertion in signed response (BundID requires assertion signature)", faults: accounttest.Faults{UnsignedAssertion: true, SignResponse: true}, want: []error{saml.ErrSignature}},
		{name: "attacker certificate in KeyInfo", faults: accounttest.Faults{AttackerKey: true}, want: []error{saml.ErrSignature, signature.ErrUntrustedKey}},
		{name: "attacker-signed response", faults: accounttest.Faults{AttackerKey: true, SignResponse: true}, want: []error{saml.ErrSignature, signature.ErrUntrustedKey}},
		{name: "SHA-1 signature method", faults: accounttest.Faults{SignatureMethod: signature.RSASHA1}, want: []error{saml.ErrSignature, signature.ErrAlgorithmNotAllowed}},
		{name: "SHA-1 digest method", faults: accounttest.Faults{DigestMethod: signature.DigestSHA1}, want: []error{saml.ErrSignature}},
		{name: "PSS with 20-byte salt", faults: accounttest.Faults{PSSSaltLength: 20}, want: []error{saml.ErrSignature, signature.ErrInvalidSignature}},
		{name: "PSS with maximum salt", faults: accounttest.Faults{PSSSaltLength: 190}, want: []error{saml.ErrSignature, signature.ErrInvalidSignature}},
		{name: "PSS swapped to PKCS1 method URI", faults: accounttest.Faults{SignatureMethod: signature.RSASHA256}, want: []error{saml.ErrSignature, signature.ErrInvalidSignature}},
		{name: "PSS signature over tampered content", faults: accounttest.Faults{AfterSign: setValue(account.AttrGivenName, "MALLORY")}, want: []error{saml.ErrSignature, xmldsig.ErrDigestMismatch}},
		{name: "tampered level after signing", faults: accounttest.Faults{AfterSign: func(a *etree.Element) {
			a.FindElement(".//saml2:AuthnContextClassRef").SetText("STORK-QAA-Level-4")
			a.FindElement(".//saml2:Audience").SetText("https://service.example.org/saml")
			a.FindElement("./saml2:Subject/saml2:NameID").SetText("admin")
		}}, want: []error{saml.ErrSignature}},
		{name: "plain assertion where encryption is required", faults: accounttest.Faults{PlainAssertion: true}, want: []error{saml.ErrDecryption}},
		{name: "AES-CBC content without legacy option", faults: accounttest.Faults{ContentAlgorithm: xmlenc.AES256CBC}, want: []error{saml.ErrDecryption}},
		{name: "encrypted for another key", faults: accounttest.Faults{EncryptTo: otherCert}, want: []error{saml.ErrDecryption}},
		{name: "ciphertext tampered (GCM tag)", faults: accounttest.Faults{Final: func(r *etree.Element) {
			cv := r.FindElement("./saml2:EncryptedAssertion/xenc:EncryptedData/xenc:CipherData/xenc:CipherValue")
			b := []byte(cv.Text())
			b[10] ^= 1
			if b[10] == '=' || b[10] == '/' || b[10] == '+' || b[10] < '0' {
				b[10] = 'A'
			}
			cv.SetText(string(b))
		}}, want: []error{saml.ErrDecryption}},
		{name: "key transport switched to RSA PKCS#1 v1.5", faults: accounttest.Faults{Final: func(r *etree.Element) {
			r.FindElement(".//xenc:EncryptedKey/xenc:EncryptionMethod").CreateAttr("Algorithm", "http://www.w3.org/2001/04/xmlenc#rsa-1_5")
		}}, want: []error{saml.ErrDecryption}},
		{name: "EncryptedAssertion without EncryptedData", faults: accounttest.Faults{Final: func(r *etree.Element) {
			ea := r.FindElement("./saml2:EncryptedAssertion")
			ea.RemoveChild(ea.FindElement("./xenc:EncryptedData"))
		}}, want: []error{saml.ErrDecryption}},
		{name: "level downgrade via AuthnContextClassRef", opts: saml.LoginOptions{Level: account.LevelHoch},
			faults: accounttest.Faults{IgnoreRequestedLevel: true, AuthnContextLevel: account.LevelBasisregistrierung}, want: []error{saml.ErrLevel}},
		{name: "level downgrade via EID-CITIZEN-QAA-LEVEL", opts: saml.LoginOptions{Level: account.LevelHoch},
			faults: accounttest.Faults{QAALevel: "STORK-QAA-Level-3"}, want: []error{saml.ErrLevel}},
		{name: "QAA level garbage", faults: accounttest.Faults{QAALevel: "STORK-QAA-Level-9"}, want: []error{saml.ErrAttribute, account.ErrInvalidAttribute}},
		{name: "malformed birth date", faults: accounttest.Faults{BeforeSign: setValue(account.AttrBirthdate, "12.08.1964")}, want: []error{saml.ErrAttribute, account.ErrInvalidAttribute}},
		{name: "impossible birth date", faults: accounttest.Faults{BeforeSign: setValue(account.AttrBirthdate, "1964-02-30")}, want: []error{saml.ErrAttribute}},
		{name: "malformed gender", faults: accounttest.Faults{BeforeSign: setValue(account.AttrGender, "F")}, want: []error{saml.ErrAttribute}},
		{name: "gender out of ISO 5218", faults: accounttest.Faults{BeforeSign: setValue(account.AttrGender, "3")}, want: []error{saml.ErrAttribute}},
		{name: "malformed country", faults: accounttest.Faults{BeforeSign: setValue(account.AttrCountry, "Deutschland")}, want: []error{saml.ErrAttribute}},
		{name: "lower-case country", faults: accounttest.Faults{BeforeSign: setValue(account.AttrCountry, "de")}, want: []error{saml.ErrAttribute}},
		{name: "mailbox handle not a UUID", faults: accounttest.Faults{BeforeSign: setValue(account.AttrPostkorbHandle, "../../etc")}, want: []error{saml.ErrAttribute}},
		{name: "unknown akdb:TrustLevel on a required attribute", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			attr(a, account.AttrGivenName).CreateAttr("akdb:TrustLevel", "SUPER")
		}}, want: []error{saml.ErrAttribute}},
		{name: "duplicate attribute Name", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			dup := attr(a, account.AttrBPK2).Copy()
			dup.FindElement("./saml2:AttributeValue").SetText("attacker")
			a.FindElement("./saml2:AttributeStatement").AddChild(dup)
		}}, want: []error{saml.ErrAttribute}},
		{name: "markup inside attribute value", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			attr(a, account.AttrGivenName).FindElement("./saml2:AttributeValue").CreateElement("b").SetText("x")
		}}, want: []error{saml.ErrAttribute}},
		{name: "malformed IssueInstant", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.CreateAttr("IssueInstant", "25.11.2026 10:00")
		}}, want: []error{saml.ErrMalformed}},
		{name: "IssueInstant without time zone", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.CreateAttr("IssueInstant", "2026-11-25T10:00:00")
		}}, want: []error{saml.ErrMalformed}},
		{name: "bearer confirmation with NotBefore", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.FindElement(".//saml2:SubjectConfirmationData").CreateAttr("NotBefore", "2026-11-25T09:59:00Z")
		}}, want: []error{saml.ErrSubject}},
		{name: "holder-of-key confirmation only", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.FindElement(".//saml2:SubjectConfirmation").CreateAttr("Method", "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key")
		}}, want: []error{saml.ErrSubject}},
		{name: "confirmation without NotOnOrAfter", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.FindElement(".//saml2:SubjectConfirmationData").RemoveAttr("NotOnOrAfter")
		}}, want: []error{saml.ErrSubject}},
		{name: "no AudienceRestriction", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			c := a.FindElement("./saml2:Conditions")
			c.RemoveChild(c.FindElement("./saml2:AudienceRestriction"))
		}}, want: []error{saml.ErrAudience}},
		{name: "second AudienceRestriction without us", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.FindElement("./saml2:Conditions").CreateElement("saml2:AudienceRestriction").CreateElement("saml2:Audience").SetText("https://x.example")
		}}, want: []error{saml.ErrAudience}},
		{name: "unknown condition", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.FindElement("./saml2:Conditions").CreateElement("saml2:Condition")
		}}, want: []error{saml.ErrMalformed}},
		{name: "EncryptedID next to NameID", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.FindElement("./saml2:Subject").InsertChildAt(0, etree.NewElement("saml2:EncryptedID"))
		}}, want: []error{saml.ErrSubject}},
		{name: "EncryptedID without EncryptedData", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			s := a.FindElement("./saml2:Subject")
			s.RemoveChild(s.FindElement("./saml2:NameID"))
			s.InsertChildAt(0, etree.NewElement("saml2:EncryptedID"))
		}}, want: []error{saml.ErrDecryption}},
		{name: "Subject without NameID", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			s := a.FindElement("./saml2:Subject")
			s.RemoveChild(s.FindElement("./saml2:NameID"))
		}}, want: []error{saml.ErrSubject}},
		{name: "two AuthnStatements", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.AddChild(a.FindElement("./saml2:AuthnStatement").Copy())
		}}, want: []error{saml.ErrMalformed}},
		{name: "SessionNotOnOrAfter passed", faults: accounttest.Faults{BeforeSign: func(a *etree.Element) {
			a.FindElement("./saml2:AuthnStatement").CreateAttr("SessionNotOnOrAfter", "2026-11-25T09:00:00Z")
		}}, want: []error{saml.ErrExpired}},
		{name: "second EncryptedAssertion", faults: accounttest.Faults{Final: func(r *etree.Element) {
			r.AddChild(r.FindElement("./saml2:EncryptedAssertion").Copy())
		}}, want: []error{saml.ErrMalformed}},
		{name: "response Version 1.1", faults: accounttest.Faults{Final: func(r *etree.Element) { r.CreateAttr("Version", "1.1") }}, want: []error{saml.ErrMalformed}},
		{name: "response without Status", faults: accounttest.Faults{Final: func(r *etree.Element) {
			r.RemoveChild(r.FindElement("./saml2p:Status"))
		}}, want: []error{saml.ErrMalformed}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, err := e.login(tc.opts, tc.faults)
			require.Error(t, err)
			assert.Nil(t, id)
			for _, w := range tc.want {
				assert.ErrorIs(t, err, w)
			}
			var re *saml.ResponseError
			if !errors.As(err, &re) {
				var se *saml.StatusError
				require.ErrorAs(t, err, &se)
			}
			assertNoPersonalData(t, err)
		})
	}
}

// assertNoPersonalData checks that no attribute value of the test user
// leaks into an error message.
func assertNoPersonalData(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	for _, a := range accounttest.Erika().Attributes {
		if len(a.Value) > 3 {
			assert.NotContains(t, msg, a.Value)
		}
	}
	assert.NotContains(t, msg, accounttest.Erika().NameID)
	assert.NotContains(t, msg, "MALLORY")
}

func TestResponseSkewEdges(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, nil)
	for _, shift := range []time.Duration{
		saml.DefaultSkew, // IssueInstant exactly skew ahead
		-(5*time.Minute + saml.DefaultSkew) + time.Millisecond, // NotOnOrAfter 1 ms inside skew
	} {
		_, err := e.login(saml.LoginOptions{}, accounttest.Faults{TimeShift: shift})
		assert.NoError(t, err, "shift %v", shift)
	}
	_, err := e.login(saml.LoginOptions{}, accounttest.Faults{TimeShift: -(5*time.Minute + saml.DefaultSkew)})
	assert.ErrorIs(t, err, saml.ErrExpired)
}

func TestResponseReplay(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, nil)
	xml, pending := e.respond(saml.LoginOptions{}, accounttest.Faults{})
	_, err := e.sp.ParseResponse(context.Background(), xml, pending)
	require.NoError(t, err)
	_, err = e.sp.ParseResponse(context.Background(), xml, pending)
	assert.ErrorIs(t, err, saml.ErrReplay)
	// A rejected response does not burn the assertion ID: a failure
	// before the replay check leaves no state.
	xml2, pending2 := e.respond(saml.LoginOptions{}, accounttest.Faults{})
	bad := pending2
	bad.Level = account.LevelHoch + 1
	_, err = e.sp.ParseResponse(context.Background(), xml2, bad)
	require.ErrorIs(t, err, saml.ErrLevel)
	_, err = e.sp.ParseResponse(context.Background(), xml2, pending2)
	assert.NoError(t, err)
}

func TestResponseParserLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, nil)
	pending := saml.PendingRequest{ID: "_x", Level: account.LevelSubstanziell, Expires: t0.Add(time.Hour)}
	cases := []struct {
		name string
		xml  string
		want error
	}{
		{"doctype", `<!DOCTYPE r [<!ENTITY a "aaaa">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&a;</samlp:Response>`, saml.ErrMalformed},
		{"billion laughs", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><r>&lol2;</r>`, saml.ErrMalformed},
		{"external entity", `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`, saml.ErrMalformed},
		{"oversized", `<r>` + strings.Repeat("a", saml.DefaultMaxResponseBytes) + `</r>`, saml.ErrLimit},
		{"deep nesting", strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100), saml.ErrLimit},
		{"not XML", "SAMLResponse", saml.ErrMalformed},
		{"wrong root", `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`, saml.ErrMalformed},
		{"wrong namespace", `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:1.0:protocol"/>`, saml.ErrMalformed},
		{"unsigned success response", `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r" Version="2.0" IssueInstant="2026-11-25T10:00:00Z" InResponseTo="_x"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_a" Version="2.0"/></samlp:Response>`, saml.ErrDecryption},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.sp.ParseResponse(context.Background(), []byte(tc.xml), pending)
			assert.ErrorIs(t, err, tc.want)
		})
	}
}
