package saml_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/internal/samlidp"
	"github.com/egosaar/ozg/account/saml"
)

// acceptAllStore is a Store without replay cache, so that a fuzzer or a
// benchmark can submit the same assertion many times.
type acceptAllStore struct{ *saml.MemoryStore }

func (acceptAllStore) MarkAssertion(context.Context, string, string, time.Time, time.Time) error {
	return nil
}

// FuzzParseResponse: no input makes ParseResponse panic or hang, and no
// mutation of a signed response yields an identity other than the signed
// one.
func FuzzParseResponse(f *testing.F) {
	e := newEnv(f, accounttest.BundID, func(c *saml.Config) {
		c.Store = acceptAllStore{saml.NewMemoryStore()}
		c.Profile.RequireEncryptedAssertion = false
	})
	plain, pending := e.respond(saml.LoginOptions{}, accounttest.Faults{PlainAssertion: true})
	want, err := e.sp.ParseResponse(context.Background(), plain, pending)
	if err != nil {
		f.Fatal(err)
	}
	enc, _ := e.respond(saml.LoginOptions{}, accounttest.Faults{})
	f.Add(plain)
	f.Add(enc)
	f.Add([]byte(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`))
	f.Add([]byte(`<!DOCTYPE x><x/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		id, err := e.sp.ParseResponse(context.Background(), data, saml.PendingRequest{ID: pendingID(plain), Level: pending.Level})
		if err != nil {
			return
		}
		if id.Subject != want.Subject || id.NameID != want.NameID || id.Level != want.Level ||
			id.Person.GivenNames != want.Person.GivenNames || id.Person.FamilyName != want.Person.FamilyName {
			t.Fatalf("mutated response produced a different identity")
		}
	})
}

// pendingID extracts InResponseTo from a response produced by the
// simulator (test helper, not a parser of untrusted data).
func pendingID(resp []byte) string {
	const k = `InResponseTo="`
	s := string(resp)
	for i := 0; i+len(k) < len(s); i++ {
		if s[i:i+len(k)] == k {
			j := i + len(k)
			for l := j; l < len(s); l++ {
				if s[l] == '"' {
					return s[j:l]
				}
			}
		}
	}
	return ""
}

func FuzzDecodeRedirect(f *testing.F) {
	f.Add("SAMLRequest=fZBBa8MwDIX%2FitF9sZNul4h6o1Ay2GGHsUPP%2FqE3OdmtIsmWrLf7%2BJ6NkMGHvTQ%2B%2FTEpL0&RelayState=abc&SigAlg=x&Signature=AAAA")
	f.Add("SAMLResponse=%%%")
	f.Add("")
	f.Fuzz(func(t *testing.T, q string) {
		m, err := samlidp.DecodeRedirect(q, 4096, 16384)
		if err == nil && len(m.XML) > 16384 {
			t.Fatal("inflated beyond limit")
		}
	})
}

func FuzzParseIdPMetadata(f *testing.F) {
	idp, err := accounttest.NewServer(accounttest.Config{})
	if err != nil {
		f.Fatal(err)
	}
	defer idp.Close()
	f.Add(idp.Metadata())
	rolled, err := accounttest.NewServer(accounttest.Config{MetadataValidity: time.Hour, MetadataCacheDuration: 90 * time.Second})
	if err != nil {
		f.Fatal(err)
	}
	defer rolled.Close()
	if err := rolled.RotateKey(); err != nil {
		f.Fatal(err)
	}
	f.Add(rolled.Metadata())
	for _, d := range []string{"P1DT12H", "PT1.5M", "PT", "P1Y", "PT99999999999H"} {
		f.Add([]byte(strings.Replace(string(idp.Metadata()), "<md:EntityDescriptor ", `<md:EntityDescriptor cacheDuration="`+d+`" `, 1)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if md, err := saml.ParseIdPMetadata(data); err == nil && md.CacheDuration < 0 {
			t.Fatalf("negative cacheDuration %v", md.CacheDuration)
		}
		_ = saml.ValidateSPMetadata(data)
	})
}
