package xmlsafe

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/internal/boundedio"
)

// Parse parses data into an etree document under lim in one pass: the
// limits, the DOCTYPE ban, the well-formedness constraints of XML 1.0 (Fifth
// Edition) and the namespace constraints of Namespaces in XML 1.0 (Third
// Edition) are enforced while the tree is built, so a hostile document is
// refused before the work or memory it would cost exceeds what lim allows.
// Attribute values are normalized per XML 1.0 §3.3.3 (see doc.go). Errors wrap ErrDoctype, ErrLimit (*LimitError) or ErrSyntax
// (*SyntaxError with line and byte offset).
//
// data is copied once; the caller may reuse it afterwards.
func Parse(data []byte, lim Limits) (*etree.Document, error) {
	if err := lim.Validate(); err != nil {
		return nil, err
	}
	lim = lim.WithDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return nil, &LimitError{Limit: "bytes", Max: lim.MaxBytes, Offset: lim.MaxBytes}
	}
	p := newParser(string(data), lim)
	p.b.presize(p.s)
	doc := etree.NewDocument()
	// Kept for callers that read more into the document: UTF-8 only.
	doc.ReadSettings = etree.ReadSettings{CharsetReader: utf8Only}
	err := p.document(doc)
	p.release(err != nil)
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// ParseReader reads at most lim.MaxBytes from r and parses it like Parse.
// It returns the bytes read as well, for callers that need the exact input
// (signature verification works on bytes).
func ParseReader(r io.Reader, lim Limits) (*etree.Document, []byte, error) {
	lim = lim.WithDefaults()
	data, err := readBounded(r, lim)
	if err != nil {
		return nil, nil, err
	}
	doc, err := Parse(data, lim)
	if err != nil {
		return nil, nil, err
	}
	return doc, data, nil
}

// readBounded reads at most lim.MaxBytes (lim with defaults applied) from
// r; more input is a *LimitError, as for a too long []byte.
func readBounded(r io.Reader, lim Limits) ([]byte, error) {
	data, err := boundedio.ReadAll(r, lim.MaxBytes)
	if errors.Is(err, boundedio.ErrTooLarge) {
		return nil, &LimitError{Limit: "bytes", Max: lim.MaxBytes, Offset: lim.MaxBytes}
	}
	return data, err
}

func utf8Only(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	}
	return nil, fmt.Errorf("encoding %q not supported: only UTF-8", label)
}
