package xsd

import (
	"context"
	"encoding/xml"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/internal/xmlsafe"
)

// benchDoc generates a valid baugenehmigung.antrag.0200: a small message
// of 4–5 KB (few optional parts) for n <= 8 KiB, a typical one of 15–50 KB
// for n <= 50 KiB, otherwise one grown to at least n bytes by repeating
// the largest repeatable subtree.
func benchDoc(tb testing.TB, s *Schema, n int) []byte {
	tb.Helper()
	write := func(d *etree.Document) []byte {
		d.Indent(1)
		data, err := d.WriteToBytes()
		if err != nil {
			tb.Fatal(err)
		}
		return data
	}
	var data []byte
	for seed := int64(1); seed < 60; seed++ {
		opts := genOpts{seed: seed, optional: 0.6 + 0.1*float64(seed%4), repeat: 1 + int(seed%2), maxDepth: 10}
		if n <= 8<<10 {
			opts = genOpts{seed: seed, optional: 0.2, repeat: 1, maxDepth: 8}
		}
		g := newGenerator(s, opts)
		doc := g.document(qname{nsXBau, "baugenehmigung.antrag.0200"})
		data = write(doc)
		if n <= 8<<10 {
			if len(data) >= 4<<10 && len(data) <= 5<<10 && s.ValidateBytes(context.Background(), data) == nil {
				break
			}
			continue
		}
		if n <= 50<<10 {
			if len(data) >= 15<<10 && len(data) <= 50<<10 {
				break
			}
			continue
		}
		// Grow: clone the largest repeatable subtree.
		var best *etree.Element
		bestN := 0
		for _, si := range g.sites {
			if si.max1 || si.el.Parent() == nil {
				continue
			}
			if c := len(si.el.FindElements(".//*")); c > bestN {
				best, bestN = si.el, c
			}
		}
		if best == nil {
			continue
		}
		sub := etree.NewDocument()
		sub.SetRoot(best.Copy())
		subN := len(write(sub))
		k := (n-len(data))/subN + 1
		for i := 0; i < k; i++ {
			c := best.Copy()
			// Keep generated xs:ID values unique in every copy.
			for _, el := range append([]*etree.Element{c}, c.FindElements(".//*")...) {
				for j := range el.Attr {
					if strings.HasPrefix(el.Attr[j].Value, "id-") {
						el.Attr[j].Value += "-" + strconv.Itoa(i)
					}
				}
			}
			best.Parent().InsertChildAt(best.Index()+1, c)
		}
		data = write(doc)
		break
	}
	if err := s.ValidateBytes(context.Background(), data); err != nil {
		tb.Fatalf("generated benchmark document (%d bytes) is invalid: %v", len(data), err)
	}
	return data
}

func BenchmarkCompile(b *testing.B) {
	for _, bu := range allBundles(b) {
		b.Run(bu.Name, func(b *testing.B) {
			b.ReportAllocs()
			var ms0, ms1 runtime.MemStats
			var keep *Schema
			for i := 0; i < b.N; i++ {
				runtime.GC()
				runtime.ReadMemStats(&ms0)
				s, err := Compile(bu.FS, bu.Entry, Config{Catalog: bu.Catalog})
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&ms1)
				keep = s
			}
			b.ReportMetric(float64(int64(ms1.HeapAlloc)-int64(ms0.HeapAlloc))/(1<<20), "retained-MiB")
			runtime.KeepAlive(keep)
		})
	}
}

type nopHandler struct{}

func (nopHandler) StartElement(xml.StartElement, int) error { return nil }
func (nopHandler) EndElement() error                        { return nil }
func (nopHandler) CharData(string) error                    { return nil }

func BenchmarkValidate(b *testing.B) {
	bu := xbau26(b)
	s, err := Compile(bu.FS, bu.Entry, Config{Catalog: bu.Catalog})
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []struct {
		name string
		n    int
	}{{"typical", 20 << 10}, {"5MB", 5 << 20}} {
		data := benchDoc(b, s, size.n)
		b.Run("tokenizer-only/"+size.name, func(b *testing.B) {
			// The floor: the internal/xmlsafe token loop alone, which
			// Validate is built on.
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				if err := xmlsafe.Stream(data, xmlsafe.Limits{}, nopHandler{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(size.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			ctx := context.Background()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if err := s.ValidateBytes(ctx, data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "docs/s")
			b.ReportMetric(float64(len(data))/1024, "doc-KiB")
		})
	}
}
