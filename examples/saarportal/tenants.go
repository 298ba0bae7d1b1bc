package main

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"

	"github.com/egosaar/ozg/payment/paytype"
)

// Tenant is one municipality the portal serves: its identity, its
// treasury (payment Mandant), its sender identity for notices and the
// online services it offers. Tenants are data (tenants.json, embedded);
// the key that signs a tenant's XÖV messages is not: it is loaded (here
// generated) at start and kept beside the tenant, never in the file.
type Tenant struct {
	// Name is the municipality's official name.
	Name string `json:"name"`
	// ARS is the 12-digit Amtlicher Regionalschlüssel (Destatis
	// Gemeindeverzeichnis): Land (2), Regierungsbezirk (1), Kreis (2),
	// Gemeindeverband (4), Gemeinde (3). It is the tenant key.
	ARS string `json:"ars"`
	// Slug is a short lower-case name for channel names, payment request
	// IDs and file names ([a-z]{2,16}).
	Slug      string    `json:"slug"`
	Mandant   Mandant   `json:"mandant"`
	Sender    Sender    `json:"sender"`
	Authority Authority `json:"authority"`
	Services  []Service `json:"services"`
}

// AGS is the 8-digit Amtlicher Gemeindeschlüssel within the ARS: Land,
// Regierungsbezirk, Kreis and Gemeinde (the ARS without the
// Gemeindeverband).
func (t *Tenant) AGS() string { return t.ARS[:5] + t.ARS[9:] }

// Service returns the tenant's service with the LeiKa key.
func (t *Tenant) Service(leika string) (*Service, bool) {
	for i := range t.Services {
		if t.Services[i].Leika == leika {
			return &t.Services[i], true
		}
	}
	return nil, false
}

// Mandant is the tenant's account at the Bezahldienst (XBezahldienste
// originatorId/endpointId) and its treasury's booking profile.
type Mandant struct {
	OriginatorID string `json:"originatorId"`
	EndpointID   string `json:"endpointId"`
	// BookingKeys are the bookingData keys the treasury requires on every
	// item (its booking profile), e.g. kassenzeichen, haushaltsstelle.
	BookingKeys []string `json:"bookingKeys"`
	// KassenzeichenPrefix starts every Kassenzeichen the portal assigns
	// for this tenant (4 digits; the treasury's number range).
	KassenzeichenPrefix string `json:"kassenzeichenPrefix"`
}

// Sender is the identity the tenant's notices go out under.
type Sender struct {
	EmailFrom     string `json:"emailFrom"`
	EmailFromName string `json:"emailFromName"`
	// PostfachSender is the senderName shown in the citizen's BundID
	// Postfach and Statusmonitor (1–100 characters).
	PostfachSender string `json:"postfachSender"`
}

// Authority is the tenant's authority as the reader (leser) of the XÖV
// messages: its DVDV identifier "praefix:kennung", name and address.
type Authority struct {
	Kennung string `json:"kennung"`
	Name    string `json:"name"`
	Email   string `json:"email"`
}

// Service is one fee-bearing online service of a tenant.
type Service struct {
	// Leika is the 14-digit LeiKa service key (Leistungsschlüssel); the
	// Routing API finds the destination by it and the tenant's ARS.
	Leika string `json:"leika"`
	Name  string `json:"name"`
	// Message is the root element of the XBau 2.6 message the service
	// sends, e.g. baugenehmigung.antrag.0200.
	Message         string         `json:"message"`
	Fee             paytype.Amount `json:"feeCents"`
	Haushaltsstelle string         `json:"haushaltsstelle"`
	Objektnummer    string         `json:"objektnummer,omitempty"`
	Buchungstext    string         `json:"buchungstext"`
	// Destination is the FIT-Connect destination (Zustellpunkt) agreed
	// with the authority, used when the Routing API lists none; when it
	// lists one, the two must agree. Empty: the Routing API only.
	Destination string `json:"destination,omitempty"`
}

// ErrInvalidTenant is wrapped by every *TenantError.
var ErrInvalidTenant = errors.New("saarportal: invalid tenant configuration")

// TenantError names the tenant (by ARS or position) and the field that is
// wrong. It carries no personal data: tenant configuration is public.
type TenantError struct {
	Tenant string // ARS, or "#n" when the ARS itself is unusable
	Field  string
	Reason string
}

func (e *TenantError) Error() string {
	return fmt.Sprintf("saarportal: tenant %s: %s: %s", e.Tenant, e.Field, e.Reason)
}

func (e *TenantError) Unwrap() error { return ErrInvalidTenant }

//go:embed tenants.json
var defaultTenants []byte

var (
	reARS     = regexp.MustCompile(`^(0[1-9]|1[0-6])[0-9]{10}$`)
	reLeika   = regexp.MustCompile(`^99[0-9]{12}$`)
	reSlug    = regexp.MustCompile(`^[a-z]{2,16}$`)
	reID      = regexp.MustCompile(`^[A-Za-z0-9_-]{1,36}$`)
	reKZ      = regexp.MustCompile(`^[0-9]{4}$`)
	reKennung = regexp.MustCompile(`^[a-z]{3}:[0-9A-Za-z]{1,30}$`)
	reUUID    = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	reRoot    = regexp.MustCompile(`^[a-z]+\.antrag\.[0-9]{4}$`)
)

// knownBookingKeys are the typed bookingData keys of package payment a
// booking profile may require.
var knownBookingKeys = []string{paytype.BookingKeyKassenzeichen, paytype.BookingKeyHaushaltsstelle, paytype.BookingKeyObjektnummer}

// LoadTenants decodes and validates a tenant table (JSON array). Unknown
// fields, duplicate ARS or slugs and every malformed field are refused
// with a *TenantError; nothing of a bad table is used.
func LoadTenants(data []byte) ([]Tenant, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var ts []Tenant
	if err := dec.Decode(&ts); err != nil {
		return nil, &TenantError{Tenant: "*", Field: "json", Reason: err.Error()}
	}
	if len(ts) == 0 {
		return nil, &TenantError{Tenant: "*", Field: "tenants", Reason: "none configured"}
	}
	seen := map[[2]string]bool{}
	for i := range ts {
		t := &ts[i]
		if err := t.Validate(); err != nil {
			var te *TenantError
			if errors.As(err, &te) && te.Tenant == "" {
				te.Tenant = fmt.Sprintf("#%d", i+1)
			}
			return nil, err
		}
		for _, k := range [][2]string{{"ars", t.ARS}, {"slug", t.Slug}, {"mandant.endpointId", t.Mandant.EndpointID}, {"mandant.kassenzeichenPrefix", t.Mandant.KassenzeichenPrefix}} {
			if seen[k] {
				return nil, &TenantError{Tenant: t.ARS, Field: k[0], Reason: "used by two tenants"}
			}
			seen[k] = true
		}
	}
	return ts, nil
}

// Validate checks one tenant.
func (t *Tenant) Validate() error {
	bad := func(field, reason string) error {
		id := t.ARS
		if !reARS.MatchString(t.ARS) {
			id = ""
		}
		return &TenantError{Tenant: id, Field: field, Reason: reason}
	}
	switch {
	case !reARS.MatchString(t.ARS):
		return bad("ars", "not a 12-digit Amtlicher Regionalschlüssel with a Land code 01–16")
	case t.Name == "" || len(t.Name) > 100:
		return bad("name", "1–100 characters required")
	case !reSlug.MatchString(t.Slug):
		return bad("slug", "2–16 lower-case letters required")
	case !reID.MatchString(t.Mandant.OriginatorID):
		return bad("mandant.originatorId", "1–36 of [A-Za-z0-9_-] required")
	case !reID.MatchString(t.Mandant.EndpointID):
		return bad("mandant.endpointId", "1–36 of [A-Za-z0-9_-] required")
	case !reKZ.MatchString(t.Mandant.KassenzeichenPrefix):
		return bad("mandant.kassenzeichenPrefix", "4 digits required")
	case !slices.Contains(t.Mandant.BookingKeys, paytype.BookingKeyKassenzeichen):
		return bad("mandant.bookingKeys", "must require kassenzeichen (the portal always assigns one)")
	case !validMail(t.Sender.EmailFrom):
		return bad("sender.emailFrom", "not a plain e-mail address")
	case t.Sender.EmailFromName == "" || len(t.Sender.EmailFromName) > 100:
		return bad("sender.emailFromName", "1–100 characters required")
	case t.Sender.PostfachSender == "" || len([]rune(t.Sender.PostfachSender)) > 100:
		return bad("sender.postfachSender", "1–100 characters required")
	case !reKennung.MatchString(t.Authority.Kennung):
		return bad("authority.kennung", `DVDV "praefix:kennung" required`)
	case t.Authority.Name == "":
		return bad("authority.name", "required")
	case !validMail(t.Authority.Email):
		return bad("authority.email", "not a plain e-mail address")
	case len(t.Services) < 1:
		return bad("services", "at least one required")
	}
	for _, k := range t.Mandant.BookingKeys {
		if !slices.Contains(knownBookingKeys, k) {
			return bad("mandant.bookingKeys", fmt.Sprintf("unknown key %q", k))
		}
	}
	seen := map[string]bool{}
	for i, s := range t.Services {
		f := fmt.Sprintf("services[%d]", i)
		switch {
		case !reLeika.MatchString(s.Leika):
			return bad(f+".leika", "not a 14-digit LeiKa key (99…)")
		case seen[s.Leika]:
			return bad(f+".leika", "offered twice")
		case s.Name == "":
			return bad(f+".name", "required")
		case !reRoot.MatchString(s.Message):
			return bad(f+".message", "not an XBau application message root")
		case s.Fee < 1 || s.Fee > 999999_00:
			return bad(f+".feeCents", "0.01 … 999999.00 EUR required")
		case s.Buchungstext == "" || len(s.Buchungstext) > 27:
			return bad(f+".buchungstext", "1–27 characters required")
		case slices.Contains(t.Mandant.BookingKeys, paytype.BookingKeyHaushaltsstelle) && s.Haushaltsstelle == "":
			return bad(f+".haushaltsstelle", "required by the Mandant's booking profile")
		case slices.Contains(t.Mandant.BookingKeys, paytype.BookingKeyObjektnummer) && s.Objektnummer == "":
			return bad(f+".objektnummer", "required by the Mandant's booking profile")
		case s.Destination != "" && !reUUID.MatchString(s.Destination):
			return bad(f+".destination", "not a lower-case UUID")
		}
		seen[s.Leika] = true
	}
	return nil
}

func validMail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}
