package bench

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/attribute"
	"github.com/slimcheck/slimcheck/analyze/source"
	"github.com/slimcheck/slimcheck/analyze/summary"
)

// BenchmarkStages times each stage of the analysis on the docker-archive
// named by $BENCH_ARCHIVE, wired as analyze/pipeline wires them (minus the
// memory release between stages; Walk merges and computes dive's metrics),
// and reports each as ms/op beside the
// floor's:
//
//	BENCH_ARCHIVE=$PWD/bench-out/many.tar go test -run '^$' -bench Stages -benchtime 3x ./internal/bench/
func BenchmarkStages(b *testing.B) {
	archive := os.Getenv("BENCH_ARCHIVE")
	if archive == "" {
		b.Skip("set BENCH_ARCHIVE to a docker-archive (make bench writes bench-out/big.tar and bench-out/many.tar)")
	}
	ctx := context.Background()
	var floor, walk, attr, sum time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, err := Floor(ctx, archive, FloorOptions{Hash: true}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		img, info, err := source.Open(ctx, "docker-archive:"+archive, source.DefaultOptions())
		if err != nil {
			b.Fatal(err)
		}
		wo := analyze.DefaultOptions()
		wo.Capture, wo.CapturePrefix, wo.CondensePrefix = attribute.CapturePath, attribute.CapturePrefix, attribute.CondensePrefix
		wo.StoredUncompressed = info.ReadUncompressed
		ix, err := analyze.Walk(ctx, img, wo)
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		res, err := attribute.Attribute(ctx, ix, attribute.DefaultOptions())
		if err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		summary.Build(ix, summary.Source{Reference: archive}, res, ix.Dive, summary.Options{})
		t4 := time.Now()
		floor, walk, attr, sum = floor+t1.Sub(t0), walk+t2.Sub(t1), attr+t3.Sub(t2), sum+t4.Sub(t3)
	}
	ms := func(d time.Duration) float64 { return float64(d.Milliseconds()) / float64(b.N) }
	b.ReportMetric(ms(floor), "floor+hash-ms/op")
	b.ReportMetric(ms(walk), "walk+merge+dive-ms/op")
	b.ReportMetric(ms(attr), "attribute-ms/op")
	b.ReportMetric(ms(sum), "summary-ms/op")
}
