package xoev

import (
	"context"
	"errors"

	"github.com/beevik/etree"
)

// DecodeCode reads an xoev-code:Code element from a message body (for
// standard-specific decoders): attributes listURI and listVersionID,
// unqualified children code and optional name. path names the element in
// errors (e.g. "/xbau:…/xbau:antragsteller/xbau:art").
func DecodeCode(e *etree.Element, path string) (Code, error) {
	if e == nil {
		return Code{}, newErr(ErrCode, path, "missing code element")
	}
	var d decoder
	c := d.decodeCode(e, path)
	if len(d.errs) > 0 {
		errs := make([]error, len(d.errs))
		for i, err := range d.errs {
			var x *Error
			if errors.As(err, &x) {
				cp := *x
				cp.Kind = ErrCode
				err = &cp
			}
			errs[i] = err
		}
		return Code{}, errors.Join(errs...)
	}
	return c, nil
}

// ValidateCode applies r to c (see CheckCode) and checks that c.Code is in
// the code list it names (listURI/listVersionID, or the values r fixes),
// using the Parser's code list registry; ctx bounds a fetch. A list that
// cannot be resolved is an error. Errors wrap ErrCode.
func (p *Parser) ValidateCode(ctx context.Context, c Code, r CodeRule, path string) error {
	if err := p.ready(); err != nil {
		return err
	}
	if err := CheckCode(c, r, path); err != nil {
		return err
	}
	uri, version := effective(c, r)
	if uri == "" || version == "" {
		return newErr(ErrCode, path, "listURI and listVersionID are needed to check the code")
	}
	v := p.newValidation(ctx)
	v.listed(c, r, path, true)
	return v.err()
}
