package codelist_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev/codelist"
	"github.com/egosaar/ozg/xoev/xoevtest"
)

// The lists come from the xoev package's offline bundle (see
// ../standards/codelists and ../standards/SOURCES.md).
var bundle = os.DirFS("../standards/codelists")

const (
	xbauURI  = "urn:xoev-de:xbau:codeliste:xbau-nachrichten"
	errURI   = "urn:de:xoev:codeliste:erreichbarkeit"
	xwasURI  = "urn:xoev-de:xwasser:codeliste:nachrichtentyp"
	xbauFile = "urn_xoev-de_xbau_codeliste_xbau-nachrichten_4.0.xml"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../standards/codelists/" + name)
	require.NoError(t, err)
	return b
}

func TestLoadBundleSeveralVersionsSideBySide(t *testing.T) {
	r, err := codelist.New(codelist.Config{})
	require.NoError(t, err)
	n, err := r.LoadFS(context.Background(), bundle, "*.xml")
	require.NoError(t, err)
	assert.Equal(t, 6, n)
	assert.Equal(t, []string{"3", "4"}, r.Versions(errURI))

	l, err := r.Get(context.Background(), xbauURI, "4.0")
	require.NoError(t, err)
	assert.Equal(t, "code", l.KeyColumn())
	assert.Equal(t, "1.2", l.HandbookVersion)
	v, ok := l.Value("0200", "beschreibung")
	require.True(t, ok)
	assert.Equal(t, "baugenehmigung.antrag.0200", v)
	row, ok := l.Find("beschreibung", "baugenehmigung.bescheid.0205")
	require.True(t, ok)
	assert.Equal(t, "0205", row.Code())
	assert.False(t, l.Contains("9999"))

	x, err := r.Get(context.Background(), xwasURI, "1")
	require.NoError(t, err)
	assert.Equal(t, "Key", x.KeyColumn())
	v, _ = x.Value("2010", "Nachricht")
	assert.Equal(t, "vorgang.transportieren.2010", v)

	e4, _ := r.Lookup(errURI, "4")
	cols := e4.Columns()
	assert.Equal(t, "code", cols[0].ID)
	assert.True(t, cols[0].Required)
	// Empty Value elements mean "no value".
	_, ok = e4.Value("05", "IANA-Uniform-Resource-Identifier---URI---Scheme")
	assert.False(t, ok)
}

func TestFetcher(t *testing.T) {
	ctx := context.Background()
	good := read(t, xbauFile)
	f := &xoevtest.Fetcher{Lists: map[string][]byte{xbauURI + "|4.0": good}}
	r, err := codelist.New(codelist.Config{Fetcher: f})
	require.NoError(t, err)
	l, err := r.Get(ctx, xbauURI, "4.0")
	require.NoError(t, err)
	assert.Equal(t, 121, l.Len())
	_, err = r.Get(ctx, xbauURI, "4.0") // cached
	require.NoError(t, err)
	assert.Equal(t, 1, f.Calls)

	_, err = r.Get(ctx, xbauURI, "3.0")
	require.ErrorIs(t, err, codelist.ErrNotFound)

	// A hostile repository answering with another list is refused.
	sub := &xoevtest.Fetcher{Substitute: read(t, "urn_de_xoev_codeliste_erreichbarkeit_4.xml")}
	r2, _ := codelist.New(codelist.Config{Fetcher: sub})
	_, err = r2.Get(ctx, xbauURI, "4.0")
	require.ErrorIs(t, err, codelist.ErrMismatch)
	_, ok := r2.Lookup(errURI, "4")
	assert.False(t, ok, "substituted list must not be registered")

	fail := &xoevtest.Fetcher{Fail: true}
	r3, _ := codelist.New(codelist.Config{Fetcher: fail})
	_, err = r3.Get(ctx, xbauURI, "4.0")
	require.ErrorIs(t, err, codelist.ErrNotFound)
	require.ErrorIs(t, err, xoevtest.ErrFetch)

	slow := &xoevtest.Fetcher{Delay: time.Hour}
	r4, _ := codelist.New(codelist.Config{Fetcher: slow})
	cctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	_, err = r4.Get(cctx, xbauURI, "4.0")
	require.ErrorIs(t, err, context.DeadlineExceeded)

	hostile := &xoevtest.Fetcher{Substitute: xoevtest.BillionLaughs()}
	r5, _ := codelist.New(codelist.Config{Fetcher: hostile})
	_, err = r5.Get(ctx, xbauURI, "4.0")
	require.ErrorIs(t, err, codelist.ErrInvalid)
}

func TestParseInvalid(t *testing.T) {
	good := string(read(t, xbauFile))
	tests := []struct {
		name string
		doc  string
		kind error
	}{
		{"not genericode", `<a/>`, codelist.ErrInvalid},
		{"doctype", `<!DOCTYPE a><a/>`, codelist.ErrInvalid},
		{"no identification", strings.Replace(good, "<Identification>", "<Identifikation>", 1) + "", codelist.ErrInvalid},
		{"missing version", strings.Replace(good, "<Version>4.0</Version>", "", 1), codelist.ErrInvalid},
		{"duplicate key", strings.Replace(good, "<SimpleValue>0110</SimpleValue>", "<SimpleValue>0100</SimpleValue>", 1), codelist.ErrInvalid},
		{"unknown column ref", strings.Replace(good, `<Value ColumnRef="beschreibung">`, `<Value ColumnRef="nix">`, 1), codelist.ErrInvalid},
		{"key on unknown column", strings.Replace(good, `<ColumnRef Ref="code"/>`, `<ColumnRef Ref="nix"/>`, 1), codelist.ErrInvalid},
		{"no key", strings.Replace(strings.Replace(good, `<Key Id="codeKey">`, `<Nokey>`, 1), `</Key>`, `</Nokey>`, 1), codelist.ErrInvalid},
		{"missing required value", strings.Replace(good, `<Value ColumnRef="beschreibung">
        <SimpleValue>bauberatung.anfrage.0110</SimpleValue>
      </Value>`, ``, 1), codelist.ErrInvalid},
		{"not well-formed", good[:len(good)/2], codelist.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := codelist.Parse([]byte(tt.doc), codelist.Config{})
			require.ErrorIs(t, err, tt.kind)
		})
	}
	_, err := codelist.Parse([]byte(good), codelist.Config{MaxBytes: 1000})
	require.ErrorIs(t, err, codelist.ErrLimit)

	r, _ := codelist.New(codelist.Config{})
	_, err = r.AddBytes([]byte(good))
	require.NoError(t, err)
	_, err = r.AddBytes([]byte(good))
	require.ErrorIs(t, err, codelist.ErrDuplicate)
	_, err = codelist.New(codelist.Config{MaxBytes: -1})
	require.ErrorIs(t, err, codelist.ErrInvalidConfig)
}

func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("../standards/codelists/" + xbauFile); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`<gc:CodeList xmlns:gc="http://docs.oasis-open.org/codelist/ns/genericode/1.0/"/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := codelist.Parse(data, codelist.Config{})
		if err == nil && (l.CanonicalURI == "" || l.Version == "") {
			t.Fatal("list without identity accepted")
		}
	})
}

func TestZeroValuesDoNotPanic(t *testing.T) {
	var l codelist.List
	assert.Equal(t, "", l.KeyColumn())
	assert.False(t, l.Contains("x"))
	assert.Empty(t, l.Codes())
	var r codelist.Row
	assert.Equal(t, "", r.Code())
	_, ok := r.Value("code")
	assert.False(t, ok)
	_, ok = l.Find("code", "x")
	assert.False(t, ok)
	reg, _ := codelist.New(codelist.Config{})
	require.ErrorIs(t, reg.Add(nil), codelist.ErrInvalid)
}

func TestZeroRegistryIsUsable(t *testing.T) {
	var r codelist.Registry
	_, err := r.AddBytes(read(t, xbauFile))
	require.NoError(t, err)
	_, err = r.Get(context.Background(), xbauURI, "4.0")
	require.NoError(t, err)
	_, err = r.Get(context.Background(), xbauURI, "1.0")
	require.ErrorIs(t, err, codelist.ErrNotFound)
}
