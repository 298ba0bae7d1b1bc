// Command sign-xoev builds an XÖV message, validates it offline against
// its XSD, signs it with an enveloped XML signature and verifies it the
// way the receiving authority would:
//
//  1. xoev: a Builder creates baugenehmigung.antrag.0200 (XBau 2.6) with
//     nachrichtenkopf.g2g: a new UUID, erstellungszeitpunkt with
//     milliseconds and zone, leser and autor with DVDV identifiers.
//  2. xoev/xsd: the message is validated against the bundled XBau 2.6
//     schemas (no network).
//  3. signature: a PKCS#12 test certificate is generated
//     (signaturetest.EncodePKCS12) and loaded back with
//     signature.LoadPKCS12, as a service loads its real certificate.
//  4. signature/xmldsig: the message is signed (RSA-SHA256, exc-C14N,
//     enveloped, ds:Signature as the last child of the root).
//  5. The receiver verifies the signature against the pinned certificate
//     and validates only what the signature covers (the verifier's
//     result) against the XSD and the xoev header rules. XBau 2.6
//     declares no ds:Signature in its messages, so the signature is an
//     envelope around schema-valid content, not part of the schema.
//  6. A changed byte makes verification fail.
//
// Run it with: go run ./examples/sign-xoev [-out signed.xml]
package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
	"github.com/egosaar/ozg/xoev"
	"github.com/egosaar/ozg/xoev/xsd"
	"github.com/egosaar/ozg/xoev/xsd/schemas"
)

func main() {
	out := flag.String("out", "", "write the signed message to this file")
	flag.Parse()
	signed, err := run(context.Background(), os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sign-xoev:", err)
		os.Exit(1)
	}
	if *out != "" {
		if err := os.WriteFile(*out, signed, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "sign-xoev:", err)
			os.Exit(1)
		}
		fmt.Printf("signed message written to %s\n", *out)
	}
}

// authority returns a DVDV-registered authority with one e-mail
// erreichbarkeit (kanal 01 of urn:de:xoev:codeliste:erreichbarkeit 4).
func authority(kennung, name, mail string) xoev.Behoerde {
	return xoev.Behoerde{
		Verzeichnisdienst: xoev.Code{Code: xoev.VerzeichnisdienstDVDV, ListVersionID: "1"},
		Kennung:           kennung,
		Name:              name,
		Erreichbarkeit:    []xoev.Kommunikation{{Kanal: xoev.Code{Code: "01", ListVersionID: "4"}, Kennung: mail}},
	}
}

// body returns a minimal schema-complete body of baugenehmigung.antrag.0200
// (xbau-nachrichten-baugenehmigung.xsd). XBau elements carry the prefix
// xbau, elements of Kernmodul types are unqualified.
func body() ([]*etree.Element, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromString(`<r xmlns:xbau="http://www.xleitstelle.de/xbau/2/6">
<xbau:referenzAntragsservice><referenzAntragsservice>8a1f2c3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d</referenzAntragsservice></xbau:referenzAntragsservice>
<xbau:antragsteller><natuerlichePerson><id>0c9b8a7d-6e5f-4d3c-8b2a-1f0e9d8c7b6a</id>
  <name><familienname><name>Mustermann</name></familienname><vorname><name>Erika</name></vorname></name>
  <anschrift><strasse>Heidestraße</strasse><hausnummer>17</hausnummer><postleitzahl>51147</postleitzahl><ort>Köln</ort></anschrift>
</natuerlichePerson></xbau:antragsteller>
<xbau:bauvorhaben>
  <xbau:bezeichnungDesBauvorhabens>Neubau eines Einfamilienhauses</xbau:bezeichnungDesBauvorhabens>
  <xbau:beteiligte>
    <xbau:bauherr><xbau:bauherr><natuerlichePerson><id>0c9b8a7d-6e5f-4d3c-8b2a-1f0e9d8c7b6a</id>
      <name><familienname><name>Mustermann</name></familienname><vorname><name>Erika</name></vorname></name><anschrift/></natuerlichePerson></xbau:bauherr></xbau:bauherr>
    <xbau:gebuehrenpflichtiger><natuerlichePerson><id>0c9b8a7d-6e5f-4d3c-8b2a-1f0e9d8c7b6a</id>
      <name><familienname><name>Mustermann</name></familienname><vorname><name>Erika</name></vorname></name><anschrift/></natuerlichePerson></xbau:gebuehrenpflichtiger>
  </xbau:beteiligte>
  <xbau:gegenstand>
    <xbau:anzahlDerGebaeude><xbau:anzahlDerGebaeudeImBauvorhaben>1</xbau:anzahlDerGebaeudeImBauvorhaben></xbau:anzahlDerGebaeude>
    <xbau:artDerMassnahme listURI="urn:xoev-de:xbau:codeliste:baumassnahmeart" listVersionID="2.0"><code>10</code></xbau:artDerMassnahme>
  </xbau:gegenstand>
  <xbau:verortung><xbau:baugrundstueck><xbau:grundstueck><xbau:flurstueck>
    <bundesland listVersionID="2010-04-01"><code>10</code></bundesland>
    <kodierungFlurstueck><gemarkung><bezeichnung>Musterstadt</bezeichnung></gemarkung><flur>3</flur><zaehler>123</zaehler><nenner>4</nenner></kodierungFlurstueck>
  </xbau:flurstueck></xbau:grundstueck></xbau:baugrundstueck></xbau:verortung>
</xbau:bauvorhaben>
<xbau:anlagen><anlage><bezeichnung>Lageplan</bezeichnung><versionsnummer>1</versionsnummer><datum>2026-11-25</datum>
  <anlageart listURI="urn:xoev-de:xbau:codeliste:anlagen" listVersionID="1.3"><code>1001</code></anlageart>
  <mimeType listURI="urn:xoev-de:xbau:codeliste:xbau-mimetypes" listVersionID="1.0"><code>application/pdf</code></mimeType>
  <anhangOderVerlinkung><verlinkung><uriVerlinkung>https://bauportal.musterstadt.example/antrag/4711/lageplan.pdf</uriVerlinkung></verlinkung></anhangOderVerlinkung>
</anlage></xbau:anlagen>
</r>`); err != nil {
		return nil, err
	}
	return doc.Root().ChildElements(), nil
}

// run performs the six steps, writes what was checked to w and returns
// the signed message.
func run(ctx context.Context, w io.Writer) ([]byte, error) {
	step := func(n int, format string, args ...any) {
		fmt.Fprintf(w, "%d. "+format+"\n", append([]any{n}, args...)...)
	}

	// 1. Build the message with a fresh header.
	profiles, err := xoev.StandardProfiles()
	if err != nil {
		return nil, err
	}
	profile, ok := profiles.ByName("xbau-2.6")
	if !ok {
		return nil, errors.New("no xbau-2.6 profile")
	}
	builder, err := xoev.NewBuilder(xoev.BuilderConfig{Profile: profile, Produkt: "sign-xoev", Produkthersteller: "egosaar", Produktversion: "1.0"})
	if err != nil {
		return nil, err
	}
	content, err := body()
	if err != nil {
		return nil, err
	}
	msg, err := builder.Build(ctx, xoev.Draft{
		Root:  "baugenehmigung.antrag.0200",
		Leser: authority("psw:01003110", "Untere Bauaufsichtsbehörde Musterstadt", "bauaufsicht@musterstadt.example"),
		Autor: authority("psw:11113110", "Online-Dienst Bauantrag Musterstadt", "onlinedienst@musterstadt.example"),
		Body:  content,
	})
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	id := msg.Kopf.IdentifikationNachricht
	step(1, "xoev: built %s, nachrichtenUUID %s, erstellungszeitpunkt %s, leser %s, autor %s",
		msg.Root.Local, id.NachrichtenUUID, xoev.FormatErstellungszeitpunkt(id.Erstellungszeitpunkt),
		msg.Kopf.Leser.Kennung, msg.Kopf.Autor.Kennung)
	msg.Document().Indent(2)
	plain, err := msg.Bytes()
	if err != nil {
		return nil, err
	}

	// 2. Validate against the bundled XBau 2.6 schemas.
	b := schemas.XBau26()
	schema, err := xsd.Compile(b.FS, b.Entry, xsd.Config{Catalog: b.Catalog})
	if err != nil {
		return nil, err
	}
	if err := schema.ValidateBytes(ctx, plain); err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	step(2, "xoev/xsd: valid against the bundled XBau 2.6 schema (%s)", b.Entry)

	// 3. A PKCS#12 test certificate, loaded as a real one would be.
	kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "Online-Dienst Bauantrag Musterstadt (Test)"})
	if err != nil {
		return nil, err
	}
	const password = "only-for-this-demo"
	p12, err := signaturetest.EncodePKCS12(kp, password)
	if err != nil {
		return nil, err
	}
	key, err := signature.LoadPKCS12(p12, password)
	if err != nil {
		return nil, err
	}
	step(3, "signature: PKCS#12 (%d bytes) loaded: %s", len(p12), key)

	// 4. Sign: enveloped signature over the whole document, last child.
	signer, err := xmldsig.NewSigner(xmldsig.SignerConfig{Key: key, Placement: xmldsig.Placement{Position: xmldsig.LastChild}})
	if err != nil {
		return nil, err
	}
	signed, err := signer.Sign(plain)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	step(4, "signature/xmldsig: signed, ds:Signature is the last child of the root (%d bytes)", len(signed))

	// 5. Verify as the receiver: pinned certificate, then validate only
	// the verified content.
	trust, err := signature.NewTrustStore(signature.TrustConfig{Pinned: []*x509.Certificate{key.Certificate}})
	if err != nil {
		return nil, err
	}
	verifier, err := xmldsig.NewVerifier(xmldsig.VerifierConfig{Trust: trust})
	if err != nil {
		return nil, err
	}
	res, err := verifier.Verify(ctx, signed)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	doc := etree.NewDocument()
	doc.SetRoot(res.Element)
	verified, err := doc.WriteToBytes()
	if err != nil {
		return nil, err
	}
	if err := schema.ValidateBytes(ctx, verified); err != nil {
		return nil, fmt.Errorf("validate verified content: %w", err)
	}
	parser, err := xoev.New(xoev.Config{RequireProfile: true})
	if err != nil {
		return nil, err
	}
	received, err := parser.Parse(ctx, verified)
	if err != nil {
		return nil, fmt.Errorf("xoev header of verified content: %w", err)
	}
	step(5, "signature/xmldsig: verified (%s, signer %q); the signed content is XSD-valid and its header (message %s) passes the xoev rules",
		res.SignatureMethod, res.Certificate.Subject.CommonName, received.Kopf.IdentifikationNachricht.NachrichtenUUID)

	// 6. Tampering is detected.
	bad := bytes.Replace(signed, []byte("Einfamilienhauses"), []byte("Mehrfamilienhauses"), 1)
	if _, err := verifier.Verify(ctx, bad); !errors.Is(err, xmldsig.ErrInvalidSignature) {
		return nil, fmt.Errorf("tampered message: want ErrInvalidSignature, got %v", err)
	}
	step(6, "a changed word makes verification fail with ErrInvalidSignature")
	return signed, nil
}
