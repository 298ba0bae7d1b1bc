package xoev_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/egosaar/ozg/xoev"
	"github.com/egosaar/ozg/xoev/xoevtest"
)

// FuzzParse: no panic, no hang, every error typed, and every accepted
// message survives re-encoding of its header.
func FuzzParse(f *testing.F) {
	f.Add(xoevtest.XBauAntrag0200(f))
	f.Add(xoevtest.XWasserQuittung0020(f))
	for _, n := range []string{"administration_receipt.xml", "xinneres4-0200.xml", "qualified-0200.golden.xml"} {
		if b, err := os.ReadFile("testdata/" + n); err == nil {
			f.Add(b)
		}
	}
	f.Add(xoevtest.XXE())
	f.Add(xoevtest.DeepNesting(300))
	p, err := xoev.New(xoev.Config{MaxBytes: 1 << 20})
	if err != nil {
		f.Fatal(err)
	}
	sentinels := []error{xoev.ErrNotXOEV, xoev.ErrHeader, xoev.ErrCode, xoev.ErrNachrichtentyp, xoev.ErrCharacter,
		xoev.ErrKennung, xoev.ErrProfile, xoev.ErrLimit, xoev.ErrDoctype, xoev.ErrSyntax}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := p.Parse(context.Background(), data)
		if err != nil {
			for _, s := range sentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("untyped error: %v", err)
		}
		if m.Kopf.Form == xoev.FormXInneres4 {
			return
		}
		if err := m.SetNachrichtenkopf(m.Kopf); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		out, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Parse(context.Background(), out); err != nil {
			t.Fatalf("re-encoded message refused: %v", err)
		}
	})
}
