package xoev

import (
	"fmt"
	"time"
)

// HeaderForm says how the header is written in the instance.
type HeaderForm int

const (
	// FormUnknown is the zero value; a Builder then uses its profile's form.
	FormUnknown HeaderForm = iota
	// FormUnqualified: nachrichtenkopf.g2g and its descendants carry no
	// namespace (bn-uq-g2g types; XBau 2.6, XWasser 1.0.0).
	FormUnqualified
	// FormQualified: nachrichtenkopf.g2g in NamespaceG2G, authority fields
	// in NamespaceBehoerde, erreichbarkeit in NamespaceKommunikation
	// (bn-g2g types; XBeteiligung).
	FormQualified
	// FormXInneres4: the older header nachrichtenkopf of XInneres 4
	// (read only).
	FormXInneres4
	// FormXdomea3: the Kopf of xdomea 3.0.0 (NkBasisType and its
	// extensions, namespace NamespaceXdomea300; read only). It maps onto
	// the same model: ProzessID → IdentifikationNachricht.NachrichtenUUID,
	// Nachrichtentyp, Erstellungszeitpunkt, Empfaenger → Leser, Absender →
	// Autor (Behoerdenkennung, Institution or Organisationseinheit name),
	// SendendesSystem Produktname/Version → Produkt/Produktversion;
	// Standard and Version come from the namespace ("xdomea", "3.0.0").
	FormXdomea3
)

var formNames = [...]string{"unknown", "unqualified", "qualified", "xinneres4", "xdomea3"}

// String returns "unqualified", "qualified", "xinneres4", "xdomea3" or
// "unknown".
func (f HeaderForm) String() string {
	if f < 0 || int(f) >= len(formNames) {
		return fmt.Sprintf("HeaderForm(%d)", int(f))
	}
	return formNames[f]
}

// MarshalText implements encoding.TextMarshaler (used by profile files).
func (f HeaderForm) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (f *HeaderForm) UnmarshalText(b []byte) error {
	for i, n := range formNames {
		if n == string(b) && i != 0 {
			*f = HeaderForm(i)
			return nil
		}
	}
	return fmt.Errorf("xoev: unknown header form %q", string(b))
}

// Code is a value of the XÖV type Code (xoev-code.xsd,
// http://xoev.de/schemata/code/1_0): a key from the code list identified
// by ListURI and ListVersionID.
type Code struct {
	Code          string // element code (xs:token, whitespace collapsed)
	Name          string // optional element name; "" = absent
	ListURI       string // attribute listURI; "" = absent
	ListVersionID string // attribute listVersionID; "" = absent

	// presence of empty attributes as read, so they round-trip
	listURISet, listVersionIDSet bool
}

// Kommunikation is one erreichbarkeit entry (KommunikationType): a channel
// (kanal, code list urn:de:xoev:codeliste:erreichbarkeit) and the address
// on it (kennung), e.g. kanal 01 (E-Mail) and an address.
type Kommunikation struct {
	Kanal   Code
	Kennung string
	Zusatz  string // optional; "" = absent
}

// Behoerde identifies an authority (BehoerdeType): the directory service
// it is registered in (verzeichnisdienst, e.g. DVDV), its identifier there
// (kennung, for DVDV "praefix:kennung") and its name.
type Behoerde struct {
	Verzeichnisdienst Code
	Kennung           string
	Name              string
	Erreichbarkeit    []Kommunikation

	// Behoerdenkennung is set only for the XInneres-4 header, which
	// carries praefix and kennung as two codes; Kennung then holds
	// "praefix:kennung" and Verzeichnisdienst is empty.
	Behoerdenkennung *Behoerdenkennung
}

// Behoerdenkennung is the XInneres-4 authority identifier
// (http://www.osci.de/xinneres/behoerde/4).
type Behoerdenkennung struct {
	Praefix Code // list urn:xoev-de:bund:bmi:bit:codeliste:dvdv.praefix
	Kennung Code
}

// IdentifikationNachricht identifies one message
// (Identifikation.NachrichtType).
type IdentifikationNachricht struct {
	// NachrichtenUUID is a new RFC 4122 UUID for every message
	// (upper-case hex digits are allowed by the schema).
	NachrichtenUUID string
	// Nachrichtentyp is the message type code from the standard's list,
	// e.g. 0200 in urn:xoev-de:xbau:codeliste:xbau-nachrichten 4.0.
	Nachrichtentyp Code
	// Erstellungszeitpunkt is the creation time (not send time). The spec
	// requires millisecond precision and a time zone.
	Erstellungszeitpunkt time.Time

	lexical string // erstellungszeitpunkt as read, for round trips
}

// Extension is an additional header element a standard appends after
// autor, e.g. XWasser's referenzUUID and dvdvDienstkennung.
type Extension struct {
	Name  string // local element name
	Value string
}

// Nachrichtenkopf is the XÖV message header nachrichtenkopf.g2g
// (Nachrichtenkopf.G2GType) together with the attributes of the message
// root (Nachricht.G2GType).
type Nachrichtenkopf struct {
	Form HeaderForm

	// Attributes of the message root element.
	Produkt           string  // @produkt, required
	Produkthersteller string  // @produkthersteller, required
	Produktversion    string  // @produktversion, optional; "" = absent
	Standard          string  // @standard, required, e.g. "XBau-Hochbau"
	Version           string  // @version, required, e.g. "2.6"
	Test              *string // @test, optional; non-nil marks a test message

	IdentifikationNachricht IdentifikationNachricht
	Leser                   Behoerde // authority that processes the message
	Autor                   Behoerde // authority that created the message
	Extensions              []Extension

	produktversionSet bool
}

// IsTest reports whether the test attribute is present.
func (k *Nachrichtenkopf) IsTest() bool { return k.Test != nil }

// Extension returns the value of the named header extension.
func (k *Nachrichtenkopf) Extension(name string) (string, bool) {
	for _, e := range k.Extensions {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

// Warning is a finding that does not make a message invalid, e.g. an
// erstellungszeitpunkt without time zone (the XSD accepts it, the spec
// prose does not).
type Warning struct {
	Path    string // XPath-like location
	Message string
}

// String returns "path: message".
func (w Warning) String() string { return w.Path + ": " + w.Message }
