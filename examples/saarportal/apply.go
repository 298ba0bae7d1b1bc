package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/payment/paytype"
)

// Application states.
const (
	StatePayment   = "ZAHLUNG"          // created, fee not yet paid
	StateSending   = "WIRD_EINGEREICHT" // paid; one request is submitting
	StateSubmitted = "EINGEREICHT"      // paid and delivered to the Zustelldienst
	StateReceived  = "EINGEGANGEN"      // the authority's accept is in the event log
	StateRejected  = "ZURUECKGEWIESEN"
)

// Errors of the application flow.
var (
	ErrUnknownTenant  = errors.New("saarportal: unknown municipality")
	ErrUnknownService = errors.New("saarportal: service not offered by this municipality")
	// ErrNoDestination: neither the Routing API nor the tenant's
	// configuration names a destination that offers the service. No fee
	// is taken then.
	ErrNoDestination = errors.New("saarportal: no destination for this service")
	ErrNotYours      = errors.New("saarportal: not the applicant's application")
	ErrNotPaid       = errors.New("saarportal: fee not paid")
)

// Application is one citizen's application as the portal keeps it.
type Application struct {
	ID, ARS, Leika, Status    string
	Destination, MessageUUID  string
	PaymentKey, Kassenzeichen string
	SubmissionID, CaseID      string
	ReceiptAt                 time.Time
	// Routed reports that the Routing API named the destination (not
	// only the tenant's agreed one); set by Start.
	Routed                          bool
	subject, email, schemaURI, tags string
	message                         []byte
	sent                            *fitconnect.SentSubmission
	attempts                        int
}

// Started is the result of Start: the application and where the citizen
// pays.
type Started struct {
	*Application
	PayURL        string
	TransactionID string
}

// Start opens an application of the citizen id for service leika of
// tenant ars: it finds the destination (Routing API by LeiKa key and ARS,
// else the tenant's configured one), builds and signs the XÖV message
// with the tenant's key and creates the fee at the tenant's Mandant. The
// destination comes first: no fee is taken for a service nobody can
// receive.
func (p *Portal) Start(ctx context.Context, id *account.Identity, ars, leika string) (*Started, error) {
	rt, ok := p.tenants[ars]
	if !ok {
		return nil, ErrUnknownTenant
	}
	svc, ok := rt.Service(leika)
	if !ok {
		return nil, ErrUnknownService
	}
	if id == nil || id.Subject == "" {
		return nil, ErrNotYours
	}
	dest, schemaURI, routed, err := p.destination(ctx, rt, svc)
	if errors.Is(err, ErrNoDestination) {
		p.metrics.application(ctx, ars, leika, "refused_no_destination")
	}
	if err != nil {
		return nil, err
	}
	a := &Application{ID: rt.Slug + "-" + randomDigits(12), ARS: ars, Leika: leika, Status: StatePayment,
		Destination: dest, Routed: routed, subject: id.Subject, schemaURI: schemaURI}
	if id.Person != nil {
		a.email = id.Person.Email.Value
	}
	given, family := personName(id)
	plain, uuid, err := p.msg.build(ctx, rt.Tenant, svc, a.ID, given, family)
	if err != nil {
		return nil, err
	}
	if a.message, err = rt.signer.Sign(plain); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	a.MessageUUID = uuid
	// The payment request ID is the application ID: it starts with the
	// tenant's slug, so tenants cannot collide in the shared store.
	a.PaymentKey = a.ID
	a.Kassenzeichen = rt.Mandant.KassenzeichenPrefix + randomDigits(8)
	// The row first, then the fee: every fee the Bezahldienst knows has
	// its application. The fee's request ID is the application ID, so a
	// repeated create (a lost answer) is the same transaction.
	if _, err := p.db.exec(ctx, `INSERT INTO saarportal_applications
		(id, ars, leika, subject, status, email, destination, schema_uri, message_uuid, message, payment_key, kassenzeichen, created_at, next_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		a.ID, a.ARS, a.Leika, a.subject, a.Status, a.email, a.Destination, a.schemaURI, a.MessageUUID, a.message,
		a.PaymentKey, a.Kassenzeichen, time.Now().UTC().Format(time.RFC3339Nano), time.Now().Add(p.cfg.Ha.PaymentPoll).UnixMilli()); err != nil {
		return nil, err
	}
	tx, err := rt.pay.Create(ctx, feeRequest(p.cfg.BaseURL, rt.Tenant, svc, a))
	if err != nil {
		return nil, fmt.Errorf("payment: %w", err)
	}
	p.metrics.application(ctx, ars, leika, "started")
	return &Started{Application: a, PayURL: tx.PayURL, TransactionID: tx.TransactionID}, nil
}

func personName(id *account.Identity) (given, family string) {
	if id.Person == nil {
		return "", ""
	}
	return id.Person.GivenNames.Value, id.Person.FamilyName.Value
}

// destination resolves the service's destination for the tenant and the
// data schema it accepts for XBau; routed reports that the Routing API
// named it.
func (p *Portal) destination(ctx context.Context, rt *tenantRuntime, svc *Service) (dest, schemaURI string, routed bool, err error) {
	routes, err := rt.fc.Route(ctx, fitconnect.RouteQuery{LeikaKey: svc.Leika, ARS: rt.ARS})
	if err != nil {
		return "", "", false, fmt.Errorf("routing: %w", err)
	}
	dest = svc.Destination
	switch {
	case len(routes) > 1:
		return "", "", false, fmt.Errorf("%w: %d routes, expected one", ErrNoDestination, len(routes))
	case len(routes) == 1 && dest != "" && dest != routes[0].DestinationID:
		return "", "", false, fmt.Errorf("%w: routed destination differs from the agreed one", ErrNoDestination)
	case len(routes) == 1:
		dest, routed = routes[0].DestinationID, true
	case dest == "":
		return "", "", false, ErrNoDestination
	}
	d, err := rt.fc.Destination(ctx, dest)
	if err != nil {
		return "", "", false, fmt.Errorf("destination: %w", err)
	}
	want := "urn:de:fim:leika:leistung:" + svc.Leika
	for _, s := range d.Services {
		if s.Identifier != want {
			continue
		}
		for _, ref := range s.SubmissionSchemas {
			if ref.MimeType == "application/xml" && strings.HasPrefix(ref.SchemaURI, "urn:xoev-de:bmk:standard:xbau") {
				return dest, ref.SchemaURI, routed, nil
			}
		}
	}
	return "", "", false, fmt.Errorf("%w: destination does not offer %s with an XBau schema", ErrNoDestination, svc.Leika)
}

func feeRequest(base string, t *Tenant, s *Service, a *Application) *paytype.CreateRequest {
	b := paytype.Booking{
		Kassenzeichen: a.Kassenzeichen, Buchungstext: s.Buchungstext,
		Belegnummer: strings.ReplaceAll(a.ID, "-", "_"), Faelligkeitsdatum: paytype.DueDate(time.Now().AddDate(0, 0, 30).Format(time.DateOnly)),
	}
	for _, k := range t.Mandant.BookingKeys {
		switch k {
		case paytype.BookingKeyHaushaltsstelle:
			b.Haushaltsstelle = s.Haushaltsstelle
		case paytype.BookingKeyObjektnummer:
			b.Objektnummer = s.Objektnummer
		}
	}
	return &paytype.CreateRequest{
		IdempotencyKey: a.PaymentKey, Currency: paytype.EUR, Total: s.Fee,
		Purpose:     s.Buchungstext + " " + a.Kassenzeichen,
		Description: "Gebühr " + s.Name + ", Kassenzeichen " + a.Kassenzeichen,
		RedirectURL: base + "/antrag/" + a.ID,
		Items: []paytype.Item{{ID: "gebuehr-1", Reference: s.Leika, Description: s.Name, Quantity: 1,
			SingleNet: s.Fee, TotalNet: s.Fee, Booking: b}},
	}
}

// sentSubmission rebuilds what Status needs from the stored row: the
// IDs and the authentication tags an accept must name.
func (a *Application) sentSubmission() *fitconnect.SentSubmission {
	if a.sent != nil {
		return a.sent
	}
	s := &fitconnect.SentSubmission{SubmissionID: a.SubmissionID, CaseID: a.CaseID, DestinationID: a.Destination}
	_ = json.Unmarshal([]byte(a.tags), &s.AuthenticationTags) // written by encodeTags
	return s
}

func encodeTags(t fitconnect.AuthenticationTags) string {
	b, _ := json.Marshal(t) // strings and a map of strings: cannot fail
	return string(b)
}

func s2f(a paytype.Amount) float64 { return float64(a) / 100 }

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// load returns the citizen's application; another citizen's ID is
// ErrNotYours, whatever tenant it belongs to.
func (p *Portal) load(ctx context.Context, subject, appID string) (*Application, *tenantRuntime, error) {
	a, rt, err := p.loadApp(ctx, appID)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && a.subject != subject) {
		return nil, nil, ErrNotYours
	}
	return a, rt, err
}

// loadApp reads an application by ID (the resumer's view: no citizen).
func (p *Portal) loadApp(ctx context.Context, appID string) (*Application, *tenantRuntime, error) {
	a := &Application{}
	var receipt string
	err := p.db.QueryRowContext(ctx, `SELECT id, ars, leika, subject, status, email, destination, schema_uri, message_uuid, message,
		payment_key, kassenzeichen, submission_id, case_id, tags, receipt_at, attempts FROM saarportal_applications WHERE id = ?`, appID).Scan(
		&a.ID, &a.ARS, &a.Leika, &a.subject, &a.Status, &a.email, &a.Destination, &a.schemaURI, &a.MessageUUID, &a.message,
		&a.PaymentKey, &a.Kassenzeichen, &a.SubmissionID, &a.CaseID, &a.tags, &receipt, &a.attempts)
	if err != nil {
		return nil, nil, err
	}
	if receipt != "" {
		a.ReceiptAt, _ = time.Parse(time.RFC3339Nano, receipt)
	}
	rt, ok := p.tenants[a.ARS]
	if !ok {
		return nil, nil, ErrUnknownTenant
	}
	return a, rt, nil
}

func randomDigits(n int) string {
	var b strings.Builder
	for range n {
		d, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		b.WriteByte(byte('0' + d.Int64()))
	}
	return b.String()
}
