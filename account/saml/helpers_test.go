package saml_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// clock is a settable test clock, safe for the servers' goroutines.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type env struct {
	t     testing.TB
	clock *clock
	idp   *accounttest.Server
	sp    *saml.ServiceProvider
	cfg   saml.Config
	store saml.Store
}

func spKeys(t testing.TB) (*signature.KeyPair, *signature.KeyPair) {
	t.Helper()
	opts := signaturetest.Options{NotBefore: t0.Add(-24 * time.Hour), NotAfter: t0.Add(365 * 24 * time.Hour)}
	opts.CommonName = "sp signing"
	sign, err := signaturetest.SelfSigned(opts)
	require.NoError(t, err)
	opts.CommonName = "sp encryption"
	enc, err := signaturetest.SelfSigned(opts)
	require.NoError(t, err)
	return sign, enc
}

// otherKey returns a signing key pair that is certainly none of the
// environment's: pooled RSA keys repeat after signaturetest.PoolSize
// draws, which tests running in parallel reach, and a negative test with
// its "other" key equal to the signer's passes a forgery.
func otherKey(t testing.TB) *signature.KeyPair {
	t.Helper()
	kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "other", UniqueKey: true,
		NotBefore: t0.Add(-24 * time.Hour), NotAfter: t0.Add(365 * 24 * time.Hour)})
	require.NoError(t, err)
	return kp
}

func defaultExtension() *saml.Extension {
	return &saml.Extension{
		RequestedAttributes: []saml.RequestedAttribute{
			{Name: account.AttrBPK2, Required: true},
			{Name: account.AttrGivenName, Required: true},
			{Name: account.AttrSurname, Required: true},
			{Name: account.AttrBirthdate},
			{Name: account.AttrPostalAddress},
			{Name: account.AttrPostalCode},
			{Name: account.AttrLocality},
			{Name: account.AttrCountry},
			{Name: account.AttrGender},
			{Name: account.AttrMail},
			{Name: account.AttrPostkorbHandle},
			{Name: account.AttrQAALevel},
		},
		Display: saml.DisplayInformation{OrganizationDisplayName: "Stadt Musterstadt", Lang: "de",
			BackURL: "https://service.example.org/back", OnlineServiceID: "99123456760000"},
	}
}

// newEnv starts an accounttest IdP in mode and a ServiceProvider for it.
func newEnv(t testing.TB, mode accounttest.Mode, mutate func(*saml.Config)) *env {
	t.Helper()
	c := &clock{now: t0}
	idp, err := accounttest.NewServer(accounttest.Config{Mode: mode, Now: c.Now})
	require.NoError(t, err)
	t.Cleanup(idp.Close)
	sign, enc := spKeys(t)
	dec, err := enc.Decrypter()
	require.NoError(t, err)
	store := saml.NewMemoryStore()
	cfg := saml.Config{
		EntityID:              "https://service.example.org/saml",
		ACSURL:                "https://service.example.org/saml/acs",
		SigningKey:            sign,
		DecryptionKey:         dec,
		EncryptionCertificate: enc.Certificate,
		IdPMetadata:           idp.Metadata(),
		Profile:               idp.Profile(),
		Level:                 account.LevelSubstanziell,
		Now:                   c.Now,
		Store:                 store,
		Logger:                slog.New(slog.DiscardHandler),
		// The simulator serves plain http on loopback.
		InsecureDevelopment: true,
	}
	if mode == accounttest.BundID {
		cfg.Extension = defaultExtension()
	}
	if mutate != nil {
		mutate(&cfg)
	}
	sp := registerSP(t, idp, cfg)
	return &env{t: t, clock: c, idp: idp, sp: sp, cfg: cfg, store: store}
}

// login runs one request/response round trip without HTTP: it builds the
// AuthnRequest, has the IdP answer it with faults, and parses the answer.
func (e *env) login(opts saml.LoginOptions, f accounttest.Faults) (*account.Identity, error) {
	e.t.Helper()
	xml, pending := e.respond(opts, f)
	return e.sp.ParseResponse(context.Background(), xml, pending)
}

func (e *env) respond(opts saml.LoginOptions, f accounttest.Faults) ([]byte, saml.PendingRequest) {
	e.t.Helper()
	req, err := e.sp.AuthnRequest(opts)
	require.NoError(e.t, err)
	e.idp.SetFaults(f)
	xml, err := e.idp.Respond(req)
	require.NoError(e.t, err)
	// The pending request as StartLogin records it.
	p := saml.PendingRequest{ID: req.ID, Level: req.Level, Expires: e.clock.Now().Add(time.Hour)}
	p.Required = append(p.Required, e.cfg.RequiredAttributes...)
	if req.Extension != nil {
		for _, a := range req.Extension.RequestedAttributes {
			p.Requested = append(p.Requested, a.Name)
			if a.Required {
				p.Required = append(p.Required, a.Name)
			}
		}
	}
	return xml, p
}

// secureIdP turns the development switch off for tests that check the
// production cookie: the simulator's plain-http SSO URL in the (unsigned)
// metadata is rewritten to https, which the SP only sends the browser to.
func secureIdP(c *saml.Config) {
	c.InsecureDevelopment = false
	c.IdPMetadata = bytes.ReplaceAll(c.IdPMetadata, []byte(`Location="http://`), []byte(`Location="https://`))
}

func errorIs(err, target error) bool { return errors.Is(err, target) }

func errorAs(err error, target any) bool { return errors.As(err, target) }

// exampleTB lets examples reuse newEnv; examples have no *testing.T.
type exampleTB struct{ testing.TB }

func (exampleTB) Helper()                           {}
func (exampleTB) Cleanup(func())                    {}
func (exampleTB) Errorf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (exampleTB) FailNow()                          { panic("FailNow") }

func newExampleEnv() *env { return newEnv(exampleTB{}, accounttest.BundID, nil) }

// registerSP creates the service provider and registers its metadata with
// the simulator.
func registerSP(t testing.TB, idp *accounttest.Server, cfg saml.Config) *saml.ServiceProvider {
	t.Helper()
	sp, err := saml.New(cfg)
	require.NoError(t, err)
	md, err := sp.Metadata()
	require.NoError(t, err)
	require.NoError(t, idp.RegisterSP(md))
	return sp
}
