package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"path/filepath"

	"github.com/egosaar/ozg/examples/behoerde/amt"
	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
	"github.com/egosaar/ozg/signature"
)

// delivery sends the signed XBau message and the application PDF to the
// building authority through FIT-Connect (the Zustelldienst simulated
// in-process by fitconnecttest) and waits for the authority's accept: the
// authority (package examples/behoerde/amt) fetches, decrypts, checks and
// accepts; the online service reads the accept from the verified event
// log. Only then is the application RECEIVED. handover.go decides when:
// after the fee is paid, from the outbox table bauantrag_zustellung.
type delivery struct {
	life   *lifetime
	sim    *fitconnecttest.Sim
	sender *fitconnect.Client
	amt    *amt.Amt
	store  *fitconnect.Store
	say    func(string, ...any)
}

func newDelivery(ctx context.Context, cfg config, onlineServiceCert *x509.Certificate) (d *delivery, err error) {
	d = &delivery{life: &lifetime{}, say: cfg.Say}
	defer func() {
		if err != nil {
			d.close()
		}
	}()
	sim := fitconnecttest.Start(d.life)
	if err := d.life.err(); err != nil {
		return nil, err
	}
	d.sim = sim
	// The online service is only a sender: no decryption or signing keys.
	senderCfg := sim.Config()
	senderCfg.DecryptionKeys, senderCfg.SigningKey, senderCfg.SigningKeyID = nil, nil, ""
	if d.sender, err = fitconnect.New(senderCfg); err != nil {
		return nil, err
	}
	subscriber, err := fitconnect.New(sim.Config())
	if err != nil {
		return nil, err
	}
	if d.store, err = fitconnect.OpenSQLite(ctx, filepath.Join(cfg.Dir, "behoerde.db")); err != nil {
		return nil, err
	}
	trust, err := signature.NewTrustStore(signature.TrustConfig{Pinned: []*x509.Certificate{onlineServiceCert}})
	if err != nil {
		return nil, err
	}
	d.amt, err = amt.New(amt.Config{Client: subscriber, Store: d.store, DestinationID: fitconnecttest.DestinationID, Trust: trust, Say: cfg.Say})
	return d, err
}

// send submits a's signed message with the application PDF and the
// building description. A nil error means the submission is complete at
// the Zustelldienst; confirm then waits for the authority's accept.
func (d *delivery) send(ctx context.Context, a *antrag) (*fitconnect.SentSubmission, error) {
	pdf := textPDF([]string{"Antrag auf Baugenehmigung", "", "Aktenzeichen: " + a.Aktenzeichen,
		"Antragsteller/in: " + a.Antragsteller, "Baugrundstueck: " + a.Grundstueck, "Vorhaben: " + a.Vorhaben})
	gross := float64(fee) / 100
	sent, err := d.sender.Send(ctx, fitconnect.Submission{
		DestinationID: fitconnecttest.DestinationID, ServiceName: fitconnecttest.ServiceName,
		ServiceIdentifier: fitconnecttest.ServiceIdentifier, DataSchemaURI: fitconnecttest.DataSchemaURI,
		DataMimeType: "application/xml", Data: a.Nachricht,
		Attachments: []fitconnect.Attachment{
			{Content: pdf, MimeType: "application/pdf", Purpose: "form", Filename: "antrag-" + a.Aktenzeichen + ".pdf"},
			{Content: a.Baubeschreibung, MimeType: "text/plain", Filename: "baubeschreibung.txt"},
		},
		AdditionalReferenceInfo: &fitconnect.AdditionalReferenceInfo{SenderReference: a.Aktenzeichen},
		// The fee is paid when the application is delivered (XBezahldienste
		// PAYED is BOOKED in the metadata).
		Payment: &fitconnect.PaymentInformation{
			TransactionID: a.paymentKey(), TransactionReference: a.Kassenzeichen,
			PaymentMethod: "OTHER", Status: "BOOKED", GrossAmount: &gross,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("fitconnect send: %w", err)
	}
	d.say("fitconnect: Einreichung %s (Vorgang %s) an den Zustellpunkt der Bauaufsicht übermittelt – Schlüssel geprüft (RSA 4096, x5c-Kette), Metadaten %s schema-geprüft, Metadaten, Fachdaten und 2 Anlagen als JWE (RSA-OAEP-256, A256GCM)",
		sent.SubmissionID, sent.CaseID, sent.MetadataVersion)
	return sent, nil
}

// confirm lets the authority process what is waiting and checks the
// accept of sent in the verified event log.
func (d *delivery) confirm(ctx context.Context, sent *fitconnect.SentSubmission) error {
	if _, err := d.amt.Poll(ctx); err != nil {
		return fmt.Errorf("authority: %w", err)
	}
	st, err := d.sender.Status(ctx, sent)
	if err != nil {
		return fmt.Errorf("fitconnect status: %w", err)
	}
	if st.State != "accepted" {
		return fmt.Errorf("fitconnect: submission is %s, not accepted", st.State)
	}
	d.say("fitconnect: Empfangsbestätigung der Bauaufsicht im Ereignisprotokoll (%d SETs, jede PS512-Signatur geprüft; authenticationTags = gesendete JWEs)", len(st.Events))
	return nil
}

func (d *delivery) close() {
	if d.store != nil {
		_ = d.store.Close()
	}
	d.life.close()
}
