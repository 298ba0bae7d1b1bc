package xmlsafe

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func benchDoc(elements int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><r xmlns="urn:x" xmlns:a="urn:a">`)
	for i := range elements {
		fmt.Fprintf(&b, `<a:item id="i%d" kind="k"><name>Name %d</name><value>%d</value></a:item>`, i, i, i*7)
	}
	b.WriteString(`</r>`)
	return []byte(b.String())
}

// base64Doc is a document with one text node of n bytes of base64 in
// 76-character lines, the shape of an XÖV attachment.
func base64Doc(n int) []byte {
	raw := make([]byte, n*3/4)
	_, _ = rand.Read(raw)
	enc := base64.StdEncoding.EncodeToString(raw)
	var b strings.Builder
	b.Grow(len(enc) + len(enc)/76 + 200)
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><r xmlns="urn:x"><Anlage><Inhalt>`)
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteByte('\n')
		enc = enc[76:]
	}
	b.WriteString(enc)
	b.WriteString(`</Inhalt></Anlage></r>`)
	return []byte(b.String())
}

// BenchmarkParse runs the former parser (Check + encoding/xml + etree, the
// anchor) and Parse side by side on the same bytes. Parse reports
// "x-faster" (anchor ns/op / Parse ns/op) and both report allocated bytes
// per document byte ("B/docbyte").
func BenchmarkParse(b *testing.B) {
	docs := []struct {
		name string
		gen  func() []byte
	}{
		{"2KB", func() []byte { return benchDoc(28) }},
		{"1MB", func() []byte { return benchDoc(14000) }},
		{"20MB-base64", func() []byte { return base64Doc(20 << 20) }},
	}
	for _, d := range docs {
		data := sync.OnceValue(d.gen)
		var ref float64
		run := func(b *testing.B, parse func([]byte, Limits) (any, error)) float64 {
			data := data()
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				// Explicit limits: the 20 MB document is above the defaults.
				if _, err := parse(data, Limits{MaxBytes: 64 << 20, MaxElements: 2_000_000}); err != nil {
					b.Fatal(err)
				}
			}
			return float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		}
		perByte := func(b *testing.B, f func()) {
			before := allocBytes()
			f()
			after := allocBytes()
			b.ReportMetric(float64(after-before)/float64(len(data())), "B/docbyte")
		}
		b.Run("reference/"+d.name, func(b *testing.B) {
			ref = run(b, func(data []byte, l Limits) (any, error) { return parseReference(data, l) })
			perByte(b, func() { _, _ = parseReference(data(), Limits{}) })
		})
		b.Run("xmlsafe/"+d.name, func(b *testing.B) {
			ns := run(b, func(data []byte, l Limits) (any, error) { return Parse(data, l) })
			perByte(b, func() { _, _ = Parse(data(), Limits{}) })
			if ref > 0 {
				b.ReportMetric(ref/ns, "x-faster")
			}
		})
	}
}

func allocBytes() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}
