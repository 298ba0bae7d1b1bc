package xmlsafe

import (
	"fmt"
	"strings"
	"testing"

	"github.com/beevik/etree"
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

// BenchmarkParse compares the safe parse (pre-scan + etree) with a bare etree
// parse of the same bytes; the reported ratio is the cost of the limits.
func BenchmarkParse(b *testing.B) {
	for _, n := range []int{20, 10000} {
		data := benchDoc(n)
		var bare, safe float64
		b.Run(fmt.Sprintf("bare-etree/%dKB", len(data)>>10), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				d := etree.NewDocument()
				if err := d.ReadFromBytes(data); err != nil {
					b.Fatal(err)
				}
			}
			bare = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		})
		b.Run(fmt.Sprintf("xmlsafe/%dKB", len(data)>>10), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(data, Limits{}); err != nil {
					b.Fatal(err)
				}
			}
			safe = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			if bare > 0 {
				b.ReportMetric(safe/bare, "x-bare-etree")
			}
		})
	}
}
