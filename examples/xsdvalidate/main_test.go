package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const samples = "../../xoev/xsd/testdata/xwasser/"

func TestRun(t *testing.T) {
	ctx := context.Background()
	bad := filepath.Join(t.TempDir(), "bad.xml")
	require.NoError(t, os.WriteFile(bad, []byte("<a>"), 0o644))
	dir := t.TempDir()
	xsdPath := filepath.Join(dir, "s.xsd")
	require.NoError(t, os.WriteFile(xsdPath, []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a" type="xs:int"/></xs:schema>`), 0o644))
	good := filepath.Join(dir, "good.xml")
	require.NoError(t, os.WriteFile(good, []byte("<a>1</a>"), 0o644))
	cases := []struct {
		name   string
		args   []string
		status int
		out    []string
	}{
		{"valid sample", []string{"-bundle", "xwasser-1.0.0", samples + "administration_receipt.xml"}, 0, []string{"administration_receipt.xml validates"}},
		{"invalid sample", []string{"-bundle", "xwasser-1.0.0", samples + "monitoring_plan_minimal.xml"}, 1, []string{"cvc-attribute.4", "monitoring_plan_minimal.xml fails to validate"}},
		{"mixed", []string{"-q", "-bundle", "XWasser-1.0.0", samples + "administration_receipt.xml", bad}, 1, []string{"validates", "bad.xml fails to validate"}},
		{"missing file", []string{"-bundle", "xbau-2.6", "/nonexistent.xml"}, 1, []string{"fails to validate"}},
		{"schema on disk", []string{"-schema", xsdPath, good}, 0, []string{"good.xml validates"}},
		{"unknown bundle", []string{"-bundle", "nope", good}, 2, []string{"unknown bundle"}},
		{"no documents", []string{"-bundle", "xbau-2.6"}, 2, []string{"usage"}},
		{"both sources", []string{"-bundle", "xbau-2.6", "-schema", xsdPath, good}, 2, []string{"usage"}},
		{"bad schema", []string{"-schema", good, good}, 2, []string{"invalid schema"}},
		{"bad flag", []string{"-nope"}, 2, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			assert.Equal(t, c.status, run(ctx, c.args, &out), out.String())
			for _, want := range c.out {
				assert.True(t, strings.Contains(out.String(), want), "%q not in %q", want, out.String())
			}
		})
	}
}
