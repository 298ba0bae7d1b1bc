package xmlsafe

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/internal/boundedio"
)

// Parse checks data against lim and parses it into an etree document.
// Errors wrap ErrDoctype, ErrLimit or ErrSyntax.
func Parse(data []byte, lim Limits) (*etree.Document, error) {
	if err := lim.Validate(); err != nil {
		return nil, err
	}
	if err := Check(data, lim); err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	// Strict parsing of UTF-8 only (XÖV and SAML require it). etree's default
	// would read any declared encoding as if it were UTF-8.
	doc.ReadSettings = etree.ReadSettings{CharsetReader: utf8Only}
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, &SyntaxError{Msg: stripPrefix(err.Error())}
	}
	if doc.Root() == nil {
		return nil, &SyntaxError{Msg: "no root element"}
	}
	// XML 1.0 §2.1: only markup and white space may surround the root
	// element; etree keeps stray text there instead of refusing it.
	for _, tok := range doc.Child {
		if cd, ok := tok.(*etree.CharData); ok && strings.TrimSpace(cd.Data) != "" {
			return nil, &SyntaxError{Msg: "text outside the root element"}
		}
	}
	return doc, nil
}

// ParseReader reads at most lim.MaxBytes from r and parses it like Parse.
// It returns the bytes read as well, for callers that need the exact input
// (signature verification works on bytes).
func ParseReader(r io.Reader, lim Limits) (*etree.Document, []byte, error) {
	lim = lim.WithDefaults()
	data, err := boundedio.ReadAll(r, lim.MaxBytes)
	if err != nil {
		if errors.Is(err, boundedio.ErrTooLarge) {
			return nil, nil, &LimitError{Limit: "bytes", Max: lim.MaxBytes, Offset: lim.MaxBytes}
		}
		return nil, nil, err
	}
	doc, err := Parse(data, lim)
	if err != nil {
		return nil, nil, err
	}
	return doc, data, nil
}

func utf8Only(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	}
	return nil, fmt.Errorf("encoding %q not supported: only UTF-8", label)
}

func stripPrefix(s string) string {
	const p = "XML syntax error "
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}
