package main

import (
	"context"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/account/sqlstore"
	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/email"
	"github.com/egosaar/ozg/payment"
	paysql "github.com/egosaar/ozg/payment/sqlstore"
	"github.com/egosaar/ozg/payment/xbezahldienste"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// Counterparts are the SDK-side configurations of everything the portal
// talks to, per tenant where the counterpart is per tenant. The tour and
// the tests fill them from the simulators; a deployment from its
// contracts.
type Counterparts struct {
	// IdP is the BundID the portal's SAML service provider registers at.
	IdP *accounttest.Server
	// Payment is each tenant's Bezahldienst account (Mandant), by ARS.
	Payment map[string]xbezahldienste.Config
	// FITConnect is the sender configuration per tenant, by ARS. One
	// Zustelldienst serves all tenants in production; the simulator
	// models one destination per instance, so the demo runs one per
	// tenant (see doc.go).
	FITConnect map[string]fitconnect.Config
}

// Config configures the portal.
type Config struct {
	// Tenants are the municipalities; nil: the embedded tenants.json.
	Tenants []Tenant
	// BaseURL is where citizens reach the portal: the SAML ACS and the
	// Bezahldienst's redirect point here (https; the Bezahldienst only
	// redirects to https).
	BaseURL string
	// Dir holds the database and the e-mail pickup folders.
	Dir          string
	Counterparts Counterparts
	Logger       *slog.Logger
}

// tenantRuntime is a tenant with what the portal built for it.
type tenantRuntime struct {
	*Tenant
	pay    *payment.Client
	fc     *fitconnect.Client
	signer *xmldsig.Signer
	cert   *x509.Certificate // the certificate the authority pins
	mail   string            // notify channel name of the tenant's e-mail
	pickup string            // the e-mail pickup folder (demo)
}

// Portal is one deployment that serves every tenant: one login, one
// database, per-tenant payment, signing keys, FIT-Connect and notice
// sender.
type Portal struct {
	cfg      Config
	log      *slog.Logger
	db       *sql.DB
	sp       *saml.ServiceProvider
	sessions *account.Sessions
	payStore *paysql.Store
	notify   *notify.Client[*sql.Tx]
	msg      *messages
	tenants  map[string]*tenantRuntime // by ARS
	order    []string                  // ARS in configuration order
	mux      *http.ServeMux
	cancel   context.CancelFunc
}

// New builds the portal on one SQLite database in cfg.Dir, opened once
// with database.OpenSQLite and shared by the session, payment and
// notification stores and the portal's own application table.
func New(ctx context.Context, cfg Config) (_ *Portal, err error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Tenants == nil {
		if cfg.Tenants, err = LoadTenants(defaultTenants); err != nil {
			return nil, err
		}
	}
	if cfg.Counterparts.IdP == nil {
		return nil, fmt.Errorf("%w: no identity provider", ErrInvalidConfig)
	}
	p := &Portal{cfg: cfg, log: cfg.Logger, tenants: map[string]*tenantRuntime{}, mux: http.NewServeMux()}
	defer func() {
		if err != nil {
			p.Close()
		}
	}()
	if p.db, err = database.OpenSQLite(ctx, filepath.Join(cfg.Dir, "saarportal.db")); err != nil {
		return nil, err
	}
	if _, err = p.db.ExecContext(ctx, schema); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	if err = p.setupLogin(ctx); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	if p.msg, err = newMessages(); err != nil {
		return nil, err
	}
	if p.payStore, err = paysql.NewSQLite(ctx, p.db); err != nil {
		return nil, err
	}
	var channels []notify.Channel
	for i := range cfg.Tenants {
		t := &cfg.Tenants[i]
		rt, err := p.setupTenant(t)
		if err != nil {
			return nil, fmt.Errorf("tenant %s: %w", t.ARS, err)
		}
		ch, err := p.mailChannel(rt)
		if err != nil {
			return nil, fmt.Errorf("tenant %s: %w", t.ARS, err)
		}
		channels = append(channels, ch)
		p.tenants[t.ARS] = rt
		p.order = append(p.order, t.ARS)
	}
	if p.notify, err = notify.NewSQLite(p.db, notify.Config{
		Channels: channels, Logger: p.log,
		// Demo latency: pick up a notice within 100 ms, not river's 1 s.
		FetchCooldown: 20 * time.Millisecond, FetchPollInterval: 100 * time.Millisecond,
	}); err != nil {
		return nil, err
	}
	if err = p.notify.Migrate(ctx); err != nil {
		return nil, err
	}
	run, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p.cancel = cancel
	if err = p.notify.Start(run); err != nil {
		return nil, err
	}
	p.routes()
	return p, nil
}

// ErrInvalidConfig is wrapped by New for a configuration it refuses.
var ErrInvalidConfig = errors.New("saarportal: invalid configuration")

func (p *Portal) setupLogin(ctx context.Context) error {
	idp := p.cfg.Counterparts.IdP
	// Throw-away SP keys; a deployment loads its registered keys with
	// signature.LoadPKCS12.
	signing, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "Saarland-Portal SAML-Signatur"})
	if err != nil {
		return err
	}
	encryption, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "Saarland-Portal SAML-Verschlüsselung"})
	if err != nil {
		return err
	}
	dec, err := encryption.Decrypter()
	if err != nil {
		return err
	}
	p.sp, err = saml.New(saml.Config{
		EntityID: "https://portal.saarland.example/saml", ACSURL: p.cfg.BaseURL + "/saml/acs",
		SigningKey: signing, DecryptionKey: dec, EncryptionCertificate: encryption.Certificate,
		IdPMetadata: idp.Metadata(), Profile: idp.Profile(), Level: account.LevelSubstanziell,
		Binding: saml.BindingHTTPPost,
		Extension: &saml.Extension{
			RequestedAttributes: []saml.RequestedAttribute{
				{Name: account.AttrBPK2, Required: true}, {Name: account.AttrGivenName, Required: true},
				{Name: account.AttrSurname, Required: true}, {Name: account.AttrMail}, {Name: account.AttrPostkorbHandle},
			},
			Display: saml.DisplayInformation{OrganizationDisplayName: "Saarland-Portal", Lang: "de", OnlineServiceID: "99123456760000"},
		},
		Logger: p.log,
		// Pending SAML requests stay in memory: account/sqlstore opens
		// its own database by path and has no constructor on a shared
		// *sql.DB yet (see doc.go). One process only.
		Store: saml.NewMemoryStore(),
		// The simulated IdP serves plain http on loopback.
		InsecureDevelopment: true,
	})
	if err != nil {
		return err
	}
	md, err := p.sp.Metadata()
	if err != nil {
		return err
	}
	if err := idp.RegisterSP(md); err != nil {
		return err
	}
	store, err := sqlstore.NewSessionsSQLite(ctx, p.db)
	if err != nil {
		return err
	}
	p.sessions, err = account.NewSessions(account.SessionConfig{
		Store: store, Logger: p.log, LoginRequired: http.RedirectHandler("/", http.StatusSeeOther),
	})
	return err
}

func (p *Portal) setupTenant(t *Tenant) (*tenantRuntime, error) {
	rt := &tenantRuntime{Tenant: t, mail: "mail-" + t.Slug}
	pc, ok := p.cfg.Counterparts.Payment[t.ARS]
	if !ok {
		return nil, fmt.Errorf("%w: no Bezahldienst for tenant %s", ErrInvalidConfig, t.ARS)
	}
	if pc.OriginatorID != t.Mandant.OriginatorID || pc.EndpointID != t.Mandant.EndpointID {
		return nil, fmt.Errorf("%w: Bezahldienst account of tenant %s is not its Mandant", ErrInvalidConfig, t.ARS)
	}
	provider, err := xbezahldienste.New(pc)
	if err != nil {
		return nil, err
	}
	// All tenants' payment clients share one store; request IDs carry the
	// tenant's slug so they cannot collide (the store has no tenant key).
	if rt.pay, err = payment.New(payment.Config{Provider: provider, Store: p.payStore, Logger: p.log}); err != nil {
		return nil, err
	}
	fc, ok := p.cfg.Counterparts.FITConnect[t.ARS]
	if !ok {
		return nil, fmt.Errorf("%w: no FIT-Connect configuration for tenant %s", ErrInvalidConfig, t.ARS)
	}
	if rt.fc, err = fitconnect.New(fc); err != nil {
		return nil, err
	}
	// The key that signs the tenant's XÖV messages. Generated for the
	// demo; a deployment loads each tenant's key (signature.LoadPKCS12,
	// or an HSM signer) from its own secret, never from tenants.json.
	key, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: t.Name + " – XÖV-Signatur", UniqueKey: true})
	if err != nil {
		return nil, err
	}
	rt.cert = key.Certificate
	if rt.signer, err = xmldsig.NewSigner(xmldsig.SignerConfig{Key: key, Placement: xmldsig.Placement{Position: xmldsig.LastChild}}); err != nil {
		return nil, err
	}
	return rt, nil
}

// tenantMail is a tenant's e-mail channel: notify's e-mail sender with
// the tenant's From, under a channel name of its own so that one notify
// client delivers for every tenant and each notice goes out in the name
// of the tenant it is routed to.
type tenantMail struct {
	*email.Sender
	name string
}

func (m tenantMail) Name() string { return m.name }

func (p *Portal) mailChannel(rt *tenantRuntime) (notify.Channel, error) {
	rt.pickup = filepath.Join(p.cfg.Dir, "mail", rt.Slug)
	if err := os.MkdirAll(rt.pickup, 0o700); err != nil {
		return nil, err
	}
	s, err := email.New(email.Config{From: rt.Sender.EmailFrom, FromName: rt.Sender.EmailFromName, PickupDir: rt.pickup})
	if err != nil {
		return nil, err
	}
	return tenantMail{Sender: s, name: rt.mail}, nil
}

// Tenant returns the tenant with the ARS.
func (p *Portal) Tenant(ars string) (*Tenant, bool) {
	rt, ok := p.tenants[ars]
	if !ok {
		return nil, false
	}
	return rt.Tenant, true
}

// Tenants returns the tenants in configuration order.
func (p *Portal) Tenants() []*Tenant {
	out := make([]*Tenant, 0, len(p.order))
	for _, ars := range p.order {
		out = append(out, p.tenants[ars].Tenant)
	}
	return out
}

// Close stops delivery and closes the database.
func (p *Portal) Close() {
	if p.cancel != nil {
		p.cancel()
	}
	if p.notify != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = p.notify.Stop(ctx)
		cancel()
	}
	if p.payStore != nil {
		_ = p.payStore.Close()
	}
	if p.db != nil {
		_ = p.db.Close()
	}
}

// trustFor is the trust store the tenant's authority verifies the
// portal's messages with: exactly the tenant's own signing certificate.
func (rt *tenantRuntime) trust() (*signature.TrustStore, error) {
	return signature.NewTrustStore(signature.TrustConfig{Pinned: []*x509.Certificate{rt.cert}})
}
