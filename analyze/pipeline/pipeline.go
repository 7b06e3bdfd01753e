// Package pipeline runs the analysis stages in order — open the image, walk
// its layers, attribute every byte, summarise — and hands back the report.
// It is the one place the stages are wired together; commands, the CI gate
// and the TUI's loader call it.
package pipeline

import (
	"context"
	"fmt"
	"runtime"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/attribute"
	"github.com/slimcheck/slimcheck/analyze/source"
	"github.com/slimcheck/slimcheck/analyze/summary"
	"github.com/slimcheck/slimcheck/report"
)

// Options configures a run.
type Options struct {
	Source      source.Options    // how to open the image
	Walk        analyze.Options   // how to walk it (Capture is filled in by Run)
	Summary     summary.Options   // what to put in the report
	Attribute   attribute.Options // attribution settings
	NoAttribute bool              // skip attribution (every visible byte is os-base)
}

// DefaultOptions returns the options the CLI starts from.
func DefaultOptions() Options {
	return Options{
		Source:    source.DefaultOptions(),
		Walk:      analyze.DefaultOptions(),
		Attribute: attribute.DefaultOptions(),
	}
}

// Result is what a run produced.
type Result struct {
	Report *report.Report    // the report every renderer reads
	Index  *analyze.Index    // the raw index, for features that read file entries
	Image  v1.Image          // the opened image
	Info   source.Info       // where it came from
	Attr   *attribute.Result // the attribution (nil with NoAttribute)
}

// Run opens ref and analyzes it.
func Run(ctx context.Context, ref string, opts Options) (*Result, error) {
	img, info, err := source.Open(ctx, ref, opts.Source)
	if err != nil {
		return nil, err
	}
	return RunImage(ctx, img, info, opts)
}

// RunImage analyzes an already opened image.
func RunImage(ctx context.Context, img v1.Image, info source.Info, opts Options) (*Result, error) {
	wo := opts.Walk
	if !opts.NoAttribute {
		wo.Capture = attribute.CapturePath
		wo.CapturePrefix = attribute.CapturePrefix
		wo.CondensePrefix = attribute.CondensePrefix
	}
	wo.StoredUncompressed = wo.StoredUncompressed || info.ReadUncompressed
	wo.ReleaseMemory = true
	ix, err := analyze.Walk(ctx, img, wo)
	if err != nil {
		return nil, fmt.Errorf("analyzing %s: %w", info.Reference, err)
	}
	// The path trie the merge and dive's metrics shared is garbage now and
	// attribution's tables are next: collect it first, so they take its
	// pages and peak memory is the index plus the larger of the two, not
	// their sum and the collector's headroom (internal/bench/README.md).
	// The pages stay with the process: handed back to the operating system
	// (debug.FreeOSMemory), they were faulted in again at once, ~9k page
	// faults on the 205k-file bench image, more than the memory saved was
	// worth.
	runtime.GC()
	dm := ix.Dive
	var attr *attribute.Result
	if !opts.NoAttribute {
		attr, err = attribute.Attribute(ctx, ix, opts.Attribute)
		if err != nil {
			return nil, fmt.Errorf("attributing %s: %w", info.Reference, err)
		}
	}
	src := summary.Source{Reference: info.Reference, Kind: string(info.Kind), Name: info.Name, Digest: info.Digest, Platform: info.Platform}
	rep := summary.Build(ix, src, attr, dm, opts.Summary)
	rep.Image.ConfigDigest = info.ID
	return &Result{Report: rep, Index: ix, Image: img, Info: info, Attr: attr}, nil
}
