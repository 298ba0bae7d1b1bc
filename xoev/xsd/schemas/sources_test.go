package schemas_test

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev/xsd"
	"github.com/egosaar/ozg/xoev/xsd/schemas"
)

// ownSchema is a standard of one's own that imports the XÖV core by URI.
const ownSchema = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:bn-uq-g2g="http://xoev.de/schemata/basisnachricht/unqualified/g2g/1_1"
  xmlns:o="urn:example:own:1" targetNamespace="urn:example:own:1">
  <xs:import namespace="http://xoev.de/schemata/basisnachricht/unqualified/g2g/1_1"
    schemaLocation="http://xoev.de/schemata/basisnachricht/unqualified/g2g/1_1/xoev-basisnachricht-unqualified-g2g_1.1.xsd"/>
  <xs:element name="m"><xs:complexType><xs:sequence>
    <xs:element name="uuid" type="bn-uq-g2g:UUID"/></xs:sequence></xs:complexType></xs:element>
</xs:schema>`

func TestCompileWithCoreSource(t *testing.T) {
	t.Parallel()
	own := fstest.MapFS{"own.xsd": {Data: []byte(ownSchema)}}
	core := schemas.XOEVCore()
	s, err := xsd.Compile(own, "own.xsd", xsd.Config{Sources: []xsd.Source{core.Source()}})
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, s.ValidateBytes(ctx, []byte(`<o:m xmlns:o="urn:example:own:1"><uuid>8a4f5c1e-3b2d-4e6f-9a1b-2c3d4e5f6a7b</uuid></o:m>`)))
	require.ErrorIs(t, s.ValidateBytes(ctx, []byte(`<o:m xmlns:o="urn:example:own:1"><uuid>nope</uuid></o:m>`)), xsd.ErrInvalid)

	// Without the source the absolute location is refused, as before.
	_, err = xsd.Compile(own, "own.xsd", xsd.Config{})
	require.ErrorIs(t, err, xsd.ErrSchema)
}

func TestSourcesRefused(t *testing.T) {
	t.Parallel()
	core := schemas.XOEVCore().Source()
	own := fstest.MapFS{
		"own.xsd":   {Data: []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:include schemaLocation="../xoev-core/xoev-code.xsd"/></xs:schema>`)},
		"plain.xsd": {Data: []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>`)},
	}
	_, err := xsd.Compile(own, "own.xsd", xsd.Config{Sources: []xsd.Source{core}})
	require.ErrorIs(t, err, xsd.ErrSchema, "a relative location must not cross into another source")

	for _, srcs := range [][]xsd.Source{
		{core, core},
		{{Name: "main", FS: own}},
		{{Name: "", FS: own}},
		{{Name: "a/b", FS: own}},
		{{Name: "x"}},
	} {
		_, err := xsd.Compile(own, "plain.xsd", xsd.Config{Sources: srcs})
		require.ErrorIs(t, err, xsd.ErrInvalidConfig, "%v", srcs)
	}
}

func TestBundleCompile(t *testing.T) {
	t.Parallel()
	for _, b := range schemas.All() {
		s, err := b.Compile(xsd.Config{})
		require.NoError(t, err, b.Name)
		assert.NotNil(t, s)
	}
	_, err := schemas.XBau26().Compile(xsd.Config{MaxSchemaDocuments: 2})
	require.ErrorIs(t, err, xsd.ErrLimit)
}

// A standard of one's own precompiled with the core as a source: Compile
// with the form and the same source uses it (same verdicts), a changed
// core file is refused as stale, and LoadPrecompiled needs no files.
func TestPrecompiledWithCoreSource(t *testing.T) {
	t.Parallel()
	own := fstest.MapFS{"own.xsd": {Data: []byte(ownSchema)}}
	cfg := xsd.Config{Sources: []xsd.Source{schemas.XOEVCore().Source()}}
	form, err := xsd.Precompile(own, "own.xsd", cfg)
	require.NoError(t, err)
	ctx := context.Background()
	good := []byte(`<o:m xmlns:o="urn:example:own:1"><uuid>8a4f5c1e-3b2d-4e6f-9a1b-2c3d4e5f6a7b</uuid></o:m>`)
	bad := []byte(`<o:m xmlns:o="urn:example:own:1"><uuid>nope</uuid></o:m>`)
	withForm := cfg
	withForm.Precompiled = form
	fromForm, err := xsd.Compile(own, "own.xsd", withForm)
	require.NoError(t, err)
	loaded, err := xsd.LoadPrecompiled(form, xsd.Config{})
	require.NoError(t, err)
	for _, s := range []*xsd.Schema{fromForm, loaded} {
		require.NoError(t, s.ValidateBytes(ctx, good))
		require.ErrorIs(t, s.ValidateBytes(ctx, bad), xsd.ErrInvalid)
	}
	changed := fstest.MapFS{"own.xsd": {Data: []byte(ownSchema + " ")}}
	_, err = xsd.Compile(changed, "own.xsd", withForm)
	require.ErrorIs(t, err, xsd.ErrSchema)
	assert.Contains(t, err.Error(), "stale")
}
