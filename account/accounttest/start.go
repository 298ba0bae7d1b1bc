package accounttest

import (
	"log/slog"
	"testing"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// Start starts a BundID simulator with test defaults and closes it when
// the test ends.
func Start(t testing.TB) *Server { return StartWith(t, Config{}) }

// StartWith starts a simulator with cfg (Mode MUK, faults, clock, key
// rollover settings) and closes it when the test ends.
func StartWith(t testing.TB, cfg Config) *Server {
	t.Helper()
	s, err := NewServer(cfg)
	if err != nil {
		t.Fatalf("accounttest: start simulator: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// SPConfig returns a ready saml.Config for a service provider whose
// AssertionConsumerService is acsURL, wired to this simulator: fresh
// throwaway SP keys, the simulator's metadata and profile, a MemoryStore,
// the simulator's clock, InsecureDevelopment (the simulator serves plain
// http on loopback) and, in BundID mode, an akdb extension that requires
// bPK2 and the names and asks for the birth date, address and mailbox.
// Adjust the returned Config, create the SP with saml.New and hand its
// Metadata to RegisterSP, or call NewSP, which does all of it. (It is not
// called Config because Server embeds httptest.Server, whose Config field
// it would hide.)
func (s *Server) SPConfig(t testing.TB, acsURL string) saml.Config {
	t.Helper()
	sign, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "sp signing", UniqueKey: true})
	if err != nil {
		t.Fatalf("accounttest: SP signing key: %v", err)
	}
	enc, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "sp encryption", UniqueKey: true})
	if err != nil {
		t.Fatalf("accounttest: SP encryption key: %v", err)
	}
	dec, err := enc.Decrypter()
	if err != nil {
		t.Fatalf("accounttest: SP decrypter: %v", err)
	}
	cfg := saml.Config{
		EntityID: "https://sp.example.org/saml", ACSURL: acsURL,
		SigningKey: sign, DecryptionKey: dec, EncryptionCertificate: enc.Certificate,
		IdPMetadata: s.Metadata(), Profile: s.Profile(), Level: account.LevelSubstanziell,
		Store: saml.NewMemoryStore(), Now: s.cfg.Now, Logger: slog.New(slog.DiscardHandler),
		InsecureDevelopment: true,
	}
	if s.cfg.Mode == BundID {
		cfg.Extension = &saml.Extension{
			RequestedAttributes: []saml.RequestedAttribute{
				{Name: account.AttrBPK2, Required: true},
				{Name: account.AttrGivenName, Required: true},
				{Name: account.AttrSurname, Required: true},
				{Name: account.AttrBirthdate},
				{Name: account.AttrPostalAddress},
				{Name: account.AttrPostalCode},
				{Name: account.AttrLocality},
				{Name: account.AttrCountry},
				{Name: account.AttrPostkorbHandle},
			},
			Display: saml.DisplayInformation{OrganizationDisplayName: "Stadt Musterstadt", Lang: "de", OnlineServiceID: "99123456760000"},
		}
	}
	return cfg
}

// NewSP creates a service provider from SPConfig (changed by mutate, if
// not nil) and registers it with the simulator.
func (s *Server) NewSP(t testing.TB, acsURL string, mutate func(*saml.Config)) *saml.ServiceProvider {
	t.Helper()
	cfg := s.SPConfig(t, acsURL)
	if mutate != nil {
		mutate(&cfg)
	}
	sp, err := saml.New(cfg)
	if err != nil {
		t.Fatalf("accounttest: saml.New: %v", err)
	}
	md, err := sp.Metadata()
	if err != nil {
		t.Fatalf("accounttest: SP metadata: %v", err)
	}
	if err := s.RegisterSP(md); err != nil {
		t.Fatalf("accounttest: register SP: %v", err)
	}
	return sp
}
