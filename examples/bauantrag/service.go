package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/payment/sqlstore"
	"github.com/egosaar/ozg/payment/xbezahldienste"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// config configures the online service.
type config struct {
	// BaseURL is where the service is reachable (https; the Bezahldienst
	// only redirects to https URLs).
	BaseURL string
	// Dir holds the database, the generated certificate and the e-mail
	// files.
	Dir string
	// SMTPAddr is host:port of an SMTP server for e-mail; "" writes .eml
	// files into Dir instead.
	SMTPAddr string
	// MailpitAPI is the HTTP API of a mailpit SMTP sink at SMTPAddr; when
	// set, the tour checks that the e-mails arrived.
	MailpitAPI string
	// Step is how long the simulated case worker takes per state.
	Step time.Duration
	// Hiccup makes the webhook receiver answer its first request with
	// 503, and the webhook channel retry after one second instead of the
	// Standard Webhooks schedule's five, so the tour shows a retry.
	Hiccup bool
	// Say narrates what was verified (the guided tour); nil logs.
	Say    func(format string, args ...any)
	Logger *slog.Logger
}

// service is the municipal online service "Bauantrag online". Everything
// it talks to is a simulator from the SDK's test packages: the BundID IdP
// (accounttest), the Bezahldienst (paymenttest), the ZBP (notifytest) and
// a local webhook receiver; e-mail goes to an SMTP server or to files.
type service struct {
	cfg    config
	log    *slog.Logger
	mux    *http.ServeMux
	pages  pages
	db     *sql.DB
	msg    *messaging
	idp    *accounttest.Server
	sp     *saml.ServiceProvider
	paySim *paymenttest.XBezahldienste
	payDB  *sqlstore.Store
	pay    *payment.Client
	out    *outbox
	fit    *delivery

	sessions sessions
	// deliveryMu serialises the work on FIT-Connect orders (handover.go).
	deliveryMu sync.Mutex

	ctx    context.Context // service lifetime (case worker, reconciliation)
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Fee of a building permit in this demo: 250,00 EUR, no VAT on
// administrative fees (Verwaltungsgebühr).
const fee paytype.Amount = 250_00

func newService(ctx context.Context, cfg config) (s *service, err error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Say == nil {
		cfg.Say = func(format string, args ...any) { cfg.Logger.Info(fmt.Sprintf(format, args...)) }
	}
	if cfg.Step <= 0 {
		cfg.Step = time.Second
	}
	s = &service{cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(), sessions: sessions{m: map[string]*session{}}}
	s.ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}

	// One SQLite file holds the applications and notify's outbox, opened
	// with the settings river and notify need (WAL, busy timeout,
	// BEGIN IMMEDIATE, one connection).
	if s.db, err = database.OpenSQLite(ctx, filepath.Join(cfg.Dir, "bauantrag.db")); err != nil {
		return nil, err
	}
	if _, err = s.db.ExecContext(ctx, schema); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}

	// XÖV message building, XSD validation and XML signature.
	// The header time in the authority's zone: erstellungszeitpunkt then
	// shows the offset, e.g. 2026-11-25T10:30:00.123+01:00.
	if s.msg, err = newMessaging(cfg.Dir, func() time.Time { return time.Now().In(berlin) }); err != nil {
		return nil, fmt.Errorf("messaging: %w", err)
	}

	// Delivery to the building authority through FIT-Connect.
	if s.fit, err = newDelivery(ctx, cfg, s.msg.cert); err != nil {
		return nil, fmt.Errorf("fitconnect: %w", err)
	}

	// Login: SAML service provider against the simulated BundID.
	if err = s.setupLogin(); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}

	// Payment: XBezahldienste simulator, client with a SQLite store.
	if err = s.setupPayment(ctx); err != nil {
		return nil, fmt.Errorf("payment: %w", err)
	}

	// Notifications: notify outbox on the same SQLite database.
	if s.out, err = newOutbox(ctx, s.ctx, s.db, s.msg.key.Signer, cfg); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	s.routes()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		// Background reconciliation for citizens who never return from
		// the pay page.
		if err := s.pay.Run(s.ctx); err != nil {
			s.log.Warn("payment reconciliation stopped", "err", err)
		}
	}()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		// FIT-Connect orders committed with a payment but not yet
		// delivered (Zustelldienst down, or a crash after commit).
		s.deliveryLoop(s.ctx)
	}()
	return s, nil
}

func (s *service) setupLogin() error {
	idp, err := accounttest.NewServer(accounttest.Config{})
	if err != nil {
		return err
	}
	s.idp = idp
	// The SP's own keys. A real service loads them with
	// signature.LoadPKCS12 and registers its metadata at the BundID
	// self-service portal.
	signing, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "Bauantrag Musterstadt SAML-Signatur"})
	if err != nil {
		return err
	}
	encryption, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "Bauantrag Musterstadt SAML-Verschlüsselung"})
	if err != nil {
		return err
	}
	dec, err := encryption.Decrypter()
	if err != nil {
		return err
	}
	s.sp, err = saml.New(saml.Config{
		EntityID:              "https://bauantrag.musterstadt.example/saml",
		ACSURL:                s.cfg.BaseURL + "/saml/acs",
		SigningKey:            signing,
		DecryptionKey:         dec,
		EncryptionCertificate: encryption.Certificate,
		IdPMetadata:           idp.Metadata(),
		Profile:               idp.Profile(),
		Level:                 account.LevelSubstanziell,
		Binding:               saml.BindingHTTPPost,
		Extension: &saml.Extension{
			RequestedAttributes: []saml.RequestedAttribute{
				{Name: account.AttrBPK2, Required: true},
				{Name: account.AttrGivenName, Required: true},
				{Name: account.AttrSurname, Required: true},
				{Name: account.AttrPostalAddress},
				{Name: account.AttrPostalCode},
				{Name: account.AttrLocality},
				{Name: account.AttrMail},
				{Name: account.AttrPostkorbHandle},
			},
			Display: saml.DisplayInformation{OrganizationDisplayName: "Stadt Musterstadt – Bauaufsicht", Lang: "de", OnlineServiceID: "99123456760000"},
		},
		Logger: s.log,
		// One instance, and the simulated IdP serves plain http on
		// loopback (the module's development switch).
		Store:               saml.NewMemoryStore(),
		InsecureDevelopment: true,
	})
	if err != nil {
		return err
	}
	md, err := s.sp.Metadata()
	if err != nil {
		return err
	}
	return idp.RegisterSP(md)
}

func (s *service) setupPayment(ctx context.Context) error {
	s.paySim = paymenttest.NewXBezahldienste(paymenttest.XConfig{
		OriginatorID:        "bauantrag-musterstadt",
		EndpointID:          "10041000",
		RequiredBookingKeys: []string{paytype.BookingKeyKassenzeichen, paytype.BookingKeyHaushaltsstelle},
	})
	provider, err := xbezahldienste.New(s.paySim.Config())
	if err != nil {
		return err
	}
	// Payments live in the service's own database, next to the
	// applications and the notification outbox.
	if s.payDB, err = sqlstore.NewSQLite(ctx, s.db); err != nil {
		return err
	}
	s.pay, err = payment.New(payment.Config{
		Provider: provider,
		Store:    s.payDB,
		Logger:   s.log,
		// The hand-over (handover.go): the fee, the PAID notification and
		// the FIT-Connect order commit with the payment's transition;
		// the submission runs after commit.
		OnStatusChangeTx: s.paymentChangedTx,
		OnStatusChange:   s.paymentChanged,
		// Demo values: look for abandoned payments after seconds, not
		// the default minute.
		PollInitial:  5 * time.Second,
		PollInterval: 2 * time.Second,
	})
	return err
}

// Close stops the background work and the simulators.
func (s *service) Close() {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	if s.out != nil {
		s.out.Close()
	}
	if s.paySim != nil {
		s.paySim.Close()
	}
	if s.fit != nil {
		s.fit.close()
	}
	if s.payDB != nil {
		s.payDB.Close()
	}
	if s.idp != nil {
		s.idp.Close()
	}
	if s.db != nil {
		s.db.Close()
	}
}

func (s *service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	// No scripts. form-action must allow the Bezahldienst: browsers apply
	// it to the redirect that follows the form. The SAML POST binding
	// page (saml.WritePostForm) sets its own policy.
	h.Set("Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'self' "+s.paySim.Server.URL)
	s.mux.ServeHTTP(w, r)
}

var errForbidden = errors.New("bauantrag: not the applicant's application")
