package sidebyside

import (
	"slices"
	"testing"
	"time"
)

// PerRound is the number of calls of each side per round.
const PerRound = 20

// Compare calls ours and anchor PerRound times each per benchmark
// iteration, interleaved, and reports "ratio" (the median of the
// per-round ratios ours ÷ anchor, steadier than a ratio of sums on a
// shared machine), "ours-ns/op" and "anchor-ns/op". An error from either
// side fails the benchmark.
func Compare(b *testing.B, ours, anchor func() error) {
	b.Helper()
	var sumO, sumA time.Duration
	var ratios []float64
	for b.Loop() {
		var o, a time.Duration
		for range PerRound {
			t0 := time.Now()
			if err := ours(); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if err := anchor(); err != nil {
				b.Fatal(err)
			}
			o += t1.Sub(t0)
			a += time.Since(t1)
		}
		sumO, sumA = sumO+o, sumA+a
		ratios = append(ratios, float64(o)/float64(a))
	}
	if len(ratios) == 0 {
		return
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "ratio")
	b.ReportMetric(float64(sumO.Nanoseconds())/float64(b.N*PerRound), "ours-ns/op")
	b.ReportMetric(float64(sumA.Nanoseconds())/float64(b.N*PerRound), "anchor-ns/op")
}
