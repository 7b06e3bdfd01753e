package main

import (
	"context"
	"fmt"

	"github.com/slimcheck/slimcheck/analyze/pipeline"
	"github.com/slimcheck/slimcheck/analyze/source"
	"github.com/slimcheck/slimcheck/internal/demo"
	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/recommend/basesize"
)

// analyzeForPlan analyzes the demo image (useDemo) or ref with every file
// listed, as planning needs.
func analyzeForPlan(ctx context.Context, e *env, useDemo bool, ref string, popts pipeline.Options) (*pipeline.Result, error) {
	popts.Summary.Files = true
	popts.Summary.ToolVersion = version
	if !useDemo {
		return analyzeWithProgress(ctx, e, ref, popts)
	}
	img, err := demo.Image()
	if err != nil {
		return nil, err
	}
	return pipeline.RunImage(ctx, img, source.Info{Reference: demo.Reference, Kind: source.KindDockerArchive, Name: demo.Reference}, popts)
}

// baseSizeReader reads runtime-base sizes from their registries (walked
// once, cached by digest), with the same source and walk limits as the
// analysis, telling an interactive user what it fetches.
func baseSizeReader(e *env, popts pipeline.Options) recommend.BaseSizeFunc {
	bo := basesize.DefaultOptions()
	bo.Source = popts.Source
	bo.Walk.Concurrency = popts.Walk.Concurrency
	bo.Walk.MaxUncompressed = popts.Walk.MaxUncompressed
	read := basesize.New(bo)
	return func(ctx context.Context, ref, platform string) (recommend.BaseInfo, error) {
		if isTTY(e.stderr) {
			fmt.Fprintf(e.stderr, "reading the size of %s from its registry (cached by digest)…\n", ref)
		}
		return read(ctx, ref, platform)
	}
}
