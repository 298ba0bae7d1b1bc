package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"github.com/egosaar/ozg/payment/payprovider"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/account/sqlstore"
	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/email"
	"github.com/egosaar/ozg/payment"
	paysql "github.com/egosaar/ozg/payment/sqlstore"
	"github.com/egosaar/ozg/payment/xbezahldienste"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// Counterparts are the SDK-side configurations of everything the portal
// talks to, per tenant where the counterpart is per tenant. The tour and
// the tests fill them from the simulators; a deployment from its
// contracts.
type Counterparts struct {
	// IdP is the BundID the portal's SAML service provider registers at.
	IdP IdP
	// Payment is each tenant's Bezahldienst account (Mandant), by ARS.
	Payment map[string]xbezahldienste.Config
	// FITConnect is the portal's sender client at the one Zustelldienst
	// that serves every tenant's destinations.
	FITConnect fitconnect.Config
	// MailRelay, when set, is the SMTP server (host:port) the notices go
	// to in clear text without login — only a loopback address is
	// accepted (the simulator process's mail server, which records every
	// delivery). Empty: each tenant's pickup folder in Dir (the demo).
	MailRelay string
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
	// Postgres is the DSN of the PostgreSQL database that every instance
	// of the portal shares (one pool, database.OpenPostgres, for the
	// application table, sessions, pending SAML requests, payments and
	// notify's river queue). Empty: the embedded SQLite database in Dir,
	// for one instance.
	Postgres string
	// Ha is the multi-instance operation: leases, resumer, shared keys
	// (zero: single-instance defaults, see HaConfig).
	Ha HaConfig
	// Operators may log in to the operator page (/operator); none: the
	// page is off. See operator.go.
	Operators []Operator
	// NoticeSchedule is the retry schedule of the notices (notify.Policy);
	// nil: notify's default (8 attempts over about 27.6 hours).
	NoticeSchedule []time.Duration
}

// tenantRuntime is a tenant with what the portal built for it.
type tenantRuntime struct {
	*Tenant
	pay      *payment.Client
	provider payprovider.Provider
	fc       *fitconnect.Client
	signer   *xmldsig.Signer
	cert     *x509.Certificate // the certificate the authority pins
	mail     string            // notify channel name of the tenant's e-mail
	pickup   string            // the e-mail pickup folder (demo)
}

// Portal is one deployment that serves every tenant: one login, one
// database, per-tenant payment, signing keys, FIT-Connect and notice
// sender.
type Portal struct {
	cfg          Config
	log          *slog.Logger
	db           *appDB
	sp           *saml.ServiceProvider
	sessions     *account.Sessions
	sessionStore *sqlstore.SessionStore
	payStore     *paysql.Store
	notify       outbox // notify's client on the shared database
	instance     string
	msg          *messages
	tenants      map[string]*tenantRuntime // by ARS
	order        []string                  // ARS in configuration order
	mux          *http.ServeMux
	cancel       context.CancelFunc
	fc           *fitconnect.Client // one sender client for all tenants
	metrics      *metrics
	bg           sync.WaitGroup // resumer and payment reconciliation
	opPageSize   int            // rows per list of the operator page; 0: opLimit
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
	if p.metrics, err = newMetrics(); err != nil {
		return nil, err
	}
	if err = p.cfg.Ha.defaults(cfg.Tenants); err != nil {
		return nil, err
	}
	p.instance = p.cfg.Ha.Instance
	if p.msg, err = newMessages(); err != nil {
		return nil, err
	}
	fc := cfg.Counterparts.FITConnect
	fc.MeterProvider = p.metrics.provider
	if p.fc, err = fitconnect.New(fc); err != nil {
		return nil, fmt.Errorf("%w: fitconnect: %w", ErrInvalidConfig, err)
	}
	var channels []notify.Channel
	policies := map[string]notify.Policy{}
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
		policies[rt.mail] = notify.Policy{Schedule: cfg.NoticeSchedule}
		p.tenants[t.ARS] = rt
		p.order = append(p.order, t.ARS)
	}
	samlStore, err := p.openStores(ctx, channels, policies)
	if err != nil {
		return nil, err
	}
	for _, rt := range p.tenants {
		// All tenants' payment clients share one store, each scoped to its
		// tenant (the ARS): no query, push or reconciliation of one tenant
		// touches another's transactions.
		if rt.pay, err = payment.New(payment.Config{Provider: rt.provider, Store: p.payStore, Tenant: rt.ARS, Logger: p.log,
			MeterProvider: p.metrics.provider, PollInitial: p.cfg.Ha.PaymentPoll, PollInterval: p.cfg.Ha.ResumeEvery}); err != nil {
			return nil, err
		}
	}
	if err = p.setupLogin(ctx, samlStore); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	if err = p.notify.Migrate(ctx); err != nil {
		return nil, err
	}
	run, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p.cancel = cancel
	if err = p.notify.Start(run); err != nil {
		return nil, err
	}
	if err = p.setupOperators(ctx); err != nil {
		return nil, err
	}
	// Every instance resumes the applications and reconciles every
	// tenant's payments (payment.Client.Run, scoped to the tenant).
	p.bg.Go(func() { p.resume(run) })
	for _, rt := range p.tenants {
		p.bg.Go(func() { _ = rt.pay.Run(run) })
	}
	p.routes()
	return p, nil
}

// ErrInvalidConfig is wrapped by New for a configuration it refuses.
var ErrInvalidConfig = errors.New("saarportal: invalid configuration")

func (p *Portal) setupLogin(ctx context.Context, store saml.Store) error {
	idp := p.cfg.Counterparts.IdP
	signing, encryption := p.cfg.Ha.Keys.SAMLSigning, p.cfg.Ha.Keys.SAMLEncryption
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
		Logger: p.log, MeterProvider: p.metrics.provider,
		// Pending SAML requests and the assertion replay cache in the
		// shared database: a login started on one instance finishes on
		// another.
		Store: store,
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
	p.sessions, err = account.NewSessions(account.SessionConfig{
		Store: p.sessionStore, Logger: p.log, MeterProvider: p.metrics.provider, LoginRequired: http.RedirectHandler("/", http.StatusSeeOther),
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
	var err error
	if rt.provider, err = xbezahldienste.New(pc); err != nil {
		return nil, err
	}
	// The Routing API finds each tenant's destination by LeiKa key and
	// ARS; one sender client serves every tenant.
	rt.fc = p.fc
	// The key that signs the tenant's XÖV messages (HaConfig.Keys).
	key, ok := p.cfg.Ha.Keys.Tenants[t.ARS]
	if !ok {
		return nil, fmt.Errorf("%w: no signing key for tenant %s", ErrInvalidConfig, t.ARS)
	}
	rt.cert = key.Certificate
	if rt.signer, err = xmldsig.NewSigner(xmldsig.SignerConfig{Key: key, Placement: xmldsig.Placement{Position: xmldsig.LastChild}}); err != nil {
		return nil, err
	}
	return rt, nil
}

// tenantMail is a tenant's e-mail channel: notify's e-mail sender with
// the tenant's From as the identity of exactly that tenant (email.Config
// Tenants), under a channel name of its own (the demo writes each
// tenant's mail to its own pickup folder). notify refuses at enqueue an
// event of another tenant routed to it, so a notice never goes out in
// another municipality's name.
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
	cfg := email.Config{Tenants: map[string]email.Identity{rt.ARS: {From: rt.Sender.EmailFrom, FromName: rt.Sender.EmailFromName}},
		PickupDir: rt.pickup}
	if relay := p.cfg.Counterparts.MailRelay; relay != "" {
		host, port, err := net.SplitHostPort(relay)
		n, perr := strconv.Atoi(port)
		if ip := net.ParseIP(host); err != nil || perr != nil || ip == nil || !ip.IsLoopback() {
			return nil, fmt.Errorf("%w: MailRelay must be a loopback host:port", ErrInvalidConfig)
		}
		cfg.PickupDir, cfg.Host, cfg.Port, cfg.TLSPolicy = "", host, n, email.InsecureNoTLS
	}
	s, err := email.New(cfg)
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
	p.bg.Wait()
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
		if p.db.pool != nil {
			p.db.pool.Close()
		}
	}
	p.metrics.shutdown(context.Background())
}

// MetricsHandler serves the Prometheus metrics of the portal and its
// packages; serve it on an operator-only listener, never to citizens.
func (p *Portal) MetricsHandler() http.Handler { return p.metrics.handler() }

// trustFor is the trust store the tenant's authority verifies the
// portal's messages with: exactly the tenant's own signing certificate.
func (rt *tenantRuntime) trust() (*signature.TrustStore, error) {
	return signature.NewTrustStore(signature.TrustConfig{Pinned: []*x509.Certificate{rt.cert}})
}
