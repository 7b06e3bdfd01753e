package attribute

import (
	"context"
	"testing"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/internal/demo"
	"github.com/slimcheck/slimcheck/report"
)

// TestDemoImage attributes the built-in demo image (an s2i Node.js build
// left in its runtime image) and checks what it was built to show.
func TestDemoImage(t *testing.T) {
	img, err := demo.Image()
	if err != nil {
		t.Skipf("demo image unavailable: %v", err)
	}
	ix, err := analyze.Walk(context.Background(), img, analyze.Options{Capture: CapturePath, CapturePrefix: CapturePrefix})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Attribute(context.Background(), ix, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, ix, res)
	got := totals(ix, res)
	t.Logf("demo: %s", formatTotals(got))
	t.Logf("ecosystem: %+v", res.Ecosystem)
	for _, db := range res.Databases {
		t.Logf("database %+v", db)
	}
	for _, p := range res.Problems {
		t.Logf("problem: %+v", p)
	}
	if testing.Verbose() {
		logBreakdown(t, ix, res)
	}
	for _, c := range []report.Category{report.BuildToolchain, report.PackageCache, report.DevDependencies, report.Docs, report.App, report.Runtime, report.OSBase} {
		if got[c] == 0 {
			t.Errorf("no %s bytes in the demo image", c)
		}
	}
	if res.Ecosystem.Name != "node" {
		t.Errorf("ecosystem %q", res.Ecosystem.Name)
	}
}
