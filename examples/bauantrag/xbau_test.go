package main

import (
	"context"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/xoev/xsd/schemas"
)

func testMessage(t *testing.T) (*messaging, *nachricht) {
	t.Helper()
	m, err := newMessaging(t.TempDir(), time.Now)
	require.NoError(t, err)
	d := antragsdaten{Referenz: uuid.NewString(), PersonID: uuid.NewString(), Vorname: "ERIKA", Familienname: "MUSTERMANN",
		StrasseHausnummer: "HEIDESTRASSE 17", PLZ: "51147", Wohnort: "KÖLN", Email: "erika@example.org", Form: demoForm,
		Eingang: time.Now(), Baubeschreibung: []byte("Baubeschreibung")}
	n, err := m.build(context.Background(), d, func(string, ...any) {})
	require.NoError(t, err)
	return m, n
}

func TestBuildMessage(t *testing.T) {
	m, n := testMessage(t)
	require.NoError(t, m.check(context.Background(), n.Signed, func(string, ...any) {}))
	require.Error(t, m.check(context.Background(), tampered(n.Signed), func(string, ...any) {}))
}

// TestMessageInterop checks the example's message with independent
// tools: xmllint validates the unsigned message against the bundled XBau
// 2.6 schemas, xmlsec1 verifies the signature with the certificate.
func TestMessageInterop(t *testing.T) {
	m, n := testMessage(t)
	dir := t.TempDir()

	t.Run("xmllint", func(t *testing.T) {
		xmllint := testenv.XMLLint(t)
		b := schemas.XBau26()
		schemaDir := filepath.Join(dir, "xsd")
		require.NoError(t, os.CopyFS(schemaDir, b.FS))
		msg := filepath.Join(dir, "antrag.xml")
		require.NoError(t, os.WriteFile(msg, n.Plain, 0o600))
		out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join(schemaDir, filepath.FromSlash(b.Entry)), msg).CombinedOutput()
		assert.NoError(t, err, string(out))
		assert.Contains(t, string(out), "validates")
	})
	t.Run("xmlsec1", func(t *testing.T) {
		xmlsec1 := testenv.XMLSec1(t)
		cert := filepath.Join(dir, "cert.pem")
		require.NoError(t, os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: m.cert.Raw}), 0o600))
		signed := filepath.Join(dir, "signed.xml")
		require.NoError(t, os.WriteFile(signed, n.Signed, 0o600))
		out, err := exec.Command(xmlsec1, "--verify", "--trusted-pem", cert, signed).CombinedOutput()
		assert.NoError(t, err, string(out))
		bad := filepath.Join(dir, "tampered.xml")
		require.NoError(t, os.WriteFile(bad, tampered(n.Signed), 0o600))
		out, err = exec.Command(xmlsec1, "--verify", "--trusted-pem", cert, bad).CombinedOutput()
		assert.Error(t, err, string(out))
	})
}
