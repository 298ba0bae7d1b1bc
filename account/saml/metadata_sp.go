package saml

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/account/internal/samlwire"
	"github.com/egosaar/ozg/internal/xmlsafe"
)

// SPMetadata describes a service provider for its metadata document (SAML
// 2.0 metadata §2.4.4).
type SPMetadata struct {
	EntityID              string
	ACSURL                string // AssertionConsumerService, HTTP-POST binding
	SigningCertificate    *x509.Certificate
	EncryptionCertificate *x509.Certificate
	// EncryptionMethods are advertised in the encryption KeyDescriptor
	// (BundID uses AES-GCM content and RSA-OAEP key transport).
	EncryptionMethods []string
	NameIDFormats     []string
	Organization      *Organization // optional
	TechnicalContact  *Contact      // optional
}

// Organization is md:Organization (one language, "de").
type Organization struct {
	Name, DisplayName, URL string
}

// Contact is a technical md:ContactPerson.
type Contact struct {
	Company, GivenName, SurName, Email string
}

// Marshal returns the metadata document. Following BundID §7.2 it has
// no validUntil and no ID attribute (so it is not signed; BundID takes
// metadata through its self-service portal), and WantAssertionsSigned and
// AuthnRequestsSigned are true.
func (m *SPMetadata) Marshal() ([]byte, error) {
	if m.SigningCertificate == nil || m.EncryptionCertificate == nil || m.EntityID == "" || m.ACSURL == "" {
		return nil, fmt.Errorf("%w: metadata needs entityID, ACS URL, signing and encryption certificate", ErrInvalidConfig)
	}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	ed := doc.CreateElement("md:EntityDescriptor")
	ed.CreateAttr("xmlns:md", samlwire.NSMetadata)
	ed.CreateAttr("xmlns:ds", samlwire.NSDSig)
	ed.CreateAttr("entityID", m.EntityID)
	sp := ed.CreateElement("md:SPSSODescriptor")
	sp.CreateAttr("AuthnRequestsSigned", "true")
	sp.CreateAttr("WantAssertionsSigned", "true")
	sp.CreateAttr("protocolSupportEnumeration", samlwire.NSProtocol)
	for _, kd := range []struct {
		use  string
		cert *x509.Certificate
	}{{"signing", m.SigningCertificate}, {"encryption", m.EncryptionCertificate}} {
		k := sp.CreateElement("md:KeyDescriptor")
		k.CreateAttr("use", kd.use)
		k.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").
			SetText(base64.StdEncoding.EncodeToString(kd.cert.Raw))
		if kd.use == "encryption" {
			for _, em := range m.EncryptionMethods {
				k.CreateElement("md:EncryptionMethod").CreateAttr("Algorithm", em)
			}
		}
	}
	nf := m.NameIDFormats
	if len(nf) == 0 {
		nf = []string{NameIDFormatTransient, NameIDFormatPersistent}
	}
	for _, f := range nf {
		sp.CreateElement("md:NameIDFormat").SetText(f)
	}
	acs := sp.CreateElement("md:AssertionConsumerService")
	acs.CreateAttr("Binding", BindingHTTPPost)
	acs.CreateAttr("Location", m.ACSURL)
	acs.CreateAttr("index", "0")
	acs.CreateAttr("isDefault", "true")
	if o := m.Organization; o != nil {
		oe := ed.CreateElement("md:Organization")
		for _, kv := range [][2]string{{"OrganizationName", o.Name}, {"OrganizationDisplayName", o.DisplayName}, {"OrganizationURL", o.URL}} {
			e := oe.CreateElement("md:" + kv[0])
			e.CreateAttr("xml:lang", "de")
			e.SetText(kv[1])
		}
	}
	if c := m.TechnicalContact; c != nil {
		ce := ed.CreateElement("md:ContactPerson")
		ce.CreateAttr("contactType", "technical")
		for _, kv := range [][2]string{{"Company", c.Company}, {"GivenName", c.GivenName}, {"SurName", c.SurName}, {"EmailAddress", "mailto:" + c.Email}} {
			if kv[1] != "" && kv[1] != "mailto:" {
				ce.CreateElement("md:" + kv[0]).SetText(kv[1])
			}
		}
	}
	doc.Indent(2)
	return doc.WriteToBytes()
}

// ValidateSPMetadata checks service provider metadata against the rules
// of BundID (Schnittstellenbeschreibung 10.2.0.0 §7.2) and the SAML
// metadata schema parts this package relies on: no validUntil and no ID
// anywhere; entityID an https URL without port, user info, query or
// fragment; one SPSSODescriptor for SAML 2.0 with AuthnRequestsSigned and
// WantAssertionsSigned true; a signing and an encryption certificate (RSA
// ≥ 2048 bits); an https HTTP-POST AssertionConsumerService. All problems
// are reported together in a *MetadataError.
func ValidateSPMetadata(data []byte) error {
	doc, err := parseXML(data, xmlsafe.Limits{MaxBytes: MaxMetadataBytes, MaxDepth: 32, MaxElements: 20000})
	if err != nil {
		return err
	}
	var p []string
	ed := doc.Root()
	if !is(ed, samlwire.NSMetadata, "EntityDescriptor") {
		return &MetadataError{Problems: []string{"root is not an EntityDescriptor"}}
	}
	var walk func(el *etree.Element)
	walk = func(el *etree.Element) {
		if _, ok := plainAttr(el, "validUntil"); ok {
			p = append(p, "validUntil is not allowed ("+el.Tag+")")
		}
		if _, ok := plainAttr(el, "ID"); ok {
			p = append(p, "ID attribute is not allowed ("+el.Tag+")")
		}
		for _, c := range el.ChildElements() {
			walk(c)
		}
	}
	walk(ed)
	eid, _ := plainAttr(ed, "entityID")
	if prob := entityIDProblem(eid); prob != "" {
		p = append(p, prob)
	}
	sps := children(ed, samlwire.NSMetadata, "SPSSODescriptor")
	if len(sps) != 1 {
		p = append(p, "exactly one SPSSODescriptor required")
		return &MetadataError{Problems: p}
	}
	sp := sps[0]
	if pse, _ := plainAttr(sp, "protocolSupportEnumeration"); !strings.Contains(pse, samlwire.NSProtocol) {
		p = append(p, "SPSSODescriptor must support SAML 2.0")
	}
	if v, _ := plainAttr(sp, "AuthnRequestsSigned"); v != "true" && v != "1" {
		p = append(p, `AuthnRequestsSigned must be "true" (the akdb extension is only honoured in signed requests)`)
	}
	if v, _ := plainAttr(sp, "WantAssertionsSigned"); v != "true" && v != "1" {
		p = append(p, `WantAssertionsSigned must be "true"`)
	}
	sign, enc, err := keyDescriptors(sp)
	if err != nil {
		p = append(p, err.Error())
	}
	if len(sign) == 0 {
		p = append(p, "signing certificate missing")
	}
	if len(enc) == 0 {
		p = append(p, "encryption certificate missing")
	}
	for _, c := range append(sign, enc...) {
		if k, ok := c.PublicKey.(*rsa.PublicKey); ok && k.N.BitLen() < 2048 {
			p = append(p, "RSA key below 2048 bits")
		}
	}
	var acsOK bool
	for _, a := range children(sp, samlwire.NSMetadata, "AssertionConsumerService") {
		b, _ := plainAttr(a, "Binding")
		loc, _ := plainAttr(a, "Location")
		if b != BindingHTTPPost {
			continue
		}
		if u, err := url.Parse(loc); err != nil || u.Scheme != "https" || u.Host == "" {
			p = append(p, "AssertionConsumerService Location must be an https URL")
			continue
		}
		acsOK = true
	}
	if !acsOK {
		p = append(p, "no HTTP-POST AssertionConsumerService")
	}
	if len(p) > 0 {
		return &MetadataError{Problems: p}
	}
	return nil
}
