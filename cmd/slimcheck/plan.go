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

// planOptions are the flags shared by the commands that plan a split.
type planOptions struct {
	demo        bool   // plan the built-in demo image instead of IMAGE
	runtimeBase string // --runtime-base / --base override
	split       bool   // propose a split even for a slim image
	offline     bool   // catalog sizes only
}

// analyzeAndPlan analyzes the image (or the demo) with every file listed and
// plans its builder/runtime split.
func analyzeAndPlan(ctx context.Context, e *env, args []string, popts pipeline.Options, po planOptions) (*pipeline.Result, *recommend.PlanResult, error) {
	ref := ""
	if !po.demo {
		ref = args[0]
	}
	res, err := analyzeForPlan(ctx, e, po.demo, ref, popts)
	if err != nil {
		return nil, nil, err
	}
	opts := recommend.DefaultOptions()
	opts.RuntimeBase = po.runtimeBase
	opts.ForceSplit = po.split
	if !po.offline {
		opts.BaseSize = baseSizeReader(e, popts)
	}
	plan, err := recommend.Plan(ctx, res.Report, opts)
	if err != nil {
		return nil, nil, err
	}
	return res, plan, nil
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
