package xoev_test

import (
	"context"
	"os"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev"
	"github.com/egosaar/ozg/xoev/xoevtest"
)

// The xdomea 3.0.0 samples validated against the bundled schema set
// (xoev/xsd TestSamplesXMLLint).
const (
	xdomea0503 = "xsd/testdata/xdomea/xx_Aussonderung.Aussonderung.0503.xml"
	xdomea0504 = "xsd/testdata/xdomea/xx_Aussonderung.AnbietungEmpfangBestaetigen.0504.xml"
	xkopf      = "xdomea:Kopf/"
)

func readSample(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

func TestXdomeaKopf(t *testing.T) {
	m, err := newParser(t).Parse(context.Background(), readSample(t, xdomea0503))
	require.NoError(t, err)
	k := m.Kopf
	assert.Equal(t, xoev.FormXdomea3, k.Form)
	assert.Equal(t, "xdomea-3.0.0", m.Profile.Name)
	assert.Equal(t, "Aussonderung.Aussonderung.0503", m.Root.Local)
	assert.Equal(t, "242f44e8-bebf-4503-a086-db252c6a4277", k.IdentifikationNachricht.NachrichtenUUID)
	assert.Equal(t, "0503", k.IdentifikationNachricht.Nachrichtentyp.Code)
	assert.Equal(t, "2018-07-24T17:25:39Z", xoev.FormatErstellungszeitpunkt(k.IdentifikationNachricht.Erstellungszeitpunkt)[:19]+"Z")
	assert.Equal(t, "EmpXdomeaInstitutionName", k.Leser.Name)
	assert.Equal(t, "AbsXdomeaInstitutionName", k.Autor.Name)
	require.NotNil(t, k.Autor.Behoerdenkennung)
	assert.Equal(t, "LATh", k.Autor.Behoerdenkennung.Kennung.Code)
	assert.Equal(t, "AbsBehoerdenkennungPraefixCode:LATh", k.Autor.Kennung)
	assert.Equal(t, "LAThDMeACU-Dummy", k.Produkt)
	assert.Empty(t, m.Warnings, "xdomea requires neither zone nor milliseconds")
	assert.Equal(t, "Schriftgutobjekt", m.Body()[0].Tag, "the body is everything after the Kopf")
}

func TestXdomeaRules(t *testing.T) {
	base := readSample(t, xdomea0503)
	tests := []struct {
		name   string
		base   []byte
		mutate func(*etree.Document)
		kind   error
	}{
		{"valid", base, nil, nil},
		{"consistent code on the 0504 sample", readSample(t, xdomea0504), setText(xkopf+"xdomea:Nachrichtentyp/code", "0504"), nil},
		{"published 0504 sample names message 0501", readSample(t, xdomea0504), nil, xoev.ErrNachrichtentyp},
		{"code of another message", base, setText(xkopf+"xdomea:Nachrichtentyp/code", "0502"), xoev.ErrNachrichtentyp},
		{"code not in the list", base, setText(xkopf+"xdomea:Nachrichtentyp/code", "9999"), xoev.ErrCode},
		{"wrong listURI", base, setAttr(xkopf+"xdomea:Nachrichtentyp", "listURI", "urn:x"), xoev.ErrCode},
		{"ProzessID not a UUID", base, setText(xkopf+"xdomea:ProzessID", "42"), xoev.ErrHeader},
		{"Erstellungszeitpunkt not a dateTime", base, setText(xkopf+"xdomea:Erstellungszeitpunkt", "gestern"), xoev.ErrHeader},
		{"Absender missing", base, at(xkopf+"xdomea:Absender", func(e *etree.Element) { e.Parent().RemoveChild(e) }), xoev.ErrHeader},
		{"Kopf elements out of order", base, at(xkopf+"xdomea:ProzessID", func(e *etree.Element) { e.Tag = "Prozess" }), xoev.ErrHeader},
		{"decomposed text in a code", base, setText(xkopf+"xdomea:Absender/xdomea:Behoerdenkennung/xdomea:Praefix/code", "Zu\u0308rich"), nil},
		{"Kopf in another namespace", base, at(xkopf[:len(xkopf)-1], func(e *etree.Element) { e.Space = ""; e.CreateAttr("xmlns", "urn:other") }), xoev.ErrNotXOEV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.base
			if tt.mutate != nil {
				in = xoevtest.Mutate(t, tt.base, tt.mutate)
			}
			_, err := newParser(t).Parse(context.Background(), in)
			if tt.kind == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.kind)
		})
	}
}

func TestXdomeaIsReadOnly(t *testing.T) {
	prof := xoevtest.Profile(t, "xdomea-3.0.0")
	_, err := xoev.NewBuilder(xoev.BuilderConfig{Profile: prof, Produkt: "p", Produkthersteller: "h"})
	require.ErrorIs(t, err, xoev.ErrInvalidConfig)
	require.ErrorIs(t, err, xoev.ErrBuild)
}
