package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/slimcheck/slimcheck/analyze/pipeline"
	"github.com/slimcheck/slimcheck/report"
)

// imageOptions are the flags every command that opens an image shares.
type imageOptions struct {
	platform        string
	insecure        bool
	timeout         time.Duration
	retries         int
	maxUncompressed string
	concurrency     int
	verify          bool
}

func addImageOptions(cmd *cobra.Command, o *imageOptions) {
	def := pipeline.DefaultOptions()
	f := cmd.Flags()
	f.StringVar(&o.platform, "platform", def.Source.Platform, "platform to pick from a multi-arch image (os/arch[/variant])")
	f.BoolVar(&o.insecure, "insecure", false, "allow plain-HTTP and unverified-TLS registries")
	f.DurationVar(&o.timeout, "timeout", def.Source.Timeout, "fail a registry request that stalls this long (0 = never)")
	f.IntVar(&o.retries, "retries", def.Source.Retries, "retries of a registry request on 429/5xx and dropped connections")
	f.StringVar(&o.maxUncompressed, "max-uncompressed", "", "refuse images that expand past this size (e.g. 20GB)")
	f.IntVar(&o.concurrency, "concurrency", 0, "layers decompressed at once (0 = number of CPUs)")
	f.BoolVar(&o.verify, "verify", false, "check docker-archive layers against the config's diff IDs, as docker load does (a sha256 pass over every uncompressed byte; registry and OCI blobs are always checked)")
}

// pipelineOptions turns the flags into pipeline options.
func (o *imageOptions) pipelineOptions() (pipeline.Options, error) {
	opts := pipeline.DefaultOptions()
	opts.Source.Platform = o.platform
	opts.Source.Insecure = o.insecure
	opts.Source.Timeout = o.timeout
	opts.Source.Retries = o.retries
	opts.Source.VerifyDiffIDs = o.verify
	if o.concurrency > 0 {
		opts.Walk.Concurrency = o.concurrency
	}
	if o.maxUncompressed != "" {
		n, err := report.ParseBytes(o.maxUncompressed)
		if err != nil {
			return opts, fmt.Errorf("--max-uncompressed: %w", err)
		}
		opts.Walk.MaxUncompressed = n
	}
	if err := opts.Source.Validate(); err != nil {
		return opts, err
	}
	return opts, opts.Walk.Validate()
}

// outputOptions are the flags of commands that print a report.
type outputOptions struct {
	format  string
	output  string
	force   bool
	noColor bool
	top     int
}

func addOutputOptions(cmd *cobra.Command, o *outputOptions, formats ...string) {
	f := cmd.Flags()
	f.StringVar(&o.format, "format", formats[0], fmt.Sprintf("output format: %v", formats))
	f.StringVarP(&o.output, "output", "o", "", "write the report to this file (atomically) instead of stdout")
	f.BoolVar(&o.force, "force", false, "overwrite an existing --output file")
	f.BoolVar(&o.noColor, "no-color", false, "never use colour")
	f.IntVar(&o.top, "top", 20, "rows in the largest-files and similar lists")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
}

func (o *outputOptions) validate(formats ...string) error {
	for _, f := range formats {
		if o.format == f {
			if o.top <= 0 {
				return fmt.Errorf("--top must be positive, got %d", o.top)
			}
			return nil
		}
	}
	return fmt.Errorf("--format %q is not one of %v", o.format, formats)
}
