package bench

import (
	"context"
	"os"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/pipeline"
)

// BenchmarkAnalyze runs slimcheck's whole analysis in-process on the
// docker-archive named by $BENCH_ARCHIVE, for profiling:
//
//	BENCH_ARCHIVE=bench-out/many.tar go test -run '^$' -bench Analyze -benchtime 1x \
//	    -cpuprofile cpu.prof -memprofile mem.prof ./internal/bench/
func BenchmarkAnalyze(b *testing.B) {
	archive := os.Getenv("BENCH_ARCHIVE")
	if archive == "" {
		b.Skip("set BENCH_ARCHIVE to a docker-archive (make bench writes bench-out/big.tar and bench-out/many.tar)")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pipeline.Run(context.Background(), "docker-archive:"+archive, pipeline.DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}
