package saml

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/internal/samlwire"
)

// AuthnMethod names an authentication method of the akdb extension
// (BundID §9.2, element names under akdb:AuthnMethods).
type AuthnMethod string

// Methods of akdb:AuthnMethods (extension version 2).
const (
	MethodAuthega      AuthnMethod = "Authega"
	MethodBenutzername AuthnMethod = "Benutzername" // user name and password (Basisregistrierung)
	MethodEID          AuthnMethod = "eID"          // ID card, eAT, Unionsbürgerkarte, Smart-eID
	MethodEIDAS        AuthnMethod = "eIDAS"
	MethodDiia         AuthnMethod = "Diia"
	MethodElster       AuthnMethod = "Elster"
	MethodFINK         AuthnMethod = "FINK"
)

// AllMethods lists the methods of extension version 2 in schema order.
func AllMethods() []AuthnMethod {
	return []AuthnMethod{MethodAuthega, MethodBenutzername, MethodEID, MethodEIDAS, MethodDiia, MethodElster, MethodFINK}
}

// RequestedAttribute asks for one attribute by Name URN (BundID §9.3).
// From extension version 2 on only requested attributes are returned; a
// Required attribute the account cannot supply ends the login with
// RequestDenied and IDP_REQUIRED_ATTRIBUTES_MISSING.
type RequestedAttribute struct {
	Name     string
	Required bool
}

// DisplayInformation is akdb:DisplayInformation/classic-ui:Version (BundID
// §9.4).
type DisplayInformation struct {
	// OrganizationDisplayName is shown to the user before data release;
	// required. More than 50 characters may be cut by the IdP.
	OrganizationDisplayName string
	// Lang is the UI language: "de" (default when empty), "en", "ru", "uk".
	Lang string
	// BackURL is an https URL for the IdP's back link. The IdP does not
	// validate it; it must be an address of this service.
	BackURL string
	// OnlineServiceID is the BMI-ID of the online service (KoopV);
	// mandatory since 30.06.2025.
	OnlineServiceID string
}

// Extension is the akdb:AuthenticationRequest extension, version 2, with
// EnableStatusDetail="true" (BundID §9). It is sent only in signed
// requests: the IdP ignores it otherwise (§9, saml-request-not-signed).
type Extension struct {
	// AuthnMethods restricts the offered methods; nil offers all. Methods
	// not listed are sent with Enabled=false.
	AuthnMethods []AuthnMethod
	// RequestedAttributes must name at least one attribute.
	RequestedAttributes []RequestedAttribute
	Display             DisplayInformation
}

var validLangs = map[string]bool{"": true, "de": true, "en": true, "ru": true, "uk": true}

// Validate checks the extension against the rules the IdP enforces
// (BundID §9.6 error codes) before it is sent.
func (e *Extension) Validate() error {
	var p []string
	known := map[AuthnMethod]bool{}
	for _, m := range AllMethods() {
		known[m] = true
	}
	if e.AuthnMethods != nil && len(e.AuthnMethods) == 0 {
		p = append(p, "empty-authentication-methods: at least one method must be enabled")
	}
	seenM := map[AuthnMethod]bool{}
	for _, m := range e.AuthnMethods {
		if !known[m] {
			p = append(p, fmt.Sprintf("unknown authentication method %q", m))
		}
		if seenM[m] {
			p = append(p, fmt.Sprintf("authentication method %q twice", m))
		}
		seenM[m] = true
	}
	if len(e.RequestedAttributes) == 0 {
		p = append(p, "requested-attributes-empty: at least one attribute must be requested")
	}
	seen := map[string]bool{}
	for _, a := range e.RequestedAttributes {
		switch {
		case a.Name == "":
			p = append(p, "requested-attributes-missing-name: attribute without Name")
		case !strings.HasPrefix(a.Name, "urn:oid:"):
			p = append(p, fmt.Sprintf("attribute Name %q is not a urn:oid: URN", a.Name))
		case seen[a.Name]:
			p = append(p, fmt.Sprintf("attribute %s requested twice", a.Name))
		case a.Name == account.AttrBPK && a.Required:
			p = append(p, "bPK is deprecated and cannot be required; request bPK2")
		}
		seen[a.Name] = true
	}
	d := e.Display
	if strings.TrimSpace(d.OrganizationDisplayName) == "" {
		p = append(p, "organization-display-name-missing: OrganizationDisplayName is required")
	}
	if !validLangs[d.Lang] {
		p = append(p, fmt.Sprintf("Lang %q is not one of de, en, ru, uk", d.Lang))
	}
	if d.BackURL != "" {
		u, err := url.Parse(d.BackURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
			p = append(p, "BackURL must be an absolute https URL")
		}
	}
	if strings.TrimSpace(d.OnlineServiceID) == "" {
		p = append(p, "OnlineServiceID is required (mandatory since 30.06.2025)")
	}
	if len(p) > 0 {
		return &ExtensionError{Problems: p}
	}
	return nil
}

// element builds akdb:AuthenticationRequest.
func (e *Extension) element() *etree.Element {
	ar := etree.NewElement("akdb:AuthenticationRequest")
	ar.CreateAttr("xmlns:akdb", samlwire.NSAkdb)
	ar.CreateAttr("Version", "2")
	ar.CreateAttr("EnableStatusDetail", "true")
	if e.AuthnMethods != nil {
		am := ar.CreateElement("akdb:AuthnMethods")
		on := map[AuthnMethod]bool{}
		for _, m := range e.AuthnMethods {
			on[m] = true
		}
		for _, m := range AllMethods() {
			me := am.CreateElement("akdb:" + string(m))
			me.CreateElement("akdb:Enabled").SetText(fmt.Sprint(on[m]))
		}
	}
	ra := ar.CreateElement("akdb:RequestedAttributes")
	for _, a := range e.RequestedAttributes {
		el := ra.CreateElement("akdb:RequestedAttribute")
		el.CreateAttr("Name", a.Name)
		if a.Required {
			el.CreateAttr("RequiredAttribute", "true")
		}
	}
	di := ar.CreateElement("akdb:DisplayInformation")
	v := di.CreateElement("classic-ui:Version")
	v.CreateAttr("xmlns:classic-ui", samlwire.NSAkdbClassicUI)
	v.CreateElement("classic-ui:OrganizationDisplayName").SetText(e.Display.OrganizationDisplayName)
	if e.Display.Lang != "" {
		v.CreateElement("classic-ui:Lang").SetText(e.Display.Lang)
	}
	if e.Display.BackURL != "" {
		v.CreateElement("classic-ui:BackURL").SetText(e.Display.BackURL)
	}
	if e.Display.OnlineServiceID != "" {
		v.CreateElement("classic-ui:OnlineServiceId").SetText(e.Display.OnlineServiceID)
	}
	return ar
}
