package slim

import (
	"context"
	"io/fs"
	"sync"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/pipeline"
	"github.com/slimcheck/slimcheck/analyze/source"
	"github.com/slimcheck/slimcheck/internal/demo"
	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/recommend/basesize"
)

// analyzed runs the pipeline over img with the file list, as the CLI does.
func analyzed(t *testing.T, img v1.Image, ref string) *pipeline.Result {
	t.Helper()
	o := pipeline.DefaultOptions()
	o.Summary.Files = true
	res, err := pipeline.RunImage(context.Background(), img, source.Info{Reference: ref, Kind: source.KindDockerArchive, Name: ref}, o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

var (
	demoOnce sync.Once
	demoRes  *pipeline.Result
	demoErr  error
)

// demoSource analyzes the demo image once for the whole package.
func demoSource(t *testing.T) *pipeline.Result {
	t.Helper()
	demoOnce.Do(func() {
		img, err := demo.Image()
		if err != nil {
			demoErr = err
			return
		}
		o := pipeline.DefaultOptions()
		o.Summary.Files = true
		demoRes, demoErr = pipeline.RunImage(context.Background(), img,
			source.Info{Reference: demo.Reference, Kind: source.KindDockerArchive, Name: demo.Reference, ReadUncompressed: true}, o)
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoRes
}

// planOn plans res on base, reading the base's size from its registry as
// the CLI does (cache off).
func planOn(t *testing.T, res *pipeline.Result, base string) *recommend.PlanResult {
	t.Helper()
	ro := recommend.DefaultOptions()
	ro.RuntimeBase = base
	bo := basesize.DefaultOptions()
	bo.CacheDir = "-"
	ro.BaseSize = basesize.New(bo)
	plan, err := recommend.Plan(context.Background(), res.Report, ro)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Verdict != recommend.Split {
		t.Fatalf("verdict %s: %v", plan.Verdict, plan.Reasons)
	}
	return plan
}

func sourceOf(res *pipeline.Result) Source {
	return Source{Image: res.Image, Index: res.Index, Report: res.Report, Info: res.Info}
}

// readBack opens and analyzes what Write wrote.
func readBack(t *testing.T, ref string) *pipeline.Result {
	t.Helper()
	res, err := pipeline.Run(context.Background(), ref, pipeline.DefaultOptions())
	if err != nil {
		t.Fatalf("reading back %s: %v", ref, err)
	}
	return res
}

// lastLayer lists the visible entries the last layer of ix adds.
func lastLayer(ix *analyze.Index) map[string]analyze.Entry {
	out := map[string]analyze.Entry{}
	l := ix.Layers[len(ix.Layers)-1]
	for _, e := range l.Entries {
		out[e.Path] = e
	}
	return out
}

type recommendSelected = recommend.Selected

func modeOf(m uint32) fs.FileMode { return fs.FileMode(m) }
