package amt

import (
	"context"
	"errors"
	"fmt"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/xmldsig"
	"github.com/egosaar/ozg/xoev"
	"github.com/egosaar/ozg/xoev/xsd"
	"github.com/egosaar/ozg/xoev/xsd/schemas"
)

// Config configures the authority.
type Config struct {
	// Client is the subscriber's FIT-Connect client (decryption and
	// signing keys configured).
	Client *fitconnect.Client
	// Store records what was received.
	Store *fitconnect.Store
	// DestinationID is the authority's destination.
	DestinationID string
	// Trust holds the online services' signing certificates.
	Trust *signature.TrustStore
	// Say reports each verified fact; nil is silent.
	Say func(format string, args ...any)
}

// Amt receives applications.
type Amt struct {
	cfg      Config
	verifier *xmldsig.Verifier
	schema   *xsd.Schema
	parser   *xoev.Parser
}

// Eingang is one processed submission.
type Eingang struct {
	SubmissionID    string
	NachrichtenUUID string
	Outcome         fitconnect.Outcome
}

// ErrInvalidConfig is wrapped by New for an incomplete Config.
var ErrInvalidConfig = errors.New("amt: invalid configuration")

// New checks cfg and compiles the XBau 2.6 schema (from its precompiled
// form).
func New(cfg Config) (*Amt, error) {
	if cfg.Client == nil || cfg.Store == nil || cfg.Trust == nil || cfg.DestinationID == "" {
		return nil, fmt.Errorf("%w: Client, Store, Trust and DestinationID are required", ErrInvalidConfig)
	}
	if cfg.Say == nil {
		cfg.Say = func(string, ...any) {}
	}
	v, err := xmldsig.NewVerifier(xmldsig.VerifierConfig{Trust: cfg.Trust})
	if err != nil {
		return nil, err
	}
	schema, err := schemas.XBau26().Compile(xsd.Config{})
	if err != nil {
		return nil, err
	}
	profiles, err := xoev.StandardProfiles()
	if err != nil {
		return nil, err
	}
	parser, err := xoev.New(xoev.Config{Profiles: profiles, RequireProfile: true})
	if err != nil {
		return nil, err
	}
	return &Amt{cfg: cfg, verifier: v, schema: schema, parser: parser}, nil
}

// Poll processes every submission waiting at the destination.
func (a *Amt) Poll(ctx context.Context) ([]Eingang, error) {
	page, err := a.cfg.Client.ListSubmissions(ctx, a.cfg.DestinationID, 0, 100)
	if err != nil {
		return nil, err
	}
	var out []Eingang
	for _, ref := range page.Submissions {
		e := Eingang{SubmissionID: ref.SubmissionID}
		e.Outcome, err = a.cfg.Client.Process(ctx, a.cfg.Store, ref, func(ctx context.Context, s *fitconnect.ReceivedSubmission) error {
			id, err := a.check(ctx, s)
			e.NachrichtenUUID = id
			return err
		})
		if err != nil {
			return out, err
		}
		a.cfg.Say("Bauaufsicht: Einreichung %s → %s (fitconnect.Store: genau einmal verarbeitet)", ref.SubmissionID, e.Outcome)
		out = append(out, e)
	}
	return out, nil
}

// check verifies the content; a failure becomes the reject problem.
func (a *Amt) check(ctx context.Context, s *fitconnect.ReceivedSubmission) (string, error) {
	a.cfg.Say("Bauaufsicht: Einreichung %s entschlüsselt; Metadaten schema-geprüft, SHA-512 von Fachdaten und %d Anlage(n) nachgerechnet", s.SubmissionID, len(s.Attachments))
	if s.DataMimeType != "application/xml" {
		return "", fitconnect.NewProblem(fitconnect.ProblemSyntaxViolation, "data", "Fachdaten sind kein XML", nil)
	}
	res, err := a.verifier.Verify(ctx, s.Data)
	if err != nil {
		return "", fitconnect.NewProblem(fitconnect.ProblemInvalidSignature, "data", "XML-Signatur ungültig", err)
	}
	doc := etree.NewDocument()
	doc.SetRoot(res.Element)
	content, err := doc.WriteToBytes()
	if err != nil {
		return "", err
	}
	if err := a.schema.ValidateBytes(ctx, content); err != nil {
		return "", fitconnect.NewProblem(fitconnect.ProblemSchemaViolation, "data", "XBau-Nachricht verletzt das Schema", err)
	}
	msg, err := a.parser.Parse(ctx, content)
	if err != nil {
		return "", fitconnect.NewProblem(fitconnect.ProblemSchemaViolation, "data", "Nachrichtenkopf verletzt die XÖV-Regeln", err)
	}
	pdf := false
	for _, att := range s.Attachments {
		pdf = pdf || att.MimeType == "application/pdf"
	}
	if !pdf {
		return "", fitconnect.NewProblem(fitconnect.ProblemMissingAttachment, "metadata", "Antrags-PDF fehlt", nil)
	}
	id := msg.Kopf.IdentifikationNachricht.NachrichtenUUID
	a.cfg.Say("Bauaufsicht: XML-Signatur gültig (Zertifikat %q), signierter Inhalt gültig gegen XBau 2.6 und die XÖV-Kopfregeln (Nachricht %s)",
		res.Certificate.Subject.CommonName, id)
	return id, nil
}
