package xoev_test

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/xoev"
	"github.com/egosaar/ozg/xoev/xoevtest"
)

// message returns a valid XBau 0200 message padded with body records to
// about size bytes.
func message(b *testing.B, size int) []byte {
	base := string(xoevtest.XBauAntrag0200(b))
	rec := `<xbau:anlage><xbau:dokumentID>d-%06d</xbau:dokumentID><xbau:titel>Lageplan Grundstück Flur 7, Flurstück 123/4</xbau:titel>` +
		`<xbau:art listURI="urn:xoev-de:xbau:codeliste:dokumentart" listVersionID="1.1"><code>%03d</code></xbau:art></xbau:anlage>`
	var sb strings.Builder
	for i := 0; sb.Len()+len(base) < size; i++ {
		fmt.Fprintf(&sb, rec, i, i%100)
	}
	end := "</xbau:baugenehmigung.antrag.0200>"
	return []byte(strings.Replace(base, end, sb.String()+end, 1))
}

// BenchmarkParse compares Parse (secure parse + header decode + header
// validation) with a bare etree parse of the same bytes in the same run;
// the "x-etree" metric is the ratio (target ≤ 1.3).
func BenchmarkParse(b *testing.B) {
	p, err := xoev.New(xoev.Config{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, size := range []int{2 << 10, 1 << 20} {
		data := message(b, size)
		if _, err := p.Parse(ctx, data); err != nil {
			b.Fatal(err)
		}
		name := fmt.Sprintf("%dKB", len(data)>>10)
		b.Run(name+"/etree", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				doc := etree.NewDocument()
				if err := doc.ReadFromBytes(data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/xoev", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := p.Parse(ctx, data); err != nil {
					b.Fatal(err)
				}
			}
		})
		// Interleaved pairs on the same bytes, so machine noise hits both
		// sides alike; x-etree is xoev time / bare etree time.
		b.Run(name+"/ratio", func(b *testing.B) {
			var bare, full time.Duration
			var ratios []float64
			parseBare := func() {
				t := time.Now()
				doc := etree.NewDocument()
				if err := doc.ReadFromBytes(data); err != nil {
					b.Fatal(err)
				}
				bare += time.Since(t)
			}
			parseFull := func() {
				t := time.Now()
				if _, err := p.Parse(ctx, data); err != nil {
					b.Fatal(err)
				}
				full += time.Since(t)
			}
			i := 0
			for b.Loop() {
				bare, full = 0, 0
				// alternate the order so GC debt falls on both sides alike
				if i++; i%2 == 0 {
					parseBare()
					parseFull()
				} else {
					parseFull()
					parseBare()
				}
				ratios = append(ratios, float64(full)/float64(bare))
			}
			// median of per-pair ratios: robust against preemption on a
			// shared machine
			sort.Float64s(ratios)
			b.ReportMetric(ratios[len(ratios)/2], "x-etree")
		})
	}
}

func BenchmarkBuild(b *testing.B) {
	bl := xoevtest.NewBuilder(b, "xbau-2.6")
	ctx := context.Background()
	d := xoev.Draft{Root: "baugenehmigung.antrag.0200", Leser: xoevtest.Leser, Autor: xoevtest.Autor}
	b.ReportAllocs()
	for b.Loop() {
		m, err := bl.Build(ctx, d)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := m.WriteTo(&buf); err != nil {
			b.Fatal(err)
		}
	}
}
