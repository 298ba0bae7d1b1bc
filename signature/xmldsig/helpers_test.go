package xmldsig_test

import (
	"crypto/x509"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// testNow is the clock of all trust decisions in the tests: fixed for the
// whole run (signaturetest's CAs start one hour before creation).
var testNow = time.Now().Add(time.Minute)

func fixedNow() time.Time { return testNow }

// issue returns a key pair of type kt issued by a fresh CA and the CA.
func issue(t testing.TB, kt signaturetest.KeyType) (*signature.KeyPair, *signaturetest.CA) {
	t.Helper()
	ca, err := signaturetest.NewCA("Test Root "+t.Name(), signaturetest.P256)
	require.NoError(t, err)
	kp, err := ca.Issue(signaturetest.Options{CommonName: "Test Behörde", Key: kt})
	require.NoError(t, err)
	return kp, ca
}

func trustAnchors(t testing.TB, anchors ...*x509.Certificate) *signature.TrustStore {
	t.Helper()
	ts, err := signature.NewTrustStore(signature.TrustConfig{Anchors: anchors, Now: fixedNow})
	require.NoError(t, err)
	return ts
}

func trustPinned(t testing.TB, pinned ...*x509.Certificate) *signature.TrustStore {
	t.Helper()
	ts, err := signature.NewTrustStore(signature.TrustConfig{Pinned: pinned, Now: fixedNow})
	require.NoError(t, err)
	return ts
}

func newSigner(t testing.TB, cfg xmldsig.SignerConfig) *xmldsig.Signer {
	t.Helper()
	s, err := xmldsig.NewSigner(cfg)
	require.NoError(t, err)
	return s
}

func newVerifier(t testing.TB, cfg xmldsig.VerifierConfig) *xmldsig.Verifier {
	t.Helper()
	v, err := xmldsig.NewVerifier(cfg)
	require.NoError(t, err)
	return v
}

// xoevDoc is a small XÖV-like message with namespaces, attributes, text
// needing escapes, a comment and a processing instruction.
const xoevDoc = `<?xml version="1.0" encoding="UTF-8"?>
<!-- prolog comment -->
<xw:vorgang.transportieren.2010 xmlns:xw="urn:xoev-de:xwasser" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:unused="urn:unused" produkt="ozg" standard="XWasser" version="1.0.0">
  <nachrichtenkopf.g2g>
    <identifikation.nachricht>
      <nachrichtenUUID>2c1a4e0e-8f5e-4a53-9b77-0d1a7e3b6a11</nachrichtenUUID>
      <nachrichtentyp listURI="urn:xoev-de:xwasser:codeliste:nachrichtentyp" listVersionID="1.0"><code>2010</code></nachrichtentyp>
      <erstellungszeitpunkt>2026-05-31T10:00:00.000+02:00</erstellungszeitpunkt>
    </identifikation.nachricht>
    <autor><kennung>psw:01003110</kennung><name>Gemeinde Musterstadt &amp; Co &lt;Wasser&gt;</name></autor>
  </nachrichtenkopf.g2g>
  <!-- a comment in the body -->
  <?ozg-pi some data?>
  <xw:vorgang xsi:type="xw:VorgangType" b="2" a="1" xml:lang="de">Größe: 5 m³	Tab</xw:vorgang>
  <leer/>
</xw:vorgang.transportieren.2010>
`

// bigDoc returns a structured document of about n records (11 elements
// each).
func bigDoc(n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<xoev:nachricht xmlns:xoev="urn:xoev-de:test" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:din="urn:din">` + "\n")
	for i := range n {
		fmt.Fprintf(&b, `  <xoev:person id="p%d" xsi:type="xoev:PersonType"><xoev:name><xoev:vorname>Jürgen</xoev:vorname><xoev:familienname>Müller-%d</xoev:familienname></xoev:name><xoev:geburt><xoev:datum>1980-01-%02d</xoev:datum><xoev:ort listURI="urn:de:ort" listVersionID="1">Köln</xoev:ort></xoev:geburt><xoev:anschrift><xoev:strasse>Hauptstraße %d</xoev:strasse><xoev:plz>50667</xoev:plz></xoev:anschrift></xoev:person>`+"\n", i, i, i%28+1, i)
	}
	b.WriteString("</xoev:nachricht>\n")
	return []byte(b.String())
}

// attachmentDoc returns a document with one base64 text node of about
// size bytes.
func attachmentDoc(size int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<xoev:nachricht xmlns:xoev="urn:xoev-de:test"><xoev:anlage dateiname="scan.pdf" mimeType="application/pdf">`)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	chunk := make([]byte, 4096)
	for i := range chunk {
		chunk[i] = alphabet[(i*7+i/64)%64]
	}
	for b.Len() < size {
		b.Write(chunk)
	}
	b.WriteString("</xoev:anlage></xoev:nachricht>\n")
	return []byte(b.String())
}
