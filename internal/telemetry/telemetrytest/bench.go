package telemetrytest

import (
	"slices"
	"testing"
	"time"
)

// CompareNoop runs the same operation instrumented with the no-op
// providers (noop) and with the instrumentation bypassed (bare),
// alternating which goes first, and reports both medians and their ratio
// noop/bare (the cost of the instrumentation when the application
// installs no provider; the module's target is ≤ 1.02). Medians, because
// on a shared machine a few descheduled iterations would otherwise decide
// the ratio. Both functions get the iteration number (for unique keys);
// -1 is the warm-up.
func CompareNoop(b *testing.B, noop, bare func(i int)) {
	b.Helper()
	noop(-1)
	bare(-1)
	noopT := make([]time.Duration, 0, b.N)
	bareT := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		first, second := noop, bare
		if i%2 == 1 {
			first, second = bare, noop
		}
		s := time.Now()
		first(i)
		m := time.Now()
		second(i)
		d1, d2 := m.Sub(s), time.Since(m)
		if i%2 == 1 {
			d1, d2 = d2, d1
		}
		noopT, bareT = append(noopT, d1), append(bareT, d2)
	}
	mNoop, mBare := median(noopT), median(bareT)
	b.ReportMetric(float64(mNoop.Nanoseconds()), "noop-ns/op")
	b.ReportMetric(float64(mBare.Nanoseconds()), "bare-ns/op")
	b.ReportMetric(float64(mNoop)/float64(mBare), "noop/bare")
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
