package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/xoev"
	"github.com/egosaar/ozg/xoev/xsd"
)

func euro(a paytype.Amount) string { return fmt.Sprintf("%d,%02d EUR", a/100, a%100) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}

func randomDigits(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	return string(b)
}

// handleSubmit takes the form: it builds, validates, signs and stores the
// XBau message, creates the fee payment and sends the citizen to the pay
// page of the Bezahldienst.
func (s *service) handleSubmit(w http.ResponseWriter, r *http.Request) {
	ses := s.session(r)
	if ses == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil || !s.csrfOK(r, ses) {
		s.fail(w, http.StatusBadRequest, "Das Formular ist abgelaufen. Bitte laden Sie die Seite neu.")
		return
	}
	form := formFromValues(r.PostForm)
	again := func(field, msg string) {
		s.render(w, http.StatusUnprocessableEntity, "antrag", view{Title: "Antrag auf Baugenehmigung", Identity: identityOf(ses.identity),
			CSRF: ses.csrf, Form: form, Fee: euro(fee), Error: msg, ErrorField: field})
	}
	if field, msg := form.validate(); msg != "" {
		again(field, msg)
		return
	}
	a, err := s.submit(r.Context(), ses, form)
	if errors.Is(err, xoev.ErrCharacter) || errors.Is(err, xsd.ErrInvalid) {
		// The form checks presence, length and shape; what remains is the
		// character repertoire of DIN 91379 (datatype C), which the header
		// rules and the schema enforce.
		again("", "Ihre Angaben enthalten Zeichen, die in Verwaltungsnachrichten nicht zulässig sind (DIN 91379).")
		return
	}
	if err != nil {
		s.log.Error("submit", "err", err)
		s.fail(w, http.StatusInternalServerError, "Der Antrag konnte nicht übermittelt werden. Bitte versuchen Sie es später erneut.")
		return
	}
	tx, err := s.createPayment(r.Context(), ses, a)
	if err != nil {
		s.log.Error("payment create", "err", err)
		s.render(w, http.StatusBadGateway, "fehler", view{Title: "Bezahldienst nicht erreichbar", Back: "/antrag/" + a.ID,
			Error: "Der Bezahldienst ist gerade nicht erreichbar. Ihr Antrag ist gespeichert (Aktenzeichen " + a.Aktenzeichen + "); Sie können die Gebühr später auf der Seite Ihres Antrags bezahlen."})
		return
	}
	http.Redirect(w, r, tx.PayURL, http.StatusSeeOther)
}

// submit builds and stores the application in state SUBMITTED.
func (s *service) submit(ctx context.Context, ses *session, form antragForm) (*antrag, error) {
	id := ses.identity
	p := id.Person
	now := time.Now()
	a := &antrag{
		ID:            "BA-" + randomHex(6),
		Aktenzeichen:  fmt.Sprintf("63-%d-%s", now.Year(), randomHex(3)),
		Subject:       id.Subject,
		Antragsteller: p.GivenNames.Value + " " + p.FamilyName.Value,
		Email:         p.Email.Value,
		Postfach:      id.MailboxHandle.Value,
		Grundstueck:   fmt.Sprintf("%s %s, %s %s (Gemarkung %s, Flur %s, Flurstück %s)", form.Strasse, form.Hausnummer, form.PLZ, form.Ort, form.Gemarkung, form.Flur, form.Flurstueck),
		Vorhaben:      form.Vorhaben,
		Status:        stSubmitted,
		Kassenzeichen: "5300" + randomDigits(9),
		CreatedAt:     now, UpdatedAt: now,
	}
	a.Baubeschreibung = []byte(fmt.Sprintf("Baubeschreibung\n\nVorhaben: %s\nBaugrundstück: %s\nBauherr/in: %s\n", a.Vorhaben, a.Grundstueck, a.Antragsteller))
	d := antragsdaten{
		Referenz: uuid.NewString(), PersonID: uuid.NewString(),
		Vorname: p.GivenNames.Value, Familienname: p.FamilyName.Value,
		StrasseHausnummer: p.Address.Street.Value, PLZ: p.Address.PostalCode.Value, Wohnort: p.Address.Locality.Value,
		Email: p.Email.Value, Form: form, Eingang: now, Baubeschreibung: a.Baubeschreibung,
	}
	n, err := s.msg.build(ctx, d, s.cfg.Say)
	if err != nil {
		return nil, err
	}
	a.NachrichtUUID, a.Nachricht = n.UUID, n.Signed
	if err := insertAntrag(ctx, s.db, a); err != nil {
		return nil, err
	}
	s.cfg.Say("Antrag %s (Aktenzeichen %s) mit signierter Nachricht gespeichert, Status %s", a.ID, a.Aktenzeichen, a.Status)
	return a, nil
}

// createPayment asks the Bezahldienst for the fee. The application ID is
// the idempotency key (XBezahldienste requestId): a repeated create
// returns the same transaction; a new attempt after a cancelled payment
// gets a new key (paymentKey).
func (s *service) createPayment(ctx context.Context, ses *session, a *antrag) (*paytype.Transaction, error) {
	due := time.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	p := ses.identity.Person
	belegnummer := a.Aktenzeichen
	if a.Zahlungsversuch > 1 {
		belegnummer = fmt.Sprintf("%s-%d", a.Aktenzeichen, a.Zahlungsversuch)
	}
	req := &paytype.CreateRequest{
		IdempotencyKey: a.paymentKey(),
		Currency:       paytype.EUR,
		Total:          fee,
		Purpose:        "Bauantrag " + a.Aktenzeichen,
		Description:    "Gebühr für den Bauantrag, Aktenzeichen " + a.Aktenzeichen,
		RedirectURL:    s.cfg.BaseURL + "/antrag/" + a.ID + "/zahlung",
		Items: []paytype.Item{{
			ID: "gebuehr-1", Reference: "GebVerz-Bau-2-1-1", Description: "Baugenehmigung, Wohngebaeude", Quantity: 1,
			TaxRate: 0, SingleNet: fee, SingleTax: 0, TotalNet: fee, TotalTax: 0,
			Booking: paytype.Booking{
				Kassenzeichen:     a.Kassenzeichen,
				Haushaltsstelle:   "1.6300.431100",
				Objektnummer:      "63",
				Buchungstext:      "Baugenehmigung",
				Belegnummer:       belegnummer,
				Faelligkeitsdatum: paytype.DueDate(due),
			},
		}},
		Requestor: &paytype.Requestor{Name: p.FamilyName.Value, FirstName: p.GivenNames.Value},
	}
	tx, err := s.pay.Create(ctx, req)
	if err != nil {
		return nil, err
	}
	s.cfg.Say("payment/xbezahldienste: Zahlung angelegt (requestId %s, Transaktion %s): 1 Position %s, Kassenzeichen %s, Haushaltsstelle %s; weiter zur Bezahlseite des Bezahldienstes",
		tx.RequestID, tx.TransactionID, euro(tx.Request.Total), a.Kassenzeichen, req.Items[0].Booking.Haushaltsstelle)
	return tx, nil
}

// handlePay (re)starts the payment of a submitted application whose
// payment was cancelled, failed or could not be created.
func (s *service) handlePay(w http.ResponseWriter, r *http.Request) {
	ses, a, ok := s.ownApplication(w, r)
	if !ok {
		return
	}
	if !s.csrfOK(r, ses) {
		s.fail(w, http.StatusBadRequest, "Das Formular ist abgelaufen. Bitte laden Sie die Seite neu.")
		return
	}
	if a.Status != stSubmitted || a.Zahlung == string(paytype.StatusPaid) {
		http.Redirect(w, r, "/antrag/"+a.ID, http.StatusSeeOther)
		return
	}
	if a.Zahlung != "" {
		if _, err := newPaymentAttempt(r.Context(), s.db, a.ID); err != nil {
			s.log.Error("payment attempt", "err", err)
			s.fail(w, http.StatusInternalServerError, "Die Zahlung kann gerade nicht gestartet werden.")
			return
		}
		var err error
		if a, err = getAntrag(r.Context(), s.db, a.ID); err != nil {
			s.fail(w, http.StatusInternalServerError, "Die Zahlung kann gerade nicht gestartet werden.")
			return
		}
	}
	tx, err := s.createPayment(r.Context(), ses, a)
	if err != nil {
		s.log.Error("payment create", "err", err)
		s.fail(w, http.StatusBadGateway, "Der Bezahldienst ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut.")
		return
	}
	if tx.Status != "" && tx.Status != paytype.StatusInitial {
		// Already decided (e.g. paid in another tab): show the status.
		http.Redirect(w, r, "/antrag/"+a.ID+"/zahlung", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, tx.PayURL, http.StatusSeeOther)
}

// handlePaymentReturn is the redirect target after the pay page. The
// redirect carries no result and is not trusted: Sync pulls the status
// from the Bezahldienst and cross-checks amount, currency and reference
// against the stored request before applying it.
func (s *service) handlePaymentReturn(w http.ResponseWriter, r *http.Request) {
	_, a, ok := s.ownApplication(w, r)
	if !ok {
		return
	}
	s.cfg.Say("payment: Rückkehr von der Bezahlseite; der Redirect trägt kein Ergebnis – payment.Client.Sync fragt den Status per GET beim Bezahldienst ab")
	if _, err := s.pay.Sync(r.Context(), a.paymentKey()); err != nil {
		s.log.Error("payment sync", "err", err)
		s.fail(w, http.StatusBadGateway, "Der Zahlungsstatus konnte nicht abgefragt werden. Wir prüfen ihn automatisch erneut.")
		return
	}
	http.Redirect(w, r, "/antrag/"+a.ID, http.StatusSeeOther)
}
