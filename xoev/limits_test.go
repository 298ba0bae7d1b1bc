package xoev_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev"
	"github.com/egosaar/ozg/xoev/codelist"
	"github.com/egosaar/ozg/xoev/xoevtest"
)

// withErreichbarkeit appends n copies of leser's first erreichbarkeit,
// each changed by f (nil: unchanged).
func withErreichbarkeit(n int, f func(i int, kom *etree.Element)) func(*etree.Document) {
	return at(leser[:len(leser)-1], func(l *etree.Element) {
		first := l.SelectElement("erreichbarkeit")
		for i := 0; i < n; i++ {
			c := first.Copy()
			if f != nil {
				f(i, c)
			}
			l.AddChild(c)
		}
	})
}

func kanalVersion(v func(i int) string) func(int, *etree.Element) {
	return func(i int, kom *etree.Element) { kom.SelectElement("kanal").CreateAttr("listVersionID", v(i)) }
}

// xoevErrors returns the *xoev.Error values of a joined error.
func xoevErrors(err error) []*xoev.Error {
	var out []*xoev.Error
	for _, e := range flatten(err) {
		var x *xoev.Error
		if errors.As(e, &x) {
			out = append(out, x)
		}
	}
	return out
}

// countIs counts the findings that wrap target.
func countIs(errs []*xoev.Error, target error) int {
	n := 0
	for _, e := range errs {
		if errors.Is(e, target) {
			n++
		}
	}
	return n
}

// Findings are capped at Config.MaxFindings plus one ErrLimit finding,
// in Decode (structure) and in Validate (rules); warnings likewise.
func TestMaxFindings(t *testing.T) {
	xbau := xoevtest.XBauAntrag0200(t)
	badKanal := withErreichbarkeit(1000, func(_ int, kom *etree.Element) {
		kom.SelectElement("kanal").SelectElement("code").SetText("99")
	})
	qualifiedJunk := func(n int) func(*etree.Document) {
		return at(leser[:len(leser)-1], func(l *etree.Element) {
			for i := 0; i < n; i++ {
				e := l.CreateElement("q:x")
				e.CreateAttr("xmlns:q", "urn:example:q")
			}
		})
	}
	extensions := func(n int) func(*etree.Document) {
		return at(kopf[:len(kopf)-1], func(k *etree.Element) {
			for i := 0; i < n; i++ {
				k.CreateElement("x")
			}
		})
	}
	tests := []struct {
		name     string
		cfg      xoev.Config
		mutate   func(*etree.Document)
		kind     error // kind of the ordinary findings; nil: valid
		findings int   // *xoev.Error count expected, the ErrLimit one included
		limit    bool  // an ErrLimit finding is expected
	}{
		{name: "few structural findings are all reported", mutate: qualifiedJunk(3), kind: xoev.ErrHeader, findings: 3},
		{name: "structural findings capped at default", mutate: qualifiedJunk(5000), kind: xoev.ErrHeader, findings: xoev.DefaultMaxFindings + 1, limit: true},
		{name: "structural findings capped at configured value", cfg: xoev.Config{MaxFindings: 5}, mutate: qualifiedJunk(5000), kind: xoev.ErrHeader, findings: 6, limit: true},
		{name: "exactly at the cap", cfg: xoev.Config{MaxFindings: 3}, mutate: qualifiedJunk(3), kind: xoev.ErrHeader, findings: 3},
		{name: "one over the cap", cfg: xoev.Config{MaxFindings: 3}, mutate: qualifiedJunk(4), kind: xoev.ErrHeader, findings: 4, limit: true},
		{name: "rule findings capped at default", mutate: badKanal, kind: xoev.ErrCode, findings: xoev.DefaultMaxFindings + 1, limit: true},
		{name: "rule findings capped at configured value", cfg: xoev.Config{MaxFindings: 10}, mutate: badKanal, kind: xoev.ErrCode, findings: 11, limit: true},
		{name: "undeclared extensions within the cap", mutate: extensions(20), kind: xoev.ErrHeader, findings: 20},
		{name: "undeclared extensions beyond the cap", mutate: extensions(300_000), kind: nil, findings: 1, limit: true},
		{name: "extensions beyond a small cap", cfg: xoev.Config{MaxFindings: 2}, mutate: extensions(3), kind: nil, findings: 1, limit: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := xoev.New(tt.cfg)
			require.NoError(t, err)
			in := xoevtest.Mutate(t, xbau, tt.mutate)
			m, err := p.Parse(context.Background(), in)
			var xe *xoev.Error
			require.ErrorAs(t, err, &xe)
			assert.Nil(t, m)
			errs := xoevErrors(err)
			assert.Len(t, errs, tt.findings)
			if tt.kind != nil {
				assert.Equal(t, tt.findings-btoi(tt.limit), countIs(errs, tt.kind))
			}
			if tt.limit {
				require.ErrorIs(t, err, xoev.ErrLimit)
				assert.Equal(t, 1, countIs(errs, xoev.ErrLimit))
			} else {
				assert.NotErrorIs(t, err, xoev.ErrLimit)
			}
			assert.Less(t, len(err.Error()), 200*(tt.findings+1), "error text grows with the input")
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestConfigRefusesNegativeCaps(t *testing.T) {
	for _, cfg := range []xoev.Config{{MaxFindings: -1}, {MaxCodeListFetches: -1}} {
		_, err := xoev.New(cfg)
		require.ErrorIs(t, err, xoev.ErrInvalidConfig, "%+v", cfg)
	}
}

// A message cannot make the registry fetch more than
// MaxCodeListFetches distinct lists; each list is resolved once per
// message, failures are remembered across messages, and warnings quote
// message values bounded.
func TestCodeListFetchBudget(t *testing.T) {
	xbau := xoevtest.XBauAntrag0200(t)
	erreichbarkeit4, err := os.ReadFile("standards/codelists/urn_de_xoev_codeliste_erreichbarkeit_4.xml")
	require.NoError(t, err)
	distinct := func(n int) func(*etree.Document) {
		return withErreichbarkeit(n, kanalVersion(func(i int) string { return fmt.Sprintf("v%d-%s", i, strings.Repeat("A", 200)) }))
	}
	same := func(n int, v string) func(*etree.Document) {
		return withErreichbarkeit(n, kanalVersion(func(int) string { return v }))
	}
	tests := []struct {
		name    string
		fetcher *xoevtest.Fetcher
		bundled bool // registry holds the shipped lists
		cfg     xoev.Config
		mutate  func(*etree.Document)
		calls   int  // fetcher calls for two parses of the message
		invalid bool // ErrLimit finding expected
		warns   int  // valid messages: one warning per unavailable list
	}{
		{name: "5000 distinct versions, failing fetcher", fetcher: &xoevtest.Fetcher{Fail: true}, bundled: true, mutate: distinct(5000), calls: xoev.DefaultMaxCodeListFetches, invalid: true},
		{name: "5000 distinct versions, empty repository", fetcher: &xoevtest.Fetcher{}, bundled: true, mutate: distinct(5000), calls: xoev.DefaultMaxCodeListFetches, invalid: true},
		{name: "configured budget", fetcher: &xoevtest.Fetcher{Fail: true}, bundled: true, cfg: xoev.Config{MaxCodeListFetches: 2}, mutate: distinct(3), calls: 2, invalid: true},
		{name: "one over the budget", fetcher: &xoevtest.Fetcher{Fail: true}, bundled: true, mutate: distinct(xoev.DefaultMaxCodeListFetches), calls: xoev.DefaultMaxCodeListFetches, invalid: true},
		{name: "exactly the budget", fetcher: &xoevtest.Fetcher{Fail: true}, bundled: true, mutate: distinct(xoev.DefaultMaxCodeListFetches - 1), calls: xoev.DefaultMaxCodeListFetches, warns: xoev.DefaultMaxCodeListFetches},
		{name: "same unknown version 1000 times", fetcher: &xoevtest.Fetcher{Fail: true}, bundled: true, mutate: same(1000, "99"), calls: 2, warns: 2},
		{name: "no fetcher, many distinct versions", bundled: true, mutate: distinct(100), invalid: true},
		{name: "fetched list used for 1000 entries", fetcher: &xoevtest.Fetcher{Lists: map[string][]byte{"urn:de:xoev:codeliste:erreichbarkeit|4": erreichbarkeit4}}, mutate: same(1000, "4"), calls: 2, warns: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lists *codelist.Registry
			ccfg := codelist.Config{Now: xoevtest.Clock()}
			if tt.fetcher != nil {
				ccfg.Fetcher = tt.fetcher
			}
			if tt.bundled {
				lists, err = xoev.StandardCodeLists(context.Background(), ccfg)
				require.NoError(t, err)
			} else {
				lists, err = codelist.New(ccfg)
				require.NoError(t, err)
				_, err = lists.LoadFS(context.Background(), xoev.StandardsFS(), "standards/codelists/urn_xoev-de_xbau_*.xml")
				require.NoError(t, err)
			}
			cfg := tt.cfg
			cfg.CodeLists = lists
			p, err := xoev.New(cfg)
			require.NoError(t, err)
			in := xoevtest.Mutate(t, xbau, tt.mutate)
			for range 2 {
				m, err := p.Parse(context.Background(), in)
				if !tt.invalid {
					require.NoError(t, err)
					assert.Len(t, m.Warnings, tt.warns, "one warning per unavailable list")
					for _, w := range m.Warnings {
						assert.Less(t, len(w.Message), 250, "warning quotes message values unbounded")
					}
					continue
				}
				require.ErrorIs(t, err, xoev.ErrLimit)
				require.ErrorIs(t, err, xoev.ErrCode)
				errs := xoevErrors(err)
				assert.Equal(t, 1, countIs(errs, xoev.ErrLimit))
				assert.Less(t, len(err.Error()), 1000)
			}
			if tt.fetcher != nil {
				assert.Equal(t, tt.calls, tt.fetcher.Calls)
			}
		})
	}
}

// A failed fetch of a list the profile fixes (nachrichtentyp) is an
// error, not a warning.
func TestRequiredListUnavailableIsError(t *testing.T) {
	f := &xoevtest.Fetcher{Fail: true}
	lists, err := codelist.New(codelist.Config{Fetcher: f})
	require.NoError(t, err)
	p, err := xoev.New(xoev.Config{CodeLists: lists})
	require.NoError(t, err)
	_, err = p.Parse(context.Background(), xoevtest.XBauAntrag0200(t))
	require.ErrorIs(t, err, xoev.ErrCode)
	require.ErrorIs(t, err, codelist.ErrNotFound)
	require.ErrorIs(t, err, xoevtest.ErrFetch)
}
