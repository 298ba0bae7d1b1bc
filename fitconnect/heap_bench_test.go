//go:build !race

package fitconnect_test

import (
	"context"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
)

// BenchmarkSendHeap100MB reports the peak heap of Client.Send for a 100 MB
// attachment (EncryptInPlace) to a simulator that hashes and discards the
// body, as a multiple of the attachment size (the attachment itself
// included). Not under -race (the detector's shadow memory distorts it).
func BenchmarkSendHeap100MB(b *testing.B) {
	sim := fitconnecttest.StartWith(b, fitconnecttest.SimConfig{DiscardAttachments: true})
	c := newClient(b, sim)
	ctx := context.Background()
	if _, err := c.Destination(ctx, fitconnecttest.DestinationID); err != nil {
		b.Fatal(err)
	}
	const size = 100 << 20
	var worst float64
	for range b.N {
		runtime.GC()
		base := heapBytes()
		var peak atomic.Uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				if h := heapBytes(); h > peak.Load() {
					peak.Store(h)
				}
				select {
				case <-stop:
					return
				case <-time.After(200 * time.Microsecond):
				}
			}
		}()
		content := make([]byte, size, size+16)
		for i := range content {
			content[i] = byte(i)
		}
		s := bauantrag()
		s.Attachments = []fitconnect.Attachment{{Content: content, EncryptInPlace: true, MimeType: "application/pdf"}}
		if _, err := c.Send(ctx, s); err != nil {
			b.Fatal(err)
		}
		close(stop)
		<-done
		if r := float64(peak.Load()-base) / size; r > worst {
			worst = r
		}
	}
	b.ReportMetric(worst, "peak-heap/attachment")
}

func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
