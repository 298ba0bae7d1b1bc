package xsd_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/egosaar/ozg/xoev/xsd"
)

func TestErrorStrings(t *testing.T) {
	v := xsd.Violation{Line: 3, Path: "/a/b", Constraint: "cvc-elt.1", Msg: "m"}
	assert.Equal(t, "line 3: /a/b: cvc-elt.1: m", v.String())

	ve := &xsd.ValidationError{Violations: []xsd.Violation{v, v, v, v, v}, Truncated: true}
	msg := ve.Error()
	assert.True(t, strings.HasPrefix(msg, "xsd: document is not valid: line 3"))
	assert.Contains(t, msg, "and 2 more")
	assert.Contains(t, msg, "(truncated)")
	assert.True(t, errors.Is(ve, xsd.ErrInvalid))

	cases := []struct {
		err  *xsd.SchemaError
		want string
	}{
		{&xsd.SchemaError{File: "a.xsd", Msg: "m", Err: xsd.ErrSchema}, "xsd: invalid schema: a.xsd: m"},
		{&xsd.SchemaError{File: "a.xsd", Line: 7, Msg: "m", Err: xsd.ErrUnsupported}, "xsd: unsupported schema construct: a.xsd:7: m"},
		{&xsd.SchemaError{File: "a.xsd", Msg: "m", Err: xsd.ErrLimit}, "xsd: schema limit exceeded: a.xsd: m"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.err.Error())
		assert.True(t, errors.Is(c.err, c.err.Err))
	}
}
