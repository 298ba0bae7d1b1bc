package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
	"github.com/egosaar/ozg/xoev"
	"github.com/egosaar/ozg/xoev/xsd"
	"github.com/egosaar/ozg/xoev/xsd/schemas"
)

// The two authorities of the message header, registered in the DVDV
// (Deutsches Verwaltungsdiensteverzeichnis). The identifiers are
// illustrative "praefix:kennung" values in the form of
// xoev-basisnachricht-unqualified-g2g_1.1.xsd (BehoerdeType/kennung).
var (
	// leser processes the application: the building supervisory authority.
	leser = behoerde("psw:01003110", "Untere Bauaufsichtsbehörde Musterstadt", "bauaufsicht@musterstadt.example")
	// autor created the message: this online service.
	autor = behoerde("psw:11113110", "Online-Dienst Bauantrag Musterstadt", "onlinedienst@musterstadt.example")
)

func behoerde(kennung, name, mail string) xoev.Behoerde {
	return xoev.Behoerde{
		Verzeichnisdienst: xoev.Code{Code: xoev.VerzeichnisdienstDVDV, ListVersionID: "1"},
		Kennung:           kennung,
		Name:              name,
		// kanal 01 = E-Mail (urn:de:xoev:codeliste:erreichbarkeit, version 4)
		Erreichbarkeit: []xoev.Kommunikation{{Kanal: xoev.Code{Code: "01", ListVersionID: "4"}, Kennung: mail}},
	}
}

// antragsdaten is what goes into the XBau message: the verified identity
// of the applicant and the form input.
type antragsdaten struct {
	Referenz     string // UUID of the application at this online service
	PersonID     string // UUID of the applicant within the message
	Vorname      string
	Familienname string
	// Applicant's address from the identity (postalAddress holds street
	// and house number in one value).
	StrasseHausnummer, PLZ, Wohnort string
	Email                           string
	Form                            antragForm
	Eingang                         time.Time
	Baubeschreibung                 []byte // the attachment the message lists
}

// xbauBody returns the body of baugenehmigung.antrag.0200 (XBau 2.6,
// xbau-nachrichten-baugenehmigung.xsd): referenzAntragsservice,
// antragsteller, bauvorhaben and anlagen. Elements of the XBau namespace
// carry the profile prefix "xbau"; those of the Kernmodul types are
// unqualified (elementFormDefault="unqualified" in the Kernmodul schemas).
func xbauBody(d antragsdaten) []*etree.Element {
	ref := etree.NewElement("xbau:referenzAntragsservice")
	ref.CreateElement("referenzAntragsservice").SetText(d.Referenz)

	antragsteller := etree.NewElement("xbau:antragsteller")
	antragsteller.AddChild(person(d))

	vorhaben := etree.NewElement("xbau:bauvorhaben")
	vorhaben.CreateElement("xbau:bezeichnungDesBauvorhabens").SetText(d.Form.Vorhaben)
	beteiligte := vorhaben.CreateElement("xbau:beteiligte")
	beteiligte.CreateElement("xbau:bauherr").CreateElement("xbau:bauherr").AddChild(person(d))
	beteiligte.CreateElement("xbau:gebuehrenpflichtiger").AddChild(person(d))
	gegenstand := vorhaben.CreateElement("xbau:gegenstand")
	gegenstand.CreateElement("xbau:anzahlDerGebaeude").CreateElement("xbau:anzahlDerGebaeudeImBauvorhaben").SetText("1")
	code(gegenstand.CreateElement("xbau:artDerMassnahme"), "urn:xoev-de:xbau:codeliste:baumassnahmeart", "2.0", "10")
	grundstueck := vorhaben.CreateElement("xbau:verortung").CreateElement("xbau:baugrundstueck").CreateElement("xbau:grundstueck")
	anschrift := grundstueck.CreateElement("xbau:anschrift")
	anschrift.CreateElement("strasse").SetText(d.Form.Strasse)
	anschrift.CreateElement("hausnummer").SetText(d.Form.Hausnummer)
	anschrift.CreateElement("postleitzahl").SetText(d.Form.PLZ)
	anschrift.CreateElement("ort").SetText(d.Form.Ort)
	flurstueck := grundstueck.CreateElement("xbau:flurstueck")
	// Bundesland 10 = Saarland (Destatis Gemeindeverzeichnis).
	code(flurstueck.CreateElement("bundesland"), "", "2010-04-01", "10")
	kodierung := flurstueck.CreateElement("kodierungFlurstueck")
	kodierung.CreateElement("gemarkung").CreateElement("bezeichnung").SetText(d.Form.Gemarkung)
	if d.Form.Flur != "" {
		kodierung.CreateElement("flur").SetText(d.Form.Flur)
	}
	zaehler, nenner, _ := strings.Cut(d.Form.Flurstueck, "/")
	kodierung.CreateElement("zaehler").SetText(zaehler)
	if nenner != "" {
		kodierung.CreateElement("nenner").SetText(nenner)
	}

	anlagen := etree.NewElement("xbau:anlagen")
	anlage := anlagen.CreateElement("anlage")
	anlage.CreateElement("bezeichnung").SetText("Baubeschreibung")
	anlage.CreateElement("versionsnummer").SetText("1")
	anlage.CreateElement("datum").SetText(d.Eingang.Format(time.DateOnly))
	code(anlage.CreateElement("anlageart"), "urn:xoev-de:xbau:codeliste:anlagen", "1.3", "1003")
	code(anlage.CreateElement("mimeType"), "urn:xoev-de:xbau:codeliste:xbau-mimetypes", "1.0", "text/plain")
	sum := sha256.Sum256(d.Baubeschreibung)
	anhang := anlage.CreateElement("anhangOderVerlinkung").CreateElement("anhang")
	anhang.CreateAttr("filesize", fmt.Sprint(len(d.Baubeschreibung)))
	anhang.CreateAttr("hashValue", hex.EncodeToString(sum[:]))
	anhang.CreateElement("dokumentid").SetText("urn:uuid:" + d.Referenz)
	anhang.CreateElement("dateiname").SetText("baubeschreibung.txt")

	return []*etree.Element{ref, antragsteller, vorhaben, anlagen}
}

// person is the applicant as xbauk:Akteur/natuerlichePerson.
func person(d antragsdaten) *etree.Element {
	p := etree.NewElement("natuerlichePerson")
	p.CreateElement("id").SetText(d.PersonID)
	name := p.CreateElement("name")
	name.CreateElement("familienname").CreateElement("name").SetText(d.Familienname)
	name.CreateElement("vorname").CreateElement("name").SetText(d.Vorname)
	a := p.CreateElement("anschrift")
	if d.StrasseHausnummer != "" {
		a.CreateElement("strasseHausnummer").SetText(d.StrasseHausnummer)
	}
	if d.PLZ != "" {
		a.CreateElement("postleitzahl").SetText(d.PLZ)
	}
	if d.Wohnort != "" {
		a.CreateElement("ort").SetText(d.Wohnort)
	}
	if d.Email != "" {
		k := p.CreateElement("kommunikation")
		code(k.CreateElement("kanal"), "urn:de:xoev:codeliste:erreichbarkeit", "4", "01")
		k.CreateElement("kennung").SetText(d.Email)
	}
	return p
}

func code(el *etree.Element, listURI, listVersionID, value string) {
	if listURI != "" {
		el.CreateAttr("listURI", listURI)
	}
	el.CreateAttr("listVersionID", listVersionID)
	el.CreateElement("code").SetText(value)
}

// messaging holds everything needed to produce and check a signed XBau
// message: the xoev builder and parser, the compiled XBau 2.6 schema and
// the XML-DSig signer and verifier.
type messaging struct {
	builder  *xoev.Builder
	parser   *xoev.Parser
	schema   *xsd.Schema
	signer   *xmldsig.Signer
	verifier *xmldsig.Verifier
	cert     *x509.Certificate
	p12Path  string
	// key is the online service's key pair (from the PKCS#12 file); it
	// also signs the audit records of the notifications.
	key *signature.KeyPair
}

// p12Password protects the generated demo PKCS#12 file. A real service
// reads its password from a secret store, never from source code.
const p12Password = "demo-nur-fuer-tests"

// newMessaging generates the service's signing certificate as a PKCS#12
// file in dir, loads it back as a production service would load its
// certificate, and prepares builder, schema, signer and verifier.
func newMessaging(dir string, now func() time.Time) (*messaging, error) {
	// The signing key lives in Dir as a PKCS#12 file, created on the first
	// start: after a restart the service signs with the same certificate
	// the authority trusts, and messages signed before still verify.
	p12Path := filepath.Join(dir, "onlinedienst.p12")
	data, err := os.ReadFile(p12Path)
	if errors.Is(err, fs.ErrNotExist) {
		kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "Online-Dienst Bauantrag Musterstadt (Test)"})
		if err != nil {
			return nil, err
		}
		if data, err = signaturetest.EncodePKCS12(kp, p12Password); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p12Path, data, 0o600); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	key, err := signature.LoadPKCS12(data, p12Password)
	if err != nil {
		return nil, err
	}
	profiles, err := xoev.StandardProfiles()
	if err != nil {
		return nil, err
	}
	profile, ok := profiles.ByName("xbau-2.6")
	if !ok {
		return nil, errors.New("xoev: no xbau-2.6 profile")
	}
	parser, err := xoev.New(xoev.Config{Profiles: profiles, RequireProfile: true})
	if err != nil {
		return nil, err
	}
	builder, err := xoev.NewBuilder(xoev.BuilderConfig{
		Profile: profile, Produkt: "ozg Bauantrag (Beispiel)", Produkthersteller: "egosaar", Produktversion: "1.0",
		Parser: parser, Now: now,
	})
	if err != nil {
		return nil, err
	}
	b := schemas.XBau26()
	schema, err := xsd.Compile(b.FS, b.Entry, xsd.Config{Catalog: b.Catalog})
	if err != nil {
		return nil, err
	}
	// ds:Signature as the last child of the message root, the position
	// XÖV standards with a signature slot use.
	signer, err := xmldsig.NewSigner(xmldsig.SignerConfig{Key: key, Placement: xmldsig.Placement{Position: xmldsig.LastChild}})
	if err != nil {
		return nil, err
	}
	// The receiving authority pins the online service's certificate.
	trust, err := signature.NewTrustStore(signature.TrustConfig{Pinned: []*x509.Certificate{key.Certificate}, Now: now})
	if err != nil {
		return nil, err
	}
	verifier, err := xmldsig.NewVerifier(xmldsig.VerifierConfig{Trust: trust})
	if err != nil {
		return nil, err
	}
	return &messaging{builder: builder, parser: parser, schema: schema, signer: signer, verifier: verifier, cert: key.Certificate, p12Path: p12Path, key: key}, nil
}

// nachricht is a built, validated and signed message.
type nachricht struct {
	UUID    string
	Created time.Time
	Plain   []byte // the validated message before signing
	Signed  []byte
}

// build creates baugenehmigung.antrag.0200, validates header (xoev) and
// whole message (XBau 2.6 XSD), signs it and verifies the signature
// back. say reports each verified fact.
func (m *messaging) build(ctx context.Context, d antragsdaten, say func(string, ...any)) (*nachricht, error) {
	msg, err := m.builder.Build(ctx, xoev.Draft{Root: "baugenehmigung.antrag.0200", Leser: leser, Autor: autor, Body: xbauBody(d)})
	if err != nil {
		return nil, fmt.Errorf("build XBau message: %w", err)
	}
	k := msg.Kopf
	say("xoev: Nachrichtenkopf mit nachrichtenUUID %s, Nachrichtentyp %s (%s %s), erstellungszeitpunkt %s",
		k.IdentifikationNachricht.NachrichtenUUID, k.IdentifikationNachricht.Nachrichtentyp.Code,
		k.IdentifikationNachricht.Nachrichtentyp.ListURI, k.IdentifikationNachricht.Nachrichtentyp.ListVersionID,
		xoev.FormatErstellungszeitpunkt(k.IdentifikationNachricht.Erstellungszeitpunkt))
	say("xoev: leser %s (%s), autor %s (%s), Verzeichnisdienst %s", k.Leser.Kennung, k.Leser.Name, k.Autor.Kennung, k.Autor.Name, k.Leser.Verzeichnisdienst.Code)
	msg.Document().Indent(2) // readable; the signature covers the indented form
	plain, err := msg.Bytes()
	if err != nil {
		return nil, err
	}
	if err := m.schema.ValidateBytes(ctx, plain); err != nil {
		return nil, fmt.Errorf("validate XBau message: %w", err)
	}
	say("xoev/xsd: gültig gegen das gebündelte XBau-2.6-Schema (%d Bytes)", len(plain))
	signed, err := m.signer.Sign(plain)
	if err != nil {
		return nil, fmt.Errorf("sign XBau message: %w", err)
	}
	say("signature/xmldsig: signiert (RSA-SHA256, exc-C14N, enveloped), ds:Signature als letztes Kind der Wurzel; Schlüssel aus %s", filepath.Base(m.p12Path))
	if err := m.check(ctx, signed, say); err != nil {
		return nil, err
	}
	return &nachricht{UUID: k.IdentifikationNachricht.NachrichtenUUID, Created: k.IdentifikationNachricht.Erstellungszeitpunkt, Plain: plain, Signed: signed}, nil
}

// check is what the receiving authority does: verify the signature
// against the pinned certificate, then validate only the content the
// signature covers (the verifier's result, signature removed) against
// the XSD and the xoev header rules. XBau 2.6 declares no ds:Signature
// in its messages, so the signed document itself is not schema-valid;
// the signed content is.
func (m *messaging) check(ctx context.Context, signed []byte, say func(string, ...any)) error {
	res, err := m.verifier.Verify(ctx, signed)
	if err != nil {
		return fmt.Errorf("verify signature: %w", err)
	}
	say("signature/xmldsig: Signatur geprüft, Zertifikat %q (gepinnt), Verfahren %s", res.Certificate.Subject.CommonName, res.SignatureMethod)
	doc := etree.NewDocument()
	doc.SetRoot(res.Element)
	content, err := doc.WriteToBytes()
	if err != nil {
		return err
	}
	if err := m.schema.ValidateBytes(ctx, content); err != nil {
		return fmt.Errorf("validate signed content: %w", err)
	}
	parsed, err := m.parser.Parse(ctx, content)
	if err != nil {
		return fmt.Errorf("check header of signed content: %w", err)
	}
	say("Empfängerseite: signierter Inhalt erneut gültig (XSD und xoev-Kopfregeln, Nachricht %s)", parsed.Kopf.IdentifikationNachricht.NachrichtenUUID)
	return nil
}

// tampered returns signed with one character of the body changed.
func tampered(signed []byte) []byte {
	return bytes.Replace(signed, []byte("<xbau:bezeichnungDesBauvorhabens>"), []byte("<xbau:bezeichnungDesBauvorhabens>X"), 1)
}
