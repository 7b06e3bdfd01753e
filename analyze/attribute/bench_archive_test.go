package attribute

import (
	"context"
	"testing"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/internal/demo"
)

// BenchmarkAttribute times Attribute on indexes walked once outside the
// loop: the built-in demo image, and $BENCH_ARCHIVE (a docker archive)
// when it is set, walked as analyze/pipeline.RunImage walks it.
func BenchmarkAttribute(b *testing.B) {
	b.Run("demo", func(b *testing.B) {
		img, err := demo.Image()
		if err != nil {
			b.Skipf("demo image unavailable: %v", err)
		}
		ix, err := analyze.Walk(context.Background(), img, analyze.Options{Capture: CapturePath, CapturePrefix: CapturePrefix})
		if err != nil {
			b.Fatal(err)
		}
		benchAttribute(b, ix)
	})
	b.Run("archive", func(b *testing.B) {
		ix := archiveIndex(b, true)
		if ix == nil {
			b.Skip("BENCH_ARCHIVE is not set")
		}
		benchAttribute(b, ix)
	})
}

func benchAttribute(b *testing.B, ix *analyze.Index) {
	entries := countEntries(ix)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := Attribute(context.Background(), ix, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(entries), "entries")
}
