package xsd_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev/xsd"
	"github.com/egosaar/ozg/xoev/xsd/schemas"
)

func compileBundle(t testing.TB, b schemas.Bundle) *xsd.Schema {
	t.Helper()
	s, err := xsd.Compile(b.FS, b.Entry, xsd.Config{Catalog: b.Catalog})
	require.NoError(t, err, b.Name)
	return s
}

func TestBundlesCompile(t *testing.T) {
	for _, b := range schemas.All() {
		t.Run(b.Name, func(t *testing.T) {
			compileBundle(t, b)
		})
	}
}

// sampleVerdicts are xmllint's verdicts on the shipped samples (SOURCES.md
// of each set); TestSamplesXMLLint re-checks them against xmllint.
var sampleVerdicts = []struct {
	bundle func() schemas.Bundle
	file   string
	valid  bool
}{
	{schemas.XWasser100, "testdata/xwasser/administration_receipt.xml", true},
	{schemas.XWasser100, "testdata/xwasser/quality_report_minimal.xml", true},
	{schemas.XWasser100, "testdata/xwasser/monitoring_plan_minimal_test_result.xml", true},
	{schemas.XWasser100, "testdata/xwasser/monitoring_plan_minimal.xml", false},
	{schemas.XWasser100, "testdata/xwasser/olb_report_signature_builder_test_result.xml", true},
	{schemas.Xdomea300, "testdata/xdomea/xx_Aussonderung.AnbietungEmpfangBestaetigen.0504.xml", true},
	{schemas.Xdomea300, "testdata/xdomea/xx_Aussonderung.Aussonderung.0503.xml", true},
}

func TestSamples(t *testing.T) {
	for _, c := range sampleVerdicts {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			s := compileBundle(t, c.bundle())
			data, err := os.ReadFile(c.file)
			require.NoError(t, err)
			err = s.ValidateBytes(context.Background(), data)
			if c.valid {
				assert.NoError(t, err)
				return
			}
			var ve *xsd.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, xsd.ErrInvalid)
			// xmllint reports exactly these three (SOURCES.md).
			require.Len(t, ve.Violations, 3)
			assert.Equal(t, 74, ve.Violations[0].Line)
			assert.Equal(t, "cvc-complex-type.2.4.a", ve.Violations[0].Constraint)
			assert.Contains(t, ve.Violations[0].Path, "/terminplan/probennahmestelleKategorie")
			assert.Equal(t, 101, ve.Violations[1].Line)
			assert.Equal(t, "cvc-attribute.4", ve.Violations[1].Constraint)
			assert.Equal(t, 119, ve.Violations[2].Line)
		})
	}
}
