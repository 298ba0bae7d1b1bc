package xmldsig

import (
	"encoding/base64"
	"strings"

	"github.com/beevik/etree"
)

// Transform URIs.
const (
	// EnvelopedSignature is the enveloped-signature transform (XML-DSig 1.1
	// §6.6.4).
	EnvelopedSignature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

	transformXPath        = "http://www.w3.org/TR/1999/REC-xpath-19991116"
	transformXPathFilter2 = "http://www.w3.org/2002/06/xmldsig-filter2"
	transformXSLT         = "http://www.w3.org/TR/1999/REC-xslt-19991116"
	transformBase64       = "http://www.w3.org/2000/09/xmldsig#base64"
)

// parsedSignature is the parsed, not yet verified content of a Signature.
type parsedSignature struct {
	el         *etree.Element // ds:Signature
	signedInfo *etree.Element
	c14n       c14nMode
	c14nURI    string
	method     string
	refs       []parsedReference
	value      []byte
	keyInfo    *etree.Element
	refsArr    [1]parsedReference // initial backing array of refs
}

type parsedReference struct {
	uri          string
	enveloped    bool
	c14n         c14nMode
	c14nURI      string // "" when none is given (C14N 1.0 applies)
	digestMethod string
	digest       []byte
}

// dsChildren appends el's child elements to out, requiring each to be in
// the XML-DSig namespace; el itself is.
func dsChildren(el *etree.Element, out []*etree.Element) ([]*etree.Element, error) {
	for _, t := range el.Child {
		switch t := t.(type) {
		case *etree.Element:
			if namespaceIn(t, el, nsDSig) != nsDSig {
				return nil, &StructureError{Reason: "unexpected element " + quote(t.Tag) + " in " + el.Tag}
			}
			out = append(out, t)
		case *etree.CharData:
			if !t.IsWhitespace() && strings.TrimSpace(t.Data) != "" {
				return nil, &StructureError{Reason: "unexpected text in " + el.Tag}
			}
		}
	}
	return out, nil
}

// namespaceIn returns the namespace URI of child, whose parent is in
// namespace parentNS: parentNS when child has its parent's prefix and does
// not declare it itself (the usual case, no walk up the tree), else
// etree's lookup. The verifier's scan has refused a prefix declared twice
// on one element, where the two lookups could differ.
func namespaceIn(child, parent *etree.Element, parentNS string) string {
	if child.Space != parent.Space {
		return child.NamespaceURI()
	}
	for _, a := range child.Attr {
		if (a.Space == "xmlns" && a.Key == child.Space) || (child.Space == "" && a.Space == "" && a.Key == "xmlns") {
			return child.NamespaceURI()
		}
	}
	return parentNS
}

// textOf returns the concatenated text of el, which must have no child
// elements (comments split text nodes; the concatenation is what the
// canonical form carries).
func textOf(el *etree.Element) (string, error) {
	// One text node (the usual case) needs no builder.
	if len(el.Child) == 1 {
		if t, ok := el.Child[0].(*etree.CharData); ok {
			return t.Data, nil
		}
	}
	var b strings.Builder
	for _, t := range el.Child {
		switch t := t.(type) {
		case *etree.Element:
			return "", &StructureError{Reason: "unexpected element in " + el.Tag}
		case *etree.CharData:
			b.WriteString(t.Data)
		}
	}
	return b.String(), nil
}

func base64Of(el *etree.Element) ([]byte, error) {
	s, err := textOf(el)
	if err != nil {
		return nil, err
	}
	b, err := decodeBase64(s)
	if err != nil {
		return nil, &StructureError{Reason: "invalid base64 in " + el.Tag}
	}
	return b, nil
}

// decodeBase64 decodes base64 text with XML whitespace anywhere in it
// (line breaks are common). encoding/base64 skips CR and LF itself and
// refuses spaces and tabs, so those are removed only when a first attempt
// fails and the text has some.
func decodeBase64(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err == nil || !strings.ContainsAny(s, " \t") {
		return b, err
	}
	return base64.StdEncoding.DecodeString(strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r':
			return -1
		}
		return r
	}, s))
}

func algorithmOf(el *etree.Element) (string, error) {
	var alg string
	n := 0
	for _, a := range el.Attr {
		if a.Space == "" && a.Key == "Algorithm" {
			alg = a.Value
			n++
		}
	}
	if n != 1 || alg == "" {
		return "", &StructureError{Reason: "missing Algorithm on " + el.Tag}
	}
	return alg, nil
}

// parseSignature checks the shape of a ds:Signature (XML-DSig 1.1 §4.3-§4.6)
// and extracts its fields. It rejects anything outside the enveloped
// profile of this package before any cryptography runs.
func parseSignature(sig *etree.Element, lim Limits) (*parsedSignature, error) {
	var buf [8]*etree.Element
	kids, err := dsChildren(sig, buf[:0])
	if err != nil {
		return nil, err
	}
	ps := &parsedSignature{el: sig}
	ps.refs = ps.refsArr[:0]
	var nSI, nSV, nKI int
	for i, k := range kids {
		switch k.Tag {
		case "SignedInfo":
			if i != 0 {
				return nil, &StructureError{Reason: "SignedInfo is not the first child of Signature"}
			}
			nSI++
			ps.signedInfo = k
		case "SignatureValue":
			nSV++
			if ps.value, err = base64Of(k); err != nil {
				return nil, err
			}
		case "KeyInfo":
			nKI++
			ps.keyInfo = k
		case "Object":
			// Objects are not referenced (only the processed element may
			// be) and therefore ignored.
		default:
			return nil, &StructureError{Reason: "unexpected element " + quote(k.Tag) + " in Signature"}
		}
	}
	if nSI != 1 {
		return nil, &StructureError{Reason: "Signature must have exactly one SignedInfo"}
	}
	if nSV != 1 {
		return nil, &StructureError{Reason: "Signature must have exactly one SignatureValue"}
	}
	if nKI > 1 {
		return nil, &StructureError{Reason: "Signature has more than one KeyInfo"}
	}
	if len(ps.value) == 0 {
		return nil, &StructureError{Reason: "empty SignatureValue"}
	}

	si, err := dsChildren(ps.signedInfo, buf[:0])
	if err != nil {
		return nil, err
	}
	if len(si) < 3 || si[0].Tag != "CanonicalizationMethod" || si[1].Tag != "SignatureMethod" {
		return nil, &StructureError{Reason: "SignedInfo must hold CanonicalizationMethod, SignatureMethod and References"}
	}
	if ps.c14nURI, err = algorithmOf(si[0]); err != nil {
		return nil, err
	}
	prefixes, err := inclusivePrefixes(si[0])
	if err != nil {
		return nil, err
	}
	var ok bool
	if ps.c14n, ok = modeFor(ps.c14nURI, prefixes); !ok {
		return nil, &UnsupportedError{Feature: "canonicalization method", Algorithm: ps.c14nURI}
	}
	if ps.method, err = algorithmOf(si[1]); err != nil {
		return nil, err
	}
	if k := firstChildElement(si[1]); k != nil {
		// HMACOutputLength or any other parameter: refused.
		return nil, &UnsupportedError{Feature: "signature method parameter " + quote(k.Tag)}
	}
	refs := si[2:]
	if len(refs) > lim.MaxReferences {
		return nil, &LimitError{Limit: "references", Max: int64(lim.MaxReferences)}
	}
	for _, r := range refs {
		if r.Tag != "Reference" {
			return nil, &StructureError{Reason: "unexpected element " + quote(r.Tag) + " in SignedInfo"}
		}
		pr, err := parseReference(r, lim)
		if err != nil {
			return nil, err
		}
		ps.refs = append(ps.refs, pr)
	}
	return ps, nil
}

// firstChildElement returns el's first child element, or nil.
func firstChildElement(el *etree.Element) *etree.Element {
	for _, t := range el.Child {
		if e, ok := t.(*etree.Element); ok {
			return e
		}
	}
	return nil
}

func inclusivePrefixes(el *etree.Element) ([]string, error) {
	var out []string
	for _, t := range el.Child {
		k, ok := t.(*etree.Element)
		if !ok {
			continue
		}
		if k.Tag != "InclusiveNamespaces" || k.NamespaceURI() != ExcC14N {
			return nil, &StructureError{Reason: "unexpected element " + quote(k.Tag) + " in " + el.Tag}
		}
		for _, p := range strings.Fields(k.SelectAttrValue("PrefixList", "")) {
			if p == "#default" {
				p = ""
			}
			out = append(out, p)
		}
	}
	return out, nil
}

func parseReference(r *etree.Element, lim Limits) (parsedReference, error) {
	var pr parsedReference
	uriAttr := r.SelectAttr("URI")
	if uriAttr == nil {
		return pr, &UnsupportedError{Feature: "Reference without URI"}
	}
	pr.uri = uriAttr.Value
	for _, a := range r.Attr {
		if a.Space == "" && a.Key == "Type" && a.Value != "" && a.Value != "http://www.w3.org/2000/09/xmldsig#Object" {
			// Manifest and other typed references are not processed.
			return pr, &UnsupportedError{Feature: "Reference Type", Algorithm: a.Value}
		}
	}
	var kb, tb [4]*etree.Element
	kids, err := dsChildren(r, kb[:0])
	if err != nil {
		return pr, err
	}
	i := 0
	if i < len(kids) && kids[i].Tag == "Transforms" {
		ts, err := dsChildren(kids[i], tb[:0])
		if err != nil {
			return pr, err
		}
		if len(ts) > lim.MaxTransforms {
			return pr, &LimitError{Limit: "transforms", Max: int64(lim.MaxTransforms)}
		}
		for _, t := range ts {
			if t.Tag != "Transform" {
				return pr, &StructureError{Reason: "unexpected element " + quote(t.Tag) + " in Transforms"}
			}
			alg, err := algorithmOf(t)
			if err != nil {
				return pr, err
			}
			switch alg {
			case EnvelopedSignature:
				if pr.enveloped || pr.c14nURI != "" {
					return pr, &UnsupportedError{Feature: "transform order", Algorithm: alg}
				}
				if firstChildElement(t) != nil {
					return pr, &StructureError{Reason: "parameters on the enveloped-signature transform"}
				}
				pr.enveloped = true
			case ExcC14N, ExcC14NWithComments, C14N10, C14N10WithComments, C14N11, C14N11WithComments:
				if pr.c14nURI != "" {
					return pr, &UnsupportedError{Feature: "more than one canonicalization transform", Algorithm: alg}
				}
				prefixes, err := inclusivePrefixes(t)
				if err != nil {
					return pr, err
				}
				pr.c14nURI = alg
				pr.c14n, _ = modeFor(alg, prefixes)
			case transformXPath:
				if !isEnvelopedXPath(t) {
					return pr, &UnsupportedError{Feature: "XPath transform other than not(ancestor-or-self::dsig:Signature)", Algorithm: alg}
				}
				// After the enveloped-signature transform (a common
				// template) the idiom removes nothing more of this
				// Signature.
				if pr.c14nURI != "" {
					return pr, &UnsupportedError{Feature: "transform order", Algorithm: alg}
				}
				pr.enveloped = true
			case transformXPathFilter2, transformXSLT, transformBase64:
				return pr, &UnsupportedError{Feature: "transform", Algorithm: alg}
			default:
				return pr, &UnsupportedError{Feature: "transform", Algorithm: alg}
			}
		}
		i++
	}
	if i >= len(kids) || kids[i].Tag != "DigestMethod" {
		return pr, &StructureError{Reason: "Reference without DigestMethod"}
	}
	if pr.digestMethod, err = algorithmOf(kids[i]); err != nil {
		return pr, err
	}
	i++
	if i >= len(kids) || kids[i].Tag != "DigestValue" {
		return pr, &StructureError{Reason: "Reference without DigestValue"}
	}
	if pr.digest, err = base64Of(kids[i]); err != nil {
		return pr, err
	}
	if i+1 != len(kids) {
		return pr, &StructureError{Reason: "unexpected element after DigestValue"}
	}
	if pr.c14nURI == "" {
		// XML-DSig 1.1 §4.5.3.2: a node-set result is converted to octets
		// with Canonical XML 1.0 (without comments).
		pr.c14n = c14nMode{}
	}
	// Same-document references never carry comments (§4.5.3.3), whatever
	// the canonicalization transform says.
	pr.c14n.comments = false
	return pr, nil
}

// isEnvelopedXPath reports whether an XPath transform (XML-DSig 1.1
// §6.6.3) is exactly the enveloped-signature idiom of XML-DSig 1.0
// implementations, not(ancestor-or-self::dsig:Signature) with dsig bound
// to the XML-DSig namespace on the XPath element: its only child, whose
// text is that expression (surrounding whitespace aside). The idiom
// removes every Signature of the node-set, the enveloped-signature
// transform only its own: where the signed element holds another
// Signature the two differ and the digest does not match (fails closed).
func isEnvelopedXPath(t *etree.Element) bool {
	kids := t.ChildElements()
	if len(kids) != 1 || kids[0].Tag != "XPath" || kids[0].NamespaceURI() != nsDSig {
		return false
	}
	x := kids[0]
	text, err := textOf(x)
	if err != nil || strings.TrimSpace(text) != "not(ancestor-or-self::dsig:Signature)" {
		return false
	}
	uri, ok := prefixURI(x, "dsig")
	return ok && uri == nsDSig
}

// prefixURI resolves prefix in el's scope.
func prefixURI(el *etree.Element, prefix string) (string, bool) {
	for e := el; e != nil; e = e.Parent() {
		for _, a := range e.Attr {
			if a.Space == "xmlns" && a.Key == prefix {
				return a.Value, true
			}
		}
	}
	return "", false
}
