package xmldsig

import (
	"context"
	"crypto"
	"crypto/subtle"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/internal/xmlsafe"
	"github.com/egosaar/ozg/signature"
)

// VerifierConfig configures a [Verifier]. It must not be modified after
// it has been passed to [NewVerifier].
type VerifierConfig struct {
	// Trust decides which signing certificates are trusted (chain to an
	// anchor, or pinned), including the clock used for validity checks.
	// A certificate in KeyInfo is used when Trust accepts it. A Signature
	// whose KeyInfo names no trusted certificate (none at all, a KeyName,
	// a KeyValue, a re-issued certificate) is verified against the pinned
	// certificates only (each tried once, in order; see
	// [signature.TrustStore.Pinned]); with anchors alone it is refused
	// with [ErrUntrustedKey]. Required.
	Trust *signature.TrustStore
	// Policy is the algorithm allow-list; the zero value is the secure
	// default (no SHA-1, RSA ≥ 2048 bits).
	Policy signature.Policy
	// IDAttribute is the name of the ID attribute that "#id" references
	// point to, e.g. "ID" (SAML), "Id" or "id". Default "ID".
	IDAttribute string
	// Limits bounds the work per document; zero fields take defaults.
	Limits Limits
	// Logger receives warnings (for example SHA-1 use under
	// InsecureAllowSHA1). nil discards.
	Logger *slog.Logger
	// AllowECDSADER additionally accepts ECDSA signature values encoded as
	// ASN.1 DER (non-conforming signers such as goxmldsig). The standard
	// encoding r‖s (XML-DSig 1.1 §6.4.3) is always accepted.
	AllowECDSADER bool
}

// Verifier verifies enveloped XML signatures. It is safe for concurrent use.
type Verifier struct {
	trust  *signature.TrustStore
	policy signature.Policy
	idAttr string
	lim    Limits
	log    *slog.Logger
	opts   signature.VerifyOptions
	certs  certCache
	// pinned and pinnedKeys are the TrustStore's pinned certificates and
	// bare keys (it is immutable), the candidates for a Signature whose
	// KeyInfo names no trusted certificate.
	pinned     []*x509.Certificate
	pinnedKeys []crypto.PublicKey
}

// Result is the outcome of a successful verification. Business code must
// read only Element: it is rebuilt from the canonical content that the
// signature covers, with the Signature removed, comments dropped and
// adjacent text merged, detached from any unsigned ancestors.
type Result struct {
	// Element is the verified element.
	Element *etree.Element
	// Certificate is the trusted signing certificate; nil when the
	// signature verified with a bare pinned key
	// ([signature.TrustConfig.PinnedKeys]).
	Certificate *x509.Certificate
	// Chain is the verified path from Certificate to a trust anchor (just
	// Certificate when pinned, nil for a bare pinned key).
	Chain []*x509.Certificate
	// PublicKey is the trusted key that verified the signature: the key of
	// Certificate, or the bare pinned key.
	PublicKey crypto.PublicKey
	// SignatureMethod and DigestMethod are the algorithm URIs used.
	SignatureMethod, DigestMethod string
}

// NewVerifier returns a Verifier for cfg.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	v, err := newVerifier(cfg)
	if err != nil {
		return nil, invalidConfig(err)
	}
	return v, nil
}

func newVerifier(cfg VerifierConfig) (*Verifier, error) {
	if cfg.Trust == nil {
		return nil, errors.New("xmldsig: VerifierConfig.Trust is required")
	}
	if !cfg.Limits.valid() {
		return nil, errors.New("xmldsig: limits must not be negative")
	}
	v := &Verifier{
		trust:      cfg.Trust,
		policy:     cfg.Policy,
		idAttr:     cfg.IDAttribute,
		lim:        cfg.Limits.withDefaults(),
		log:        cfg.Logger,
		opts:       signature.VerifyOptions{AllowECDSADER: cfg.AllowECDSADER},
		pinned:     cfg.Trust.Pinned(),
		pinnedKeys: cfg.Trust.PinnedKeys(),
	}
	if v.idAttr == "" {
		v.idAttr = "ID"
	}
	if v.log == nil {
		v.log = slog.New(slog.DiscardHandler)
	}
	return v, nil
}

// Verify parses data (under the configured limits, DOCTYPE refused) and
// verifies the signature that references the document root, by URI="" or
// by the root's ID.
func (v *Verifier) Verify(ctx context.Context, data []byte) (*Result, error) {
	doc, err := xmlsafe.Parse(data, v.lim.xmlsafe())
	if err != nil {
		return nil, parseError(err)
	}
	return v.verify(ctx, doc.Root(), true)
}

// VerifyDocument verifies the signature that references the root of an
// already parsed document. The document is not modified.
func (v *Verifier) VerifyDocument(ctx context.Context, doc *etree.Document) (*Result, error) {
	if doc == nil || doc.Root() == nil {
		return nil, fmt.Errorf("%w: no document root", ErrMalformed)
	}
	return v.verify(ctx, doc.Root(), false)
}

// VerifyDocumentInPlace is [Verifier.VerifyDocument] for a document the
// caller hands over: instead of building Result.Element as a copy, it
// rewrites doc's root in place into the verified node-set (the Signature
// removed, comments dropped, adjacent text merged, namespace declarations
// as rendered), exactly as [Verifier.Verify] does with the tree it parses,
// and returns it as Result.Element, detached from doc. That saves the copy,
// 5-12% of a 2 KB verification with the tree given.
//
// doc belongs to the verifier from the call on: neither doc nor any node
// taken from it before the call may be used afterwards, whatever the
// outcome (after a failed digest comparison it is partly rewritten), nor
// concurrently with the call. Only Result.Element may be read.
func (v *Verifier) VerifyDocumentInPlace(ctx context.Context, doc *etree.Document) (*Result, error) {
	if doc == nil || doc.Root() == nil {
		return nil, fmt.Errorf("%w: no document root", ErrMalformed)
	}
	return v.verify(ctx, doc.Root(), true)
}

// VerifyElement verifies the enveloped signature inside el that references
// el by its ID attribute (or by URI="" when el is the document root), for
// example a SAML Response or Assertion. ID uniqueness is checked across
// el's whole document. The tree is not modified.
func (v *Verifier) VerifyElement(ctx context.Context, el *etree.Element) (*Result, error) {
	if el == nil || isDocNode(el) {
		return nil, fmt.Errorf("%w: not an element", ErrMalformed)
	}
	return v.verify(ctx, el, false)
}

// checkProlog refuses character data outside the root element, which
// etree (unlike XML 1.0 §2.1) accepts.
func checkProlog(doc *etree.Element) error {
	for _, t := range doc.Child {
		if c, ok := t.(*etree.CharData); ok && strings.TrimLeft(c.Data, " \t\r\n") != "" {
			return fmt.Errorf("%w: text outside the root element", ErrMalformed)
		}
	}
	return nil
}

func isDocNode(e *etree.Element) bool {
	return e != nil && e.Parent() == nil && e.Tag == "" && e.Space == ""
}

func (v *Verifier) verify(ctx context.Context, el *etree.Element, owned bool) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	top := el
	for top.Parent() != nil {
		top = top.Parent()
	}
	if isDocNode(top) {
		if err := checkProlog(top); err != nil {
			return nil, err
		}
	}
	isRoot := top == el || (isDocNode(top) && el.Parent() == top)
	elID := ""
	for _, a := range el.Attr {
		if a.Space == "" && a.Key == v.idAttr {
			elID = a.Value
		}
	}

	sc := scan{lim: v.lim, idAttr: v.idAttr, id: elID, target: el, isRoot: isRoot}
	sc.ns, sc.sigs = sc.nsArr[:0], sc.sigsArr[:0]
	if isDocNode(top) {
		for _, t := range top.Child {
			if c, ok := t.(*etree.Element); ok {
				sc.walk(c, 1, c == el)
			}
		}
	} else {
		sc.walk(top, 1, top == el)
	}
	if sc.err != nil {
		return nil, sc.err
	}
	switch len(sc.sigs) {
	case 0:
		return nil, sc.missing()
	case 1:
	default:
		return nil, &StructureError{Reason: "more than one Signature references the element"}
	}
	if elID != "" && sc.idCount != 1 {
		return nil, &StructureError{Reason: fmt.Sprintf("the ID of the signed element occurs %d times in the document", sc.idCount)}
	}
	sig := sc.sigs[0]

	ps, err := parseSignature(sig, v.lim)
	if err != nil {
		return nil, err
	}
	method, err := v.policy.SignatureMethod(ps.method)
	if err != nil {
		return nil, err
	}
	var hashArr [4]crypto.Hash
	hashes := hashArr[:0]
	for i, r := range ps.refs {
		hashes = append(hashes, 0)
		if !(r.uri == "" && isRoot) && !(elID != "" && r.uri == "#"+elID) {
			return nil, &ReferenceError{URI: r.uri, Err: &UnsupportedError{Feature: "reference to anything but the signed element"}}
		}
		if hashes[i], err = v.policy.DigestMethod(r.digestMethod); err != nil {
			return nil, &ReferenceError{URI: r.uri, Err: err}
		}
		if hashes[i] == crypto.SHA1 {
			v.log.WarnContext(ctx, "xmldsig: verifying a SHA-1 digest (InsecureAllowSHA1)")
		}
	}
	if method.Hash == crypto.SHA1 {
		v.log.WarnContext(ctx, "xmldsig: verifying a SHA-1 signature method (InsecureAllowSHA1)", "method", ps.method)
	}

	// KeyInfo is unsigned: at most a hint. A certificate it carries is used
	// when the TrustStore accepts it; otherwise (no KeyInfo, a KeyName, a
	// KeyValue, a certificate that is neither pinned nor anchored, such as
	// a re-issued certificate for a pinned key) only the pinned keys are
	// tried, after SignedInfo has been canonicalized.
	leaf, chain, kiErr := v.keyInfoCertificate(ctx, ps.keyInfo)
	if kiErr != nil && (len(v.pinned)+len(v.pinnedKeys) == 0 || !fallbackAllowed(kiErr)) {
		return nil, kiErr
	}

	// SignedInfo is canonicalized in its document context (§4.5.1) straight
	// into the signature method's hash, and the SignatureValue checked
	// before any reference is digested.
	if !method.Hash.Available() {
		return nil, &signature.AlgorithmError{URI: method.URI}
	}
	siHash := newHash(method.Hash)
	if _, err := newCanonicalizer(siHash, ps.c14n, nil, false).subtree(ps.signedInfo); err != nil {
		return nil, err
	}
	var sumArr [64]byte
	siDigest := siHash.Sum(sumArr[:0])
	putHash(method.Hash, siHash)
	var pub crypto.PublicKey
	if leaf == nil {
		if leaf, chain, pub, err = v.verifyPinned(ctx, method, siDigest, ps.value, kiErr); err != nil {
			return nil, err
		}
	} else if err := signature.VerifyDigest(leaf.PublicKey, method, siDigest, ps.value, v.opts); err != nil {
		return nil, err
	} else {
		pub = leaf.PublicKey
	}

	var verified *etree.Element
	for i, r := range ps.refs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		h := newHash(hashes[i])
		var skip *etree.Element
		if r.enveloped {
			skip = sig
		}
		last := i == len(ps.refs)-1
		c := newCanonicalizer(h, r.c14n, skip, last)
		// A tree parsed here or handed over is rewritten in place into the
		// verified node-set (no copy); a caller's tree is copied.
		c.inplace = last && owned
		if last && !owned {
			c.size, c.sized = sc.size, true
			if skip != nil {
				var sig slabSize
				sig.subtree(skip, nil, 1)
				c.size = c.size.minus(sig)
			}
		}
		// URI="" is the whole document (XML-DSig 1.1 §4.5.3.3), "#id" the
		// element with its ancestors' context.
		var out *etree.Element
		if r.uri == "" && isDocNode(top) {
			out, err = c.document(top, el)
		} else {
			out, err = c.subtree(el)
		}
		if err != nil {
			return nil, &ReferenceError{URI: r.uri, Err: err}
		}
		sum := h.Sum(sumArr[:0])
		putHash(hashes[i], h)
		if subtle.ConstantTimeCompare(sum, r.digest) != 1 {
			return nil, &ReferenceError{URI: r.uri, Err: ErrDigestMismatch}
		}
		if last {
			verified = out
		}
	}
	return &Result{
		Element:         verified,
		Certificate:     leaf,
		Chain:           chain,
		PublicKey:       pub,
		SignatureMethod: ps.method,
		DigestMethod:    ps.refs[len(ps.refs)-1].digestMethod,
	}, nil
}

// keyInfoCertificate returns the certificate KeyInfo names and its
// verified chain when the TrustStore and the Policy accept it. Otherwise
// the error says why KeyInfo identifies no trusted key: a [*KeyInfoError]
// (no KeyInfo, no certificate, inconsistent key data), a
// [*signature.TrustError], a Policy error, or a [*LimitError].
func (v *Verifier) keyInfoCertificate(ctx context.Context, ki *etree.Element) (*x509.Certificate, []*x509.Certificate, error) {
	leaf, others, err := certificatesFromKeyInfo(ki, &v.certs)
	if err != nil {
		return nil, nil, err
	}
	chain, err := v.trust.Verify(ctx, leaf, others)
	if err != nil {
		return nil, nil, err
	}
	if err := v.policy.CheckPublicKey(leaf.PublicKey); err != nil {
		return nil, nil, err
	}
	return leaf, chain, nil
}

// fallbackAllowed reports whether the pinned keys may be tried after
// KeyInfo failed with err: for every reason except a limit, a cancelled
// context, or a trusted certificate whose key the Policy refuses (that
// signer is known and refused).
func fallbackAllowed(err error) bool {
	var le *LimitError
	var ke *signature.KeyError
	return !errors.As(err, &le) && !errors.Is(err, context.Canceled) &&
		!errors.Is(err, context.DeadlineExceeded) && !errors.As(err, &ke)
}

// verifyPinned checks the SignatureValue against each pinned certificate
// of the TrustStore and then each bare pinned key, in configuration order
// (two certificates during an IdP's key rollover; anchors are never
// tried), when KeyInfo named no trusted certificate (kiErr says why). A
// candidate whose key verifies the value is accepted only after the
// TrustStore (validity at its clock, revocation; for a bare key the exact
// match) and the Policy (key type and size) accepted it, exactly as a
// certificate from KeyInfo; if it fails there, the next candidate is tried
// (a renewed certificate for the same key) and the first such failure is
// returned. When no pinned key verifies the value the result is a
// [*KeyInfoError] ([ErrUntrustedKey]) wrapping kiErr: a foreign signer and
// a modified SignedInfo cannot be told apart then.
func (v *Verifier) verifyPinned(ctx context.Context, method signature.Method, digest, value []byte, kiErr error) (*x509.Certificate, []*x509.Certificate, crypto.PublicKey, error) {
	var firstErr error
	keep := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	for _, c := range v.pinned {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		if signature.VerifyDigest(c.PublicKey, method, digest, value, v.opts) != nil {
			continue
		}
		chain, err := v.trust.Verify(ctx, c, nil)
		if err == nil {
			err = v.policy.CheckPublicKey(c.PublicKey)
		}
		if err == nil {
			return c, chain, c.PublicKey, nil
		}
		keep(err)
	}
	for _, k := range v.pinnedKeys {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		if signature.VerifyDigest(k, method, digest, value, v.opts) != nil {
			continue
		}
		err := v.trust.VerifyKey(ctx, k)
		if err == nil {
			err = v.policy.CheckPublicKey(k)
		}
		if err == nil {
			return nil, nil, k, nil
		}
		keep(err)
	}
	if firstErr != nil {
		return nil, nil, nil, firstErr
	}
	return nil, nil, nil, &KeyInfoError{Reason: "no pinned key verifies the signature", Err: kiErr}
}

// scan walks the whole document once: it enforces the limits on trees that
// did not come through the parser, counts the elements carrying the
// processed element's ID, and collects the Signatures inside the processed
// element that reference it.
type scan struct {
	lim     Limits
	idAttr  string
	id      string
	target  *etree.Element
	isRoot  bool
	ns      []nsBind
	n       int
	idCount int
	sigs    []*etree.Element
	// others are Signatures inside the processed element (or the element
	// itself) that do not reference it, kept to explain a missing
	// signature.
	others []*etree.Element
	err    error
	// size counts the processed element's subtree, for the copy of the
	// verified node-set.
	size slabSize

	// Initial backing arrays: a usual document needs no allocation.
	nsArr   [16]nsBind
	sigsArr [1]*etree.Element
}

func (s *scan) walk(e *etree.Element, depth int, inside bool) {
	if s.err != nil {
		return
	}
	s.n++
	if s.n > s.lim.MaxElements {
		s.err = &LimitError{Limit: "elements", Max: int64(s.lim.MaxElements)}
		return
	}
	if depth > s.lim.MaxDepth {
		s.err = &LimitError{Limit: "depth", Max: int64(s.lim.MaxDepth)}
		return
	}
	if len(e.Attr) > s.lim.MaxAttributes {
		s.err = &LimitError{Limit: "attributes", Max: int64(s.lim.MaxAttributes)}
		return
	}
	mark := len(s.ns)
	for _, a := range e.Attr {
		switch {
		case a.Space == "xmlns":
			s.ns = append(s.ns, nsBind{a.Key, a.Value})
		case a.Space == "" && a.Key == "xmlns":
			s.ns = append(s.ns, nsBind{"", a.Value})
		}
	}
	// Refused here, before any name in the tree is resolved.
	if err := redeclared(s.ns[mark:]); err != nil {
		s.err = err
		return
	}
	if s.id != "" {
		for _, a := range e.Attr {
			if a.Key == s.idAttr && a.Space != "xmlns" && a.Value == s.id {
				s.idCount++
			}
		}
	}
	if inside {
		// As slabSize.add, the text children counted below.
		s.size.elems++
		s.size.toks += len(e.Child)
		s.size.attrs += len(e.Attr)
	}
	if inside && e.Tag == "Signature" {
		if uri, _ := lookup(s.ns, e.Space); uri == nsDSig {
			if e != s.target && s.references(e) {
				s.sigs = append(s.sigs, e)
			} else if len(s.others) < 8 {
				s.others = append(s.others, e)
			}
		}
	}
	for _, t := range e.Child {
		switch c := t.(type) {
		case *etree.Element:
			s.walk(c, depth+1, inside || c == s.target)
		case *etree.CharData:
			if inside {
				s.size.texts++
			}
		}
	}
	s.ns = s.ns[:mark]
}

// references reports whether a Signature has a Reference to the processed
// element (URI="" for the document root, or "#" + its ID).
func (s *scan) references(sig *etree.Element) bool {
	for _, t := range sig.Child {
		si, ok := t.(*etree.Element)
		if !ok || si.Tag != "SignedInfo" {
			continue
		}
		for _, t := range si.Child {
			r, ok := t.(*etree.Element)
			if !ok || r.Tag != "Reference" {
				continue
			}
			a := r.SelectAttr("URI")
			if a == nil {
				continue
			}
			if (a.Value == "" && s.isRoot) || (s.id != "" && a.Value == "#"+s.id) {
				return true
			}
		}
	}
	return false
}

// missing explains why no Signature references the processed element:
// an enveloping signature (the element is a Signature, or holds one whose
// Reference points into the Signature's own Object) or a detached one (a
// Reference to content outside the Signature's ancestors) are named as
// unsupported forms; otherwise it is [ErrMissingSignature] (for example
// when the only Signature inside signs a descendant, such as a SAML
// Assertion inside an unsigned Response).
func (s *scan) missing() error {
	for _, sig := range s.others {
		for _, uri := range referenceURIs(sig) {
			switch {
			case uri == "" || uri == "#xpointer(/)":
				// The whole document of another root: not this element.
			case strings.HasPrefix(uri, "#"):
				id := uri[1:]
				if containsID(sig, s.idAttr, id) {
					return &UnsupportedError{Feature: "enveloping signature (the signed content is inside the Signature), Reference", Algorithm: uri}
				}
				top := sig
				for top.Parent() != nil {
					top = top.Parent()
				}
				// A Reference to an ID that exists nowhere (a renamed
				// element) stays a missing signature.
				if !ancestorHasID(sig, s.idAttr, id) && containsID(top, s.idAttr, id) {
					return &UnsupportedError{Feature: "detached signature (the signed element does not contain the Signature), Reference", Algorithm: uri}
				}
			default:
				return &UnsupportedError{Feature: "detached signature over external content, Reference", Algorithm: uri}
			}
		}
	}
	return ErrMissingSignature
}

func referenceURIs(sig *etree.Element) []string {
	var out []string
	for _, si := range sig.ChildElements() {
		if si.Tag != "SignedInfo" {
			continue
		}
		for _, r := range si.ChildElements() {
			if a := r.SelectAttr("URI"); r.Tag == "Reference" && a != nil {
				out = append(out, a.Value)
			}
		}
	}
	return out
}

// isIDAttr reports whether a names an element by an ID: the configured
// attribute or one of the usual spellings (XML-DSig's own Object uses Id).
// For explaining a missing signature only.
func isIDAttr(a etree.Attr, attr string) bool {
	return a.Space != "xmlns" && (a.Key == attr || a.Key == "Id" || a.Key == "ID" || a.Key == "id")
}

// containsID reports whether el or a descendant carries ID id.
func containsID(el *etree.Element, attr, id string) bool {
	for _, a := range el.Attr {
		if isIDAttr(a, attr) && a.Value == id {
			return true
		}
	}
	for _, c := range el.ChildElements() {
		if containsID(c, attr, id) {
			return true
		}
	}
	return false
}

func ancestorHasID(el *etree.Element, attr, id string) bool {
	for p := el.Parent(); p != nil; p = p.Parent() {
		for _, a := range p.Attr {
			if isIDAttr(a, attr) && a.Value == id {
				return true
			}
		}
	}
	return false
}
