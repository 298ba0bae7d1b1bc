package xmldsig

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/internal/xmlsafe"
	"github.com/egosaar/ozg/signature"
)

// Position says where a Signer puts the ds:Signature element.
type Position int

const (
	// LastChild appends the Signature as the last child (default; XÖV
	// schemas such as XWasser put ds:Signature last).
	LastChild Position = iota
	// FirstChild inserts the Signature as the first child.
	FirstChild
	// AfterElement inserts the Signature right after the first child
	// element named by Placement.Space and Placement.Local (SAML: after
	// saml:Issuer).
	AfterElement
)

// Placement positions the Signature inside the signed element.
type Placement struct {
	Position Position
	// Space (namespace URI) and Local name the child element after which
	// the Signature goes; only for AfterElement.
	Space, Local string
}

// SignerConfig configures a [Signer]. It must not be modified after it has
// been passed to [NewSigner].
type SignerConfig struct {
	// Key is the signing key with its certificate (and chain). Required.
	Key *signature.KeyPair
	// SignatureMethod is the signature method URI; default
	// [signature.DefaultMethod] for the key (RSA: rsa-sha256; ECDSA: the
	// curve's hash). SHA-1 methods are refused.
	SignatureMethod string
	// DigestMethod is the Reference digest URI; default SHA-256.
	DigestMethod string
	// Canonicalization is used for SignedInfo and as the Reference's
	// canonicalization transform; default [ExcC14N].
	Canonicalization string
	// InclusiveNamespaces is the exc-C14N PrefixList ("#default" for the
	// default namespace); only with an exclusive canonicalization.
	InclusiveNamespaces []string
	// IDAttribute names the ID attribute used by SignElement; default "ID".
	IDAttribute string
	// Placement positions the Signature; default last child.
	Placement Placement
	// Prefix is the namespace prefix of the Signature elements; default
	// "ds". Use "-" for the default namespace (no prefix).
	Prefix string
	// OmitChain leaves the intermediate certificates out of KeyInfo (the
	// leaf certificate is always included).
	OmitChain bool
	// OmitKeyInfo writes no KeyInfo at all, for partners that know the
	// signing certificate from configuration (SAML metadata) and verify
	// against it. Key may then lack a certificate.
	OmitKeyInfo bool
	// Limits bounds the documents Sign parses (size, depth, elements,
	// attributes); zero fields take the defaults of [Limits].
	Limits Limits
}

// Signer creates enveloped XML signatures. It is safe for concurrent use
// if its key's crypto.Signer is.
type Signer struct {
	key        *signature.KeyPair
	method     signature.Method
	digestURI  string
	digest     crypto.Hash
	c14nURI    string
	c14n       c14nMode
	prefixList []string
	idAttr     string
	placement  Placement
	prefix     string
	lim        Limits
	certs      []string // base64 DER, leaf first
}

// NewSigner returns a Signer for cfg.
func NewSigner(cfg SignerConfig) (*Signer, error) {
	v, err := newSigner(cfg)
	if err != nil {
		return nil, invalidConfig(err)
	}
	return v, nil
}

func newSigner(cfg SignerConfig) (*Signer, error) {
	if cfg.Key == nil || cfg.Key.Signer == nil {
		return nil, errors.New("xmldsig: SignerConfig.Key is required")
	}
	if !cfg.Limits.valid() {
		return nil, errors.New("xmldsig: limits must not be negative")
	}
	s := &Signer{key: cfg.Key, idAttr: cfg.IDAttribute, placement: cfg.Placement, prefix: cfg.Prefix, lim: cfg.Limits.withDefaults()}
	var err error
	if cfg.SignatureMethod == "" {
		s.method, err = signature.DefaultMethod(cfg.Key.Signer.Public())
		if err != nil {
			return nil, err
		}
	} else {
		var ok bool
		s.method, ok = signature.LookupMethod(cfg.SignatureMethod)
		if !ok || s.method.Hash == crypto.SHA1 {
			return nil, &signature.AlgorithmError{URI: cfg.SignatureMethod}
		}
	}
	s.digestURI = cfg.DigestMethod
	if s.digestURI == "" {
		s.digestURI = signature.DigestSHA256
	}
	h, ok := signature.LookupDigest(s.digestURI)
	if !ok || h == crypto.SHA1 {
		return nil, &signature.AlgorithmError{URI: s.digestURI}
	}
	s.digest = h
	s.c14nURI = cfg.Canonicalization
	if s.c14nURI == "" {
		s.c14nURI = ExcC14N
	}
	if s.c14n, err = canonMode(s.c14nURI, cfg.InclusiveNamespaces); err != nil {
		return nil, err
	}
	s.prefixList = s.c14n.inclusive
	if s.idAttr == "" {
		s.idAttr = "ID"
	}
	switch s.prefix {
	case "":
		s.prefix = "ds"
	case "-":
		s.prefix = ""
	default:
		if !isNCName(s.prefix) || strings.HasPrefix(strings.ToLower(s.prefix), "xml") {
			return nil, fmt.Errorf("xmldsig: invalid Prefix %s", quote(s.prefix))
		}
	}
	if cfg.Placement.Position == AfterElement && cfg.Placement.Local == "" {
		return nil, errors.New("xmldsig: Placement AfterElement needs Local")
	}
	if c := cfg.Key.Certificate; c != nil && !cfg.OmitKeyInfo {
		s.certs = append(s.certs, base64.StdEncoding.EncodeToString(c.Raw))
		if !cfg.OmitChain {
			for _, ic := range cfg.Key.Chain {
				s.certs = append(s.certs, base64.StdEncoding.EncodeToString(ic.Raw))
			}
		}
	}
	return s, nil
}

// Sign returns data with an enveloped signature over the whole document
// (Reference URI=""). For the first- and last-child placements the
// Signature is spliced into the input bytes, which stay otherwise
// unchanged; AfterElement re-serializes the document.
func (s *Signer) Sign(data []byte) ([]byte, error) {
	pieces, whole, err := s.sign(data)
	if err != nil || whole != nil {
		return whole, err
	}
	out := make([]byte, 0, len(pieces[0])+len(pieces[1])+len(pieces[2]))
	return append(append(append(out, pieces[0]...), pieces[1]...), pieces[2]...), nil
}

// SignTo signs data like Sign and writes the signed document to w. For
// the first- and last-child placements it writes the input bytes around
// the Signature instead of building the signed document in memory, which
// saves one copy of a large document; w receives nothing if signing fails.
func (s *Signer) SignTo(w io.Writer, data []byte) error {
	pieces, whole, err := s.sign(data)
	if err != nil {
		return err
	}
	if whole != nil {
		_, err = w.Write(whole)
		return err
	}
	for _, p := range pieces {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// sign returns the signed document either as three pieces to concatenate
// (splice) or whole (re-serialized). The parsed tree is garbage once it
// returns, before any caller allocates the output.
func (s *Signer) sign(data []byte) (pieces [3][]byte, whole []byte, err error) {
	doc, err := xmlsafe.Parse(data, s.lim.xmlsafe())
	if err != nil {
		return pieces, nil, parseError(err)
	}
	if err := checkProlog(&doc.Element); err != nil {
		return pieces, nil, err
	}
	root := doc.Root()
	sig, err := s.build(root, "")
	if err != nil {
		return pieces, nil, err
	}
	if _, err := s.digestInto(sig, func(c *canonicalizer) (*etree.Element, error) {
		return c.document(&doc.Element, root)
	}); err != nil {
		return pieces, nil, err
	}
	if err := s.signSignedInfo(sig); err != nil {
		return pieces, nil, err
	}
	if s.placement.Position != AfterElement {
		if pieces, ok := splice(data, root, sig, s.placement.Position == FirstChild); ok {
			return pieces, nil, nil
		}
	}
	// Escape #xD in text and TAB/LF/CR in attribute values, so the
	// re-parsed document has the content that was signed.
	doc.WriteSettings = etree.WriteSettings{CanonicalText: true, CanonicalAttrVal: true}
	whole, err = doc.WriteToBytes()
	return pieces, whole, err
}

// SignElement adds an enveloped signature over el, referenced by "#" + its
// ID attribute, and inserts the ds:Signature into el according to the
// Placement. el may be part of a larger tree (SAML Response/Assertion).
func (s *Signer) SignElement(el *etree.Element) error {
	if el == nil {
		return fmt.Errorf("%w: nil element", ErrMalformed)
	}
	id := ""
	for _, a := range el.Attr {
		if a.Space == "" && a.Key == s.idAttr {
			id = a.Value
		}
	}
	if id == "" {
		return fmt.Errorf("%w: element %s has no %s attribute", ErrMalformed, quote(el.Tag), s.idAttr)
	}
	sig, err := s.build(el, "#"+id)
	if err != nil {
		return err
	}
	if _, err := s.digestInto(sig, func(c *canonicalizer) (*etree.Element, error) {
		return c.subtree(el)
	}); err != nil {
		sig.Parent().RemoveChild(sig)
		return err
	}
	if err := s.signSignedInfo(sig); err != nil {
		sig.Parent().RemoveChild(sig)
		return err
	}
	return nil
}

// isNCName reports whether p is an XML namespace prefix (ASCII subset of
// Namespaces in XML 1.0 §3 NCName; non-ASCII letters are allowed as well).
func isNCName(p string) bool {
	for i, r := range p {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f:
		case i > 0 && (r == '-' || r == '.' || r >= '0' && r <= '9'):
		default:
			return false
		}
	}
	return p != ""
}

func (s *Signer) name(local string) string {
	if s.prefix == "" {
		return local
	}
	return s.prefix + ":" + local
}

// build creates the Signature skeleton and inserts it into el.
func (s *Signer) build(el *etree.Element, uri string) (*etree.Element, error) {
	sig := etree.NewElement(s.name("Signature"))
	if s.prefix == "" {
		sig.CreateAttr("xmlns", nsDSig)
	} else {
		sig.CreateAttr("xmlns:"+s.prefix, nsDSig)
	}
	si := sig.CreateElement(s.name("SignedInfo"))
	cm := si.CreateElement(s.name("CanonicalizationMethod"))
	cm.CreateAttr("Algorithm", s.c14nURI)
	s.addPrefixList(cm)
	si.CreateElement(s.name("SignatureMethod")).CreateAttr("Algorithm", s.method.URI)
	ref := si.CreateElement(s.name("Reference"))
	ref.CreateAttr("URI", uri)
	ts := ref.CreateElement(s.name("Transforms"))
	ts.CreateElement(s.name("Transform")).CreateAttr("Algorithm", EnvelopedSignature)
	t := ts.CreateElement(s.name("Transform"))
	t.CreateAttr("Algorithm", s.c14nURI)
	s.addPrefixList(t)
	ref.CreateElement(s.name("DigestMethod")).CreateAttr("Algorithm", s.digestURI)
	ref.CreateElement(s.name("DigestValue"))
	sig.CreateElement(s.name("SignatureValue"))
	if len(s.certs) > 0 {
		xd := sig.CreateElement(s.name("KeyInfo")).CreateElement(s.name("X509Data"))
		for _, c := range s.certs {
			xd.CreateElement(s.name("X509Certificate")).SetText(c)
		}
	}

	switch s.placement.Position {
	case FirstChild:
		el.InsertChildAt(0, sig)
	case AfterElement:
		var after *etree.Element
		for _, c := range el.ChildElements() {
			if c.Tag == s.placement.Local && c.NamespaceURI() == s.placement.Space {
				after = c
				break
			}
		}
		if after == nil {
			return nil, fmt.Errorf("%w: no child element %s to place the signature after", ErrMalformed, quote(s.placement.Local))
		}
		el.InsertChildAt(after.Index()+1, sig)
	default:
		el.AddChild(sig)
	}
	return sig, nil
}

func (s *Signer) addPrefixList(el *etree.Element) {
	if len(s.prefixList) == 0 {
		return
	}
	list := slices.Clone(s.prefixList)
	for i, p := range list {
		if p == "" {
			list[i] = "#default"
		}
	}
	in := el.CreateElement("ec:InclusiveNamespaces")
	in.CreateAttr("xmlns:ec", ExcC14N)
	in.CreateAttr("PrefixList", strings.Join(list, " "))
}

func (s *Signer) child(el *etree.Element, local string) *etree.Element {
	for _, c := range el.ChildElements() {
		if c.Tag == local {
			return c
		}
	}
	return nil
}

// digestInto canonicalizes the referenced content (minus sig) into the
// digest and stores it in the DigestValue.
func (s *Signer) digestInto(sig *etree.Element, run func(*canonicalizer) (*etree.Element, error)) (*etree.Element, error) {
	h := s.digest.New()
	mode := s.c14n
	mode.comments = false // same-document references carry no comments
	c := newCanonicalizer(h, mode, sig, false)
	out, err := run(c)
	if err != nil {
		return nil, err
	}
	ref := s.child(s.child(sig, "SignedInfo"), "Reference")
	s.child(ref, "DigestValue").SetText(base64.StdEncoding.EncodeToString(h.Sum(nil)))
	return out, nil
}

// signSignedInfo canonicalizes SignedInfo in its place in the document and
// stores the signature value.
func (s *Signer) signSignedInfo(sig *etree.Element) error {
	si := s.child(sig, "SignedInfo")
	var buf bytes.Buffer
	if _, err := newCanonicalizer(&buf, s.c14n, nil, false).subtree(si); err != nil {
		return err
	}
	v, err := signature.Sign(s.key.Signer, s.method, buf.Bytes())
	if err != nil {
		return err
	}
	s.child(sig, "SignatureValue").SetText(base64.StdEncoding.EncodeToString(v))
	return nil
}
