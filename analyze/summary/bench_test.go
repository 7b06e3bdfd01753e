package summary

import (
	"os"
	"testing"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/attribute"
	"github.com/slimcheck/slimcheck/internal/demo"
	"github.com/slimcheck/slimcheck/report"
)

type buildFunc func(*analyze.Index, Source, *attribute.Result, analyze.DiveMetrics, Options) *report.Report

// BenchmarkBuild times Build on indexes walked and attributed once outside
// the loop: the demo image, and $BENCH_ARCHIVE (a docker-archive) when set.
// Dive is computed outside the loop too, as the pipeline does.
func BenchmarkBuild(b *testing.B) { benchBuild(b, Build) }

// BenchmarkOracleBuild times the implementation Build replaced.
func BenchmarkOracleBuild(b *testing.B) { benchBuild(b, oldBuild) }

func benchBuild(b *testing.B, build buildFunc) {
	b.Run("demo", func(b *testing.B) {
		img, err := demo.Image()
		if err != nil {
			b.Fatal(err)
		}
		ix, attr := walk(b, img, false, true)
		loopBuild(b, build, ix, attr)
	})
	b.Run("archive", func(b *testing.B) {
		p := os.Getenv("BENCH_ARCHIVE")
		if p == "" {
			b.Skip("BENCH_ARCHIVE is not set")
		}
		ix, attr := openArchive(b, p, true)
		loopBuild(b, build, ix, attr)
	})
}

func loopBuild(b *testing.B, build buildFunc, ix *analyze.Index, attr *attribute.Result) {
	dm := analyze.Dive(ix)
	b.ReportAllocs()
	for b.Loop() {
		build(ix, Source{}, attr, dm, Options{})
	}
	b.ReportMetric(float64(len(ix.Final)), "final-entries")
}
