package jose

import (
	"crypto/ed25519"
	"crypto/rand"
	"strconv"
	"testing"
	"time"
)

// steadyVerifier is a DPoPVerifier whose replay memory holds live entries
// whose expiries are spread evenly over the window; every step advances its
// clock by window/live, so about one entry expires per new proof and the
// number of live entries stays at live (the steady state of a server under
// constant load).
type steadyVerifier struct {
	v    *DPoPVerifier
	now  time.Time
	step time.Duration
}

func newSteadyVerifier(b *testing.B, live int) *steadyVerifier {
	s := &steadyVerifier{now: time.Unix(1_800_000_000, 0)}
	v, err := NewDPoPVerifier(DPoPVerifierConfig{Now: func() time.Time { return s.now }})
	if err != nil {
		b.Fatal(err)
	}
	window := v.maxAge + v.leeway
	s.v, s.step = v, window/time.Duration(live)
	for i := range live {
		if err := v.replay.Add("prefill|"+strconv.Itoa(i), s.now, s.now.Add(time.Duration(i)*s.step)); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkDPoPReplay shows that the per-proof cost does not grow with the
// number of live proofs: Verify and the replay memory alone, with 1,000 and
// with 50,000 live entries, interleaved in the same run. ratio-verify near
// 1 means flat (the former full scan made Verify about 4x slower at 21k
// live proofs). The memory alone is O(1) per proof; its ratio above 1
// comes from cache misses in a 50k-entry map, not from the algorithm.
func BenchmarkDPoPReplay(b *testing.B) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	small, large := newSteadyVerifier(b, 1_000), newSteadyVerifier(b, 50_000)
	var proofAt time.Time
	d, err := NewDPoP(DPoPConfig{Key: key, Now: func() time.Time { return proofAt }})
	if err != nil {
		b.Fatal(err)
	}
	const url = "https://rs.example/x"
	want := DPoPExpect{Method: "GET", URL: url}
	verify := func(s *steadyVerifier) time.Duration {
		s.now = s.now.Add(s.step)
		proofAt = s.now
		p, err := d.Proof("GET", url, "", "")
		if err != nil {
			b.Fatal(err)
		}
		t := time.Now()
		if _, err := s.v.Verify(p, want); err != nil {
			b.Fatal(err)
		}
		return time.Since(t)
	}
	const batch = 64
	var keyBuf []byte
	remember := func(s *steadyVerifier, i int) time.Duration {
		t := time.Now()
		for j := range batch {
			s.now = s.now.Add(s.step)
			keyBuf = strconv.AppendInt(keyBuf[:0], int64(i*batch+j), 10)
			if err := s.v.remember(string(keyBuf), s.now); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(t)
	}
	var vSmall, vLarge, mSmall, mLarge time.Duration
	b.ResetTimer()
	for i := range b.N {
		// Alternate the order so that neither side always runs first.
		if i%2 == 0 {
			vSmall += verify(small)
			vLarge += verify(large)
			mSmall += remember(small, i)
			mLarge += remember(large, i)
		} else {
			vLarge += verify(large)
			vSmall += verify(small)
			mLarge += remember(large, i)
			mSmall += remember(small, i)
		}
	}
	b.StopTimer()
	if n := large.v.replay.Len(); n < 49_000 || n > 51_000 {
		b.Fatalf("large memory holds %d entries, want about 50000", n)
	}
	n := float64(b.N)
	b.ReportMetric(float64(vSmall)/n, "verify-1k-ns")
	b.ReportMetric(float64(vLarge)/n, "verify-50k-ns")
	b.ReportMetric(float64(vLarge)/float64(vSmall), "ratio-verify-50k/1k")
	b.ReportMetric(float64(mSmall)/n/batch, "memory-1k-ns")
	b.ReportMetric(float64(mLarge)/n/batch, "memory-50k-ns")
	b.ReportMetric(float64(mLarge)/float64(mSmall), "ratio-memory-50k/1k")
}
