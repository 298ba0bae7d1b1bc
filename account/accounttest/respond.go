package accounttest

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/internal/samlwire"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmlenc"
)

// nsEkona is the namespace the simulator uses for MUK structured values.
// The ELSTER NEZO interface specification ("Nutzung der ELSTER-Zertifikate
// im Rahmen des Onlinezugangsgesetzes", Bayerisches Landesamt für Steuern),
// which defines the real ekona namespace URI, is not published; service
// providers map by local name.
const nsEkona = "urn:accounttest:ekona"

// Respond builds the samlp:Response the IdP sends for req (already
// verified), applying the current user and faults. It is what the HTTP
// endpoint posts back; tests of a service provider may call it directly.
func (s *Server) Respond(req *saml.AuthnRequest) ([]byte, error) {
	s.mu.Lock()
	sp, user, f := s.sp, s.user, s.faults
	s.mu.Unlock()
	if sp == nil {
		return nil, errNoSP
	}
	now := s.cfg.Now().UTC().Add(f.TimeShift)
	validity := f.Validity
	if validity == 0 {
		validity = 5 * time.Minute
	}
	acs := req.ACSURL
	if acs == "" {
		acs = sp.ACSURL
	}
	issuer := s.EntityID
	if f.Issuer != "" {
		issuer = f.Issuer
	}
	irt := req.ID
	if f.InResponseTo != "" {
		irt = f.InResponseTo
	}
	dest := acs
	if f.Destination != "" {
		dest = f.Destination
	}

	resp := etree.NewElement("saml2p:Response")
	resp.CreateAttr("xmlns:saml2p", samlwire.NSProtocol)
	resp.CreateAttr("xmlns:saml2", samlwire.NSAssertion)
	resp.CreateAttr("Destination", dest)
	resp.CreateAttr("ID", samlwire.NewID())
	resp.CreateAttr("InResponseTo", irt)
	resp.CreateAttr("IssueInstant", samlwire.FormatTime(now))
	resp.CreateAttr("Version", "2.0")
	resp.CreateElement("saml2:Issuer").SetText(issuer)

	status, attrs := s.decide(req, user, f)
	if status != nil {
		resp.AddChild(status)
		return s.finish(resp, f, s.cfg.Mode == MUK || f.SignResponse)
	}
	resp.CreateElement("saml2p:Status").CreateElement("saml2p:StatusCode").CreateAttr("Value", saml.StatusSuccess)

	a := s.assertion(now, validity, issuer, irt, acs, sp.EntityID, user, attrs, f)
	if f.EncryptNameID {
		if err := s.encryptNameID(a, sp.EncryptionCertificate); err != nil {
			return nil, err
		}
	}
	if f.BeforeSign != nil {
		f.BeforeSign(a)
	}
	if s.cfg.Mode == BundID && !f.UnsignedAssertion {
		if err := s.sign(a, f); err != nil {
			return nil, err
		}
	}
	if f.AfterSign != nil {
		f.AfterSign(a)
	}
	if f.PlainAssertion {
		resp.AddChild(a)
	} else {
		kt, ct := s.cfg.KeyTransport, s.cfg.ContentAlgorithm
		if f.KeyTransport != "" {
			kt = f.KeyTransport
		}
		if f.ContentAlgorithm != "" {
			ct = f.ContentAlgorithm
		}
		to := sp.EncryptionCertificate
		if f.EncryptTo != nil {
			to = f.EncryptTo
		}
		enc, err := xmlenc.NewEncrypter(xmlenc.EncrypterConfig{Recipient: to, KeyTransport: kt, Content: ct, MGF: f.MGF,
			InsecureAllowCBC: ct == xmlenc.AES128CBC || ct == xmlenc.AES256CBC || ct == xmlenc.AES192CBC})
		if err != nil {
			return nil, err
		}
		ed, err := enc.EncryptElement(a)
		if err != nil {
			return nil, err
		}
		resp.CreateElement("saml2:EncryptedAssertion").AddChild(ed)
	}
	sign := (s.cfg.Mode == MUK && !f.UnsignedResponse) || f.SignResponse
	return s.finish(resp, f, sign)
}

// encryptNameID replaces the Subject's NameID by an EncryptedID (SAML core
// §2.2.4, §2.4.1) for the SP's encryption certificate.
func (s *Server) encryptNameID(a *etree.Element, to *x509.Certificate) error {
	subj := a.FindElement("./saml2:Subject")
	nid := subj.FindElement("./saml2:NameID")
	enc, err := xmlenc.NewEncrypter(xmlenc.EncrypterConfig{Recipient: to, KeyTransport: s.cfg.KeyTransport, Content: s.cfg.ContentAlgorithm,
		InsecureAllowCBC: s.cfg.ContentAlgorithm == xmlenc.AES128CBC || s.cfg.ContentAlgorithm == xmlenc.AES256CBC})
	if err != nil {
		return err
	}
	plain := nid.Copy()
	plain.CreateAttr("xmlns:saml2", samlwire.NSAssertion)
	ed, err := enc.EncryptElement(plain)
	if err != nil {
		return err
	}
	eid := etree.NewElement("saml2:EncryptedID")
	eid.AddChild(ed)
	subj.InsertChildAt(nid.Index(), eid)
	subj.RemoveChild(nid)
	return nil
}

func (s *Server) finish(resp *etree.Element, f Faults, sign bool) ([]byte, error) {
	if sign {
		if err := s.sign(resp, f); err != nil {
			return nil, err
		}
	}
	if f.Final != nil {
		f.Final(resp)
	}
	doc := etree.NewDocument()
	doc.SetRoot(resp)
	out, err := doc.WriteToBytes()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.last = out
	s.mu.Unlock()
	return out, nil
}

// sign signs el with the IdP key (or an attacker key) and applies the
// algorithm-URI faults.
func (s *Server) sign(el *etree.Element, f Faults) error {
	s.mu.Lock()
	signer, key := s.signer, s.key
	s.mu.Unlock()
	if f.AttackerKey {
		kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "accounttest IdP", UniqueKey: true})
		if err != nil {
			return err
		}
		if signer, err = newSigner(kp, s.cfg.SignatureMethod); err != nil {
			return err
		}
	}
	if f.PSSSaltLength != 0 {
		kp := *key
		kp.Signer = saltSigner{Signer: key.Signer, salt: f.PSSSaltLength}
		var err error
		if signer, err = newSigner(&kp, s.cfg.SignatureMethod); err != nil {
			return err
		}
	}
	if err := signer.SignElement(el); err != nil {
		return err
	}
	if f.SignatureMethod != "" || f.DigestMethod != "" {
		for _, sig := range el.ChildElements() {
			if sig.Tag != "Signature" || sig.NamespaceURI() != samlwire.NSDSig {
				continue
			}
			if sm := sig.FindElement("./SignedInfo/SignatureMethod"); sm != nil && f.SignatureMethod != "" {
				sm.CreateAttr("Algorithm", f.SignatureMethod)
			}
			if dm := sig.FindElement("./SignedInfo/Reference/DigestMethod"); dm != nil && f.DigestMethod != "" {
				dm.CreateAttr("Algorithm", f.DigestMethod)
			}
		}
	}
	return nil
}

// decide applies the akdb extension (BundID §9) and levels: it returns a
// failure Status, or the attributes to release.
func (s *Server) decide(req *saml.AuthnRequest, user User, f Faults) (*etree.Element, []Attribute) {
	if f.Status != "" {
		return status(saml.StatusResponder, f.Status, "", nil), nil
	}
	attrs := slices.Clone(user.Attributes)
	if user.Temporary {
		attrs = slices.DeleteFunc(attrs, func(a Attribute) bool {
			return a.Name == account.AttrBPK2 || a.Name == account.AttrPostkorbHandle
		})
	}
	if s.cfg.Mode == BundID && !slices.ContainsFunc(attrs, func(a Attribute) bool { return a.Name == account.AttrQAALevel }) {
		attrs = append(attrs, Attribute{Name: account.AttrQAALevel, FriendlyName: "EID-CITIZEN-QAA-LEVEL", Value: user.Level.STORK()})
	}
	if req.Level > user.Level && !f.IgnoreRequestedLevel {
		return status(saml.StatusResponder, "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext", "", nil), nil
	}
	ext := req.Extension
	if s.cfg.Mode != BundID || ext == nil {
		return nil, attrs
	}
	if ext.AuthnMethods != nil && !slices.Contains(ext.AuthnMethods, user.Method) {
		return status(saml.StatusResponder, saml.StatusRequestDenied, "authn-method-disabled", nil), nil
	}
	var out []Attribute
	var missing []string
	for _, ra := range ext.RequestedAttributes {
		i := slices.IndexFunc(attrs, func(a Attribute) bool { return a.Name == ra.Name })
		switch {
		case i >= 0:
			out = append(out, attrs[i])
		case ra.Required:
			missing = append(missing, ra.Name)
		}
	}
	if len(missing) > 0 {
		type e struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		var errs []e
		for _, m := range missing {
			errs = append(errs, e{saml.DetailRequiredAttributesMissing,
				fmt.Sprintf("Attribute %s is required but not available in Nutzerkonto. Please contact support.", m)})
		}
		js, _ := json.Marshal(struct {
			Version string `json:"version"`
			Errors  []e    `json:"errors"`
		}{"1.0", errs})
		return status(saml.StatusRequester, saml.StatusRequestDenied, "security-msg", js), nil
	}
	return nil, out
}

func status(code, sub, msg string, detail []byte) *etree.Element {
	st := etree.NewElement("saml2p:Status")
	sc := st.CreateElement("saml2p:StatusCode")
	sc.CreateAttr("Value", code)
	if sub != "" {
		sc.CreateElement("saml2p:StatusCode").CreateAttr("Value", sub)
	}
	if msg != "" {
		st.CreateElement("saml2p:StatusMessage").SetText(msg)
	}
	if detail != nil {
		d := st.CreateElement("saml2p:StatusDetail").CreateElement("akdb:StatusDetail")
		d.CreateAttr("xmlns:akdb", samlwire.NSAkdb)
		d.SetText(string(detail))
	}
	return st
}

func (s *Server) assertion(now time.Time, validity time.Duration, issuer, irt, acs, audience string, user User, attrs []Attribute, f Faults) *etree.Element {
	a := etree.NewElement("saml2:Assertion")
	a.CreateAttr("xmlns:saml2", samlwire.NSAssertion)
	a.CreateAttr("xmlns:xsd", samlwire.NSXSD)
	a.CreateAttr("xmlns:xsi", samlwire.NSXSI)
	a.CreateAttr("ID", samlwire.NewID())
	a.CreateAttr("IssueInstant", samlwire.FormatTime(now))
	a.CreateAttr("Version", "2.0")
	a.CreateElement("saml2:Issuer").SetText(issuer)

	subj := a.CreateElement("saml2:Subject")
	nid := subj.CreateElement("saml2:NameID")
	if s.cfg.Mode == MUK {
		nid.CreateAttr("Format", saml.NameIDFormatPersistent)
	} else {
		nid.CreateAttr("Format", saml.NameIDFormatTransient)
		nid.CreateAttr("NameQualifier", s.EntityID)
		nid.CreateAttr("SPNameQualifier", audience)
	}
	nid.SetText(user.NameID)
	sc := subj.CreateElement("saml2:SubjectConfirmation")
	sc.CreateAttr("Method", saml.ConfirmationMethodBearer)
	scd := sc.CreateElement("saml2:SubjectConfirmationData")
	scd.CreateAttr("Address", "127.0.0.1")
	scd.CreateAttr("InResponseTo", irt)
	scd.CreateAttr("NotOnOrAfter", samlwire.FormatTime(now.Add(validity)))
	rcpt := acs
	if f.Recipient != "" {
		rcpt = f.Recipient
	}
	scd.CreateAttr("Recipient", rcpt)

	c := a.CreateElement("saml2:Conditions")
	c.CreateAttr("NotBefore", samlwire.FormatTime(now))
	c.CreateAttr("NotOnOrAfter", samlwire.FormatTime(now.Add(validity)))
	aud := audience
	if f.Audience != "" {
		aud = f.Audience
	}
	c.CreateElement("saml2:AudienceRestriction").CreateElement("saml2:Audience").SetText(aud)

	as := a.CreateElement("saml2:AuthnStatement")
	as.CreateAttr("AuthnInstant", samlwire.FormatTime(now))
	as.CreateAttr("SessionIndex", samlwire.NewID())
	as.CreateElement("saml2:SubjectLocality").CreateAttr("Address", "127.0.0.1")
	lvl := user.Level
	if f.AuthnContextLevel != account.LevelUnknown {
		lvl = f.AuthnContextLevel
	}
	as.CreateElement("saml2:AuthnContext").CreateElement("saml2:AuthnContextClassRef").SetText(lvl.STORK())

	if len(attrs) > 0 {
		st := a.CreateElement("saml2:AttributeStatement")
		for _, at := range attrs {
			el := st.CreateElement("saml2:Attribute")
			if s.cfg.Mode == BundID {
				el.CreateAttr("xmlns:akdb", samlwire.NSAkdb)
				if at.TrustLevel != "" {
					el.CreateAttr("akdb:TrustLevel", at.TrustLevel)
				}
			}
			if at.FriendlyName != "" {
				el.CreateAttr("FriendlyName", at.FriendlyName)
			}
			el.CreateAttr("Name", at.Name)
			if s.cfg.Mode == BundID {
				el.CreateAttr("NameFormat", saml.AttrNameFormatURI)
			} else {
				el.CreateAttr("NameFormat", "urn:oasis:names:tc:SAML:2.0:attrname-format:basic")
			}
			v := el.CreateElement("saml2:AttributeValue")
			if at.Fields != nil {
				v.CreateAttr("xmlns:ekona", nsEkona)
				keys := make([]string, 0, len(at.Fields))
				for k := range at.Fields {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				for _, k := range keys {
					v.CreateElement("ekona:" + k).SetText(at.Fields[k])
				}
				continue
			}
			v.CreateAttr("xsi:type", "xsd:string")
			val := at.Value
			if at.Name == account.AttrQAALevel && f.QAALevel != "" {
				val = f.QAALevel
			}
			v.SetText(val)
		}
	}
	return a
}

// saltSigner replaces the PSS salt length requested by the signer.
type saltSigner struct {
	crypto.Signer
	salt int
}

func (s saltSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if p, ok := opts.(*rsa.PSSOptions); ok {
		q := *p
		q.SaltLength = s.salt
		opts = &q
	}
	return s.Signer.Sign(r, digest, opts)
}
