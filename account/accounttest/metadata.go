package accounttest

import (
	"encoding/base64"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/account/internal/samlwire"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// Metadata returns the IdP metadata (SAML 2.0 metadata §2.4.3) with the
// signing certificate and both SSO bindings.
func (s *Server) Metadata() []byte {
	doc := etree.NewDocument()
	ed := doc.CreateElement("md:EntityDescriptor")
	ed.CreateAttr("xmlns:md", samlwire.NSMetadata)
	ed.CreateAttr("xmlns:ds", samlwire.NSDSig)
	ed.CreateAttr("entityID", s.EntityID)
	idp := ed.CreateElement("md:IDPSSODescriptor")
	idp.CreateAttr("WantAuthnRequestsSigned", "true")
	idp.CreateAttr("protocolSupportEnumeration", samlwire.NSProtocol)
	kd := idp.CreateElement("md:KeyDescriptor")
	kd.CreateAttr("use", "signing")
	kd.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").
		SetText(base64.StdEncoding.EncodeToString(s.key.Certificate.Raw))
	for _, b := range []string{saml.BindingHTTPPost, saml.BindingHTTPRedirect} {
		sso := idp.CreateElement("md:SingleSignOnService")
		sso.CreateAttr("Binding", b)
		sso.CreateAttr("Location", s.SSOURL)
	}
	doc.Indent(2)
	out, _ := doc.WriteToBytes()
	return out
}

// SignedMetadata returns the metadata with an enveloped signature
// (Reference URI="", first child of EntityDescriptor as the metadata
// schema orders it) made with the IdP key, for SPs that configure
// saml.Config.IdPMetadataSigners.
func (s *Server) SignedMetadata() ([]byte, error) {
	signer, err := xmldsig.NewSigner(xmldsig.SignerConfig{Key: s.key, SignatureMethod: s.cfg.SignatureMethod,
		Placement: xmldsig.Placement{Position: xmldsig.FirstChild}})
	if err != nil {
		return nil, err
	}
	return signer.Sign(s.Metadata())
}
