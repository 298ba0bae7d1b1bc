package xmldsig

import (
	"fmt"
	"io"

	"github.com/beevik/etree"
)

// CanonicalizationMethods returns the six canonicalization method URIs this
// package implements: Canonical XML 1.0 and 1.1 and Exclusive XML
// Canonicalization 1.0, each without and with comments.
func CanonicalizationMethods() []string {
	return []string{C14N10, C14N10WithComments, C14N11, C14N11WithComments, ExcC14N, ExcC14NWithComments}
}

// Canonicalize writes the canonical form of el and its descendants to w,
// with method one of [CanonicalizationMethods]. el is the apex of a
// document subset whose ancestors are omitted, the node-set of a
// same-document "#id" reference (XML-DSig 1.1 §4.5.3.3) or of the XPath
// (//. | //@* | //namespace::*)[ancestor-or-self::el]:
//
//   - the namespace declarations in scope at el are rendered on el as each
//     specification requires (all of them for C14N 1.0/1.1, Canonical XML
//     1.0 §2.4; only the visibly used ones and those named in prefixList
//     for exclusive C14N, Exclusive XML Canonicalization 1.0 §3);
//   - the xml:* attributes of the omitted ancestors are inherited as
//     specified: C14N 1.0 §2.4 copies the nearest ones, C14N 1.1 §2.4
//     copies xml:lang and xml:space and joins xml:base values, exclusive
//     C14N imports none.
//
// prefixList is the InclusiveNamespaces PrefixList of exclusive C14N
// (Exclusive XML Canonicalization 1.0 §3, "#default" for the default
// namespace); it must be empty for the other methods. Comments are written
// only by the WithComments methods. The tree is not modified.
//
// The tree is used as etree represents it: canonicalize trees parsed from
// untrusted bytes by a parser that refuses DOCTYPEs and applies attribute
// value normalization (XML 1.0 §3.3.3), as [Verifier.Verify] does; etree
// itself does neither. Errors wrap [ErrMalformed] (an undeclared prefix,
// a nil element) or [ErrUnsupported] (an unknown method, a prefix list
// for an inclusive method), or are w's write errors.
func Canonicalize(w io.Writer, el *etree.Element, method string, prefixList ...string) error {
	if el == nil || isDocNode(el) {
		return fmt.Errorf("%w: not an element", ErrMalformed)
	}
	mode, err := canonMode(method, prefixList)
	if err != nil {
		return err
	}
	_, err = newCanonicalizer(w, mode, nil, false).subtree(el)
	return err
}

// CanonicalizeDocument writes the canonical form of a whole document to w
// (Canonical XML 1.0 §2.1 and §3.1): the root element's subtree, plus the
// processing instructions outside it and, for the WithComments methods, the
// comments outside it, separated by line feeds. The XML declaration and the
// document type declaration are not part of the canonical form. method and
// prefixList are as for [Canonicalize].
func CanonicalizeDocument(w io.Writer, doc *etree.Document, method string, prefixList ...string) error {
	if doc == nil || doc.Root() == nil {
		return fmt.Errorf("%w: no document root", ErrMalformed)
	}
	mode, err := canonMode(method, prefixList)
	if err != nil {
		return err
	}
	if err := checkProlog(&doc.Element); err != nil {
		return err
	}
	_, err = newCanonicalizer(w, mode, nil, false).document(&doc.Element, doc.Root())
	return err
}

// canonMode maps a public method URI and prefix list to a mode.
func canonMode(method string, prefixList []string) (c14nMode, error) {
	var list []string
	for _, p := range prefixList {
		switch {
		case p == "#default":
			list = append(list, "")
		case isNCName(p):
			list = append(list, p)
		default:
			return c14nMode{}, &UnsupportedError{Feature: "InclusiveNamespaces prefix " + quote(p)}
		}
	}
	mode, ok := modeFor(method, list)
	if !ok {
		return c14nMode{}, &UnsupportedError{Feature: "canonicalization method", Algorithm: method}
	}
	if len(list) > 0 && !mode.exclusive {
		return c14nMode{}, &UnsupportedError{Feature: "InclusiveNamespaces with an inclusive canonicalization", Algorithm: method}
	}
	return mode, nil
}
