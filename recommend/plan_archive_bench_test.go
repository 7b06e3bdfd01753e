package recommend_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/pipeline"
	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/report"
)

// archiveReport analyzes the docker-archive named by $BENCH_ARCHIVE the way
// `slimcheck ci` does (every file entry included), skipping when it is unset.
func archiveReport(tb testing.TB) (*report.Report, string) {
	tb.Helper()
	archive := os.Getenv("BENCH_ARCHIVE")
	if archive == "" {
		tb.Skip("BENCH_ARCHIVE is not set")
	}
	opts := pipeline.DefaultOptions()
	opts.Summary.Files = true
	res, err := pipeline.Run(context.Background(), "docker-archive:"+archive, opts)
	if err != nil {
		tb.Fatalf("analyzing %s: %v", archive, err)
	}
	return res.Report, archive
}

// BenchmarkPlanArchive times recommend.Plan alone on a real archive.
func BenchmarkPlanArchive(b *testing.B) {
	r, _ := archiveReport(b)
	opts := recommend.DefaultOptions()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := recommend.Plan(context.Background(), r, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPlanArchiveGolden writes the plan for $BENCH_ARCHIVE as indented JSON
// into $PLAN_GOLDEN_DIR (named after the archive), to compare versions of
// the planner byte for byte. It skips unless both variables are set.
func TestPlanArchiveGolden(t *testing.T) {
	dir := os.Getenv("PLAN_GOLDEN_DIR")
	if dir == "" {
		t.Skip("PLAN_GOLDEN_DIR is not set")
	}
	r, archive := archiveReport(t)
	base := strings.TrimSuffix(filepath.Base(archive), filepath.Ext(archive))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("creating %s: %v", dir, err)
	}
	forced := recommend.DefaultOptions()
	forced.RuntimeBase, forced.ForceSplit = "node:20-slim", true
	for _, tc := range []struct {
		name string
		opts recommend.Options
	}{
		{base, recommend.DefaultOptions()},
		{base + ".forced", forced}, // reaches the copy set whatever the catalog says
	} {
		writeGolden(t, r, tc.opts, filepath.Join(dir, tc.name))
	}
}

// writeGolden writes the plan made with opts as prefix.plan.json and the
// files its copy set selects as prefix.select.json.
func writeGolden(t *testing.T, r *report.Report, opts recommend.Options, prefix string) {
	t.Helper()
	plan, err := recommend.Plan(context.Background(), r, opts)
	if err != nil {
		t.Fatalf("planning: %v", err)
	}
	data, err := json.MarshalIndent(plan, "", "  ")
	if err != nil {
		t.Fatalf("encoding plan: %v", err)
	}
	if err := os.WriteFile(prefix+".plan.json", append(data, '\n'), 0o644); err != nil {
		t.Fatalf("writing golden: %v", err)
	}
	sel, err := json.MarshalIndent(plan.Copy.Select(r.Files), "", " ")
	if err != nil {
		t.Fatalf("encoding selection: %v", err)
	}
	if err := os.WriteFile(prefix+".select.json", append(sel, '\n'), 0o644); err != nil {
		t.Fatalf("writing selection: %v", err)
	}
}
