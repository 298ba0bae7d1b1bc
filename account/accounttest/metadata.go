package accounttest

import (
	"encoding/base64"
	"fmt"
	"time"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/account/internal/samlwire"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/signature"
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
	if s.cfg.MetadataValidity > 0 {
		ed.CreateAttr("validUntil", samlwire.FormatTime(s.cfg.Now().Add(s.cfg.MetadataValidity)))
	}
	if d := s.cfg.MetadataCacheDuration; d > 0 {
		ed.CreateAttr("cacheDuration", fmt.Sprintf("PT%dS", int64(d/time.Second)))
	}
	idp := ed.CreateElement("md:IDPSSODescriptor")
	idp.CreateAttr("WantAuthnRequestsSigned", "true")
	idp.CreateAttr("protocolSupportEnumeration", samlwire.NSProtocol)
	s.mu.Lock()
	keys := append([]*signature.KeyPair{s.key}, s.oldKeys...)
	s.mu.Unlock()
	for _, k := range keys {
		kd := idp.CreateElement("md:KeyDescriptor")
		kd.CreateAttr("use", "signing")
		kd.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").
			SetText(base64.StdEncoding.EncodeToString(k.Certificate.Raw))
	}
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
// schema orders it) made with the metadata key (MetadataCertificate), for
// SPs that configure saml.Config.IdPMetadataSigners. GET /idp/metadata
// serves it.
func (s *Server) SignedMetadata() ([]byte, error) {
	signer, err := xmldsig.NewSigner(xmldsig.SignerConfig{Key: s.metaKey, SignatureMethod: s.cfg.SignatureMethod,
		Placement: xmldsig.Placement{Position: xmldsig.FirstChild}})
	if err != nil {
		return nil, err
	}
	return signer.Sign(s.Metadata())
}
