package xoev_test

import (
	"context"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev"
)

func codeElement(t *testing.T, s string) *etree.Element {
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromString(s))
	return doc.Root()
}

func TestDecodeAndValidateCode(t *testing.T) {
	p := newParser(t)
	ctx := context.Background()
	kanal := xoev.CodeRule{ListURI: xoev.ListURIErreichbarkeit, VersionRequired: true}
	tests := []struct {
		name   string
		xml    string
		rule   xoev.CodeRule
		decode bool // decoding fails
		kind   error
	}{
		{name: "valid kanal v4", xml: `<kanal listVersionID="4"><code>01</code></kanal>`, rule: kanal},
		{name: "valid kanal v3 side by side", xml: `<kanal listURI="urn:de:xoev:codeliste:erreichbarkeit" listVersionID="3"><code> 01 </code><name>E-Mail</name></kanal>`, rule: kanal},
		{name: "missing listVersionID", xml: `<kanal><code>01</code></kanal>`, rule: kanal, kind: xoev.ErrCode},
		{name: "wrong listURI", xml: `<kanal listURI="urn:x" listVersionID="4"><code>01</code></kanal>`, rule: kanal, kind: xoev.ErrCode},
		{name: "unknown version", xml: `<kanal listVersionID="99"><code>01</code></kanal>`, rule: kanal, kind: xoev.ErrCode},
		{name: "unknown code", xml: `<kanal listVersionID="4"><code>77</code></kanal>`, rule: kanal, kind: xoev.ErrCode},
		{name: "no list at all", xml: `<c><code>01</code></c>`, rule: xoev.CodeRule{}, kind: xoev.ErrCode},
		{name: "missing code child", xml: `<kanal listVersionID="4"><name>x</name></kanal>`, rule: kanal, decode: true},
		{name: "namespaced code child", xml: `<kanal xmlns:x="urn:x" listVersionID="4"><x:code>01</x:code></kanal>`, rule: kanal, decode: true},
		{name: "unknown attribute", xml: `<kanal listVersionID="4" foo="1"><code>01</code></kanal>`, rule: kanal, decode: true},
		{name: "extra child", xml: `<kanal listVersionID="4"><code>01</code><name>a</name><x/></kanal>`, rule: kanal, decode: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := xoev.DecodeCode(codeElement(t, tt.xml), "/kanal")
			if tt.decode {
				require.ErrorIs(t, err, xoev.ErrCode)
				return
			}
			require.NoError(t, err)
			err = p.ValidateCode(ctx, c, tt.rule, "/kanal")
			if tt.kind == nil {
				require.NoError(t, err)
				assert.Equal(t, "01", c.Code)
				return
			}
			require.ErrorIs(t, err, tt.kind)
		})
	}
}
