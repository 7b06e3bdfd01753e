package pipeline

import (
	"context"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/source"
	"github.com/slimcheck/slimcheck/internal/demo"
	"github.com/slimcheck/slimcheck/report"
)

// TestDemoInvariants runs the whole pipeline on the demo image and checks
// the invariants docs/report.md promises.
func TestDemoInvariants(t *testing.T) {
	img, err := demo.Image()
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultOptions()
	opts.Summary.Files = true
	res, err := RunImage(context.Background(), img, source.Info{Reference: demo.Reference, Kind: source.KindDockerArchive}, opts)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Report
	var sum int64
	cats := map[report.Category]int64{}
	for _, c := range r.Categories {
		sum += c.Bytes
		cats[c.Category] = c.Bytes
	}
	if sum != r.Image.SizeBytes {
		t.Errorf("categories sum to %d, image size is %d", sum, r.Image.SizeBytes)
	}
	var hidden int64
	for _, l := range r.Layers {
		var ls int64
		for _, b := range l.Categories {
			ls += b
		}
		if ls != l.SizeBytes {
			t.Errorf("layer %d: categories sum to %d, layer size is %d", l.Index, ls, l.SizeBytes)
		}
		hidden += l.HiddenBytes
	}
	if hidden != r.Hidden.Bytes || r.Hidden.Bytes != cats[report.Wasted] {
		t.Errorf("hidden bytes: layers %d, total %d, wasted category %d; want all equal", hidden, r.Hidden.Bytes, cats[report.Wasted])
	}
	if r.Dive.SizeBytes != r.Image.SizeBytes {
		t.Errorf("dive size %d != image size %d", r.Dive.SizeBytes, r.Image.SizeBytes)
	}
	var notNeeded int64
	for _, c := range report.Categories() {
		if c.NotNeededAtRuntime() {
			notNeeded += cats[c]
		}
	}
	if notNeeded != r.NotNeeded {
		t.Errorf("notNeeded = %d, want %d", r.NotNeeded, notNeeded)
	}
	var files int64
	for _, f := range r.Files {
		files += f.Bytes
	}
	if files != r.Image.SizeBytes {
		t.Errorf("files sum to %d, image size is %d", files, r.Image.SizeBytes)
	}
	// The story the demo tells: most of it is not needed at run time.
	for _, c := range []report.Category{report.BuildToolchain, report.PackageCache, report.DevDependencies, report.Runtime, report.App} {
		if cats[c] == 0 {
			t.Errorf("demo has no %s bytes", c)
		}
	}
	if r.Ecosystem.Name != "node" || r.Ecosystem.AppDir != "/opt/app-root/src" || r.Ecosystem.Libc != "glibc" {
		t.Errorf("ecosystem = %+v", r.Ecosystem)
	}
}
