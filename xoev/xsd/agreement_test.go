package xsd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const nsXBau = "http://www.xleitstelle.de/xbau/2/6"

var xbauRoots = []string{
	"baugenehmigung.antrag.0200", "baugenehmigung.formellePruefung.0201",
	"baugenehmigung.antragGeaendert.0202", "baugenehmigung.anhoerung.0203",
	"baugenehmigung.stellungnahme.0204", "baugenehmigung.bescheid.0205",
}

type corpusDoc struct {
	name string
	data []byte
}

// buildCorpusSeeds generates valid documents for roots (seeds × richness) and
// up to perKind mutations of each kind per root.
func buildCorpusSeeds(s *Schema, ns string, roots []string, perKind int, from, to int64) (valid, mutated []corpusDoc) {
	for _, r := range roots {
		root := qname{ns, r}
		for seed := from; seed <= to; seed++ {
			o := genOpts{seed: seed, optional: 0.25 * float64(1+(seed-1)%3), repeat: int(1 + (seed-1)%3), maxDepth: 10}
			g := newGenerator(s, o)
			doc := g.document(root)
			doc.Indent(1)
			data, _ := doc.WriteToBytes()
			valid = append(valid, corpusDoc{fmt.Sprintf("%s-valid-%d.xml", r, seed), data})
			for _, kind := range mutationKinds {
				for n := 0; n < perKind; n++ {
					if m, ok := mutate(s, root, o, kind, n); ok {
						mutated = append(mutated, corpusDoc{fmt.Sprintf("%s-%d-%s-%d.xml", r, seed, kind, n), m})
					}
				}
			}
		}
	}
	return valid, mutated
}

func TestAgreementWithXMLLint(t *testing.T) {
	xmllint := xmllintPath(t)
	for _, c := range []struct {
		b       testBundle
		ns      string
		roots   []string
		perKind int
	}{
		{xbau26(t), nsXBau, xbauRoots, 2},
		{xwasser100(t), "https://gitlab.opencode.de/akdb/xoev/xwasser/-/raw/main/V1_0_0",
			[]string{"vorgang.transportieren.2010", "administration.quittung.0020", "weiterleitung.abgabe.1020"}, 1},
		{xdomea300(t), "urn:xoev-de:xdomea:schema:3.0.0",
			[]string{"Aussonderung.Anbieteverzeichnis.0501", "Aussonderung.Aussonderung.0503", "Abgabe.Abgabe.0401"}, 1},
	} {
		t.Run(c.b.Name, func(t *testing.T) {
			s, err := Compile(c.b.FS, c.b.Entry, Config{Catalog: c.b.Catalog})
			require.NoError(t, err)
			// OZG_XSD_CORPUS_SEEDS widens the corpus for local soak runs.
			seeds := int64(3)
			if v, err := strconv.Atoi(os.Getenv("OZG_XSD_CORPUS_SEEDS")); err == nil && v > 0 {
				seeds = int64(v)
			}
			valid, mutated := buildCorpusSeeds(s, c.ns, c.roots, c.perKind, 1, seeds)
			dir := t.TempDir()
			entry, catalog := writeBundle(t, c.b, t.TempDir())
			ours := map[string]error{}
			var files []string
			for _, d := range append(valid, mutated...) {
				p := filepath.Join(dir, d.name)
				require.NoError(t, os.WriteFile(p, d.data, 0o644))
				files = append(files, p)
				ours[p] = s.ValidateBytes(context.Background(), d.data)
			}
			theirs := xmllintVerdicts(t, xmllint, entry, catalog, files)
			sort.Strings(files)
			agree, oursValid, theirsValid := 0, 0, 0
			var disagree []string
			for _, f := range files {
				ok := ours[f] == nil
				if ok {
					oursValid++
				}
				if theirs[f] {
					theirsValid++
				}
				if ok == theirs[f] {
					agree++
				} else {
					disagree = append(disagree, fmt.Sprintf("%s: ours=%v xmllint valid=%v", filepath.Base(f), ours[f], theirs[f]))
				}
			}
			t.Logf("%s: xmllint agreement %d/%d documents (%d generated valid, %d mutations; xmllint: %d valid, %d invalid; ours: %d valid)",
				c.b.Name, agree, len(files), len(valid), len(mutated), theirsValid, len(files)-theirsValid, oursValid)
			for i, d := range disagree {
				if i == 15 {
					break
				}
				t.Log(d)
			}
			assert.Empty(t, disagree, "verdicts differ from xmllint")
		})
	}
}
