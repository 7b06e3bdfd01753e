package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/spf13/cobra"

	"github.com/slimcheck/slimcheck/analyze/pipeline"
	"github.com/slimcheck/slimcheck/analyze/source"
	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/slim"
	"github.com/slimcheck/slimcheck/slim/check"
)

var slimFormats = []string{"text", "json"}

type slimOptions struct {
	image     imageOptions
	to        string
	base      string
	offline   bool
	split     bool
	demo      bool
	format    string
	force     bool
	top       int
	tolerance float64
}

func newSlimCmd(e *env) *cobra.Command {
	o := &slimOptions{}
	cmd := &cobra.Command{
		Use:   "slim IMAGE --to DEST",
		Short: "Build the planned runtime image without Docker, write it, and prove it",
		Long: `Slim plans IMAGE as recommend does, then builds the runtime image of the plan
directly — no Docker daemon, no build tool: the runtime base plus one new layer
holding exactly the planned files, streamed from IMAGE's layers with their
modes, owners, symlinks and hardlinks, and the image's configuration on top.

DEST is oci:DIR[:TAG] (an OCI layout), docker-archive:FILE[:REPO:TAG] (a docker
save tarball) or a registry reference (pushed with your registry credentials).

Then it proves the result: it reads the image back from DEST, measures it
against the plan's estimate and the original, and checks statically — without
running it — that the container can start: the command resolves (following #!
lines and /usr/bin/env), every ELF program and native addon finds its loader,
its C library and its shared libraries, the files the command names exist and
the user exists. A failed check, or a size more than --tolerance off the
estimate when the base's size was read from its registry, exits 1.

The same inputs give the same digest; set SOURCE_DATE_EPOCH to choose the
timestamp (default: IMAGE's creation time).`,
		Example: `  slimcheck slim quay.io/org/app:1.4 --to oci:./slim
  slimcheck slim docker-archive:app.tar --to docker-archive:slim.tar:app:slim
  slimcheck slim app:latest --base node:20-slim --to registry.example.com/app:slim
  slimcheck slim --demo --base registry.example.com/node:20-slim --to oci:demo-slim`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dest, err := o.validate(args)
			if err != nil {
				return err
			}
			return runSlim(cmd.Context(), e, o, args, dest)
		},
	}
	addImageOptions(cmd, &o.image)
	f := cmd.Flags()
	f.StringVar(&o.to, "to", "", "where to write the image: oci:DIR[:TAG], docker-archive:FILE[:REPO:TAG] or a registry reference")
	f.StringVar(&o.base, "base", "", "build on this runtime base instead of the plan's choice")
	f.BoolVar(&o.offline, "offline", false, "estimate with the catalog's recorded base sizes instead of reading the base's registry")
	f.BoolVar(&o.split, "always-split", false, "build even when the image is already slim")
	f.BoolVar(&o.demo, "demo", false, "slim the built-in demo image instead of IMAGE")
	f.StringVar(&o.format, "format", "text", fmt.Sprintf("output format: %v", slimFormats))
	f.BoolVar(&o.force, "force", false, "replace an existing docker-archive file")
	f.IntVar(&o.top, "top", 10, "rows in long lists of the text output")
	f.Float64Var(&o.tolerance, "tolerance", slim.DefaultTolerance, "how far (percent) the measured size may be off the estimate")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(slimFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validate reports every bad flag combination at once and parses --to.
func (o *slimOptions) validate(args []string) (slim.Destination, error) {
	var errs []error
	var dest slim.Destination
	if o.to == "" {
		errs = append(errs, errors.New("--to DEST is required (oci:DIR, docker-archive:FILE or a registry reference)"))
	} else if d, err := slim.ParseDestination(o.to, o.image.insecure); err != nil {
		errs = append(errs, fmt.Errorf("--to: %w", err))
	} else {
		dest = d
	}
	if !oneOf(o.format, slimFormats) {
		errs = append(errs, fmt.Errorf("--format %q is not one of %v", o.format, slimFormats))
	}
	if o.top <= 0 {
		errs = append(errs, fmt.Errorf("--top must be positive, got %d", o.top))
	}
	if o.tolerance < 0 {
		errs = append(errs, fmt.Errorf("--tolerance must not be negative, got %g", o.tolerance))
	}
	switch {
	case o.demo && len(args) > 0:
		errs = append(errs, errors.New("give IMAGE or --demo, not both"))
	case !o.demo && len(args) == 0:
		errs = append(errs, errors.New("IMAGE is required (or --demo)"))
	}
	if o.force && dest.Kind != "" && dest.Kind != slim.DestDockerArchive {
		errs = append(errs, errors.New("--force only applies to a docker-archive: destination"))
	}
	return dest, errors.Join(errs...)
}

// runSlim analyzes, plans, builds, writes, reads back, measures and checks.
func runSlim(ctx context.Context, e *env, o *slimOptions, args []string, dest slim.Destination) error {
	popts, err := o.image.pipelineOptions()
	if err != nil {
		return err
	}
	created, err := sourceDateEpoch(e.getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return err
	}
	popts.Summary.Files = true
	popts.Summary.ToolVersion = version
	say := func(format string, a ...any) {
		if isTTY(e.stderr) {
			fmt.Fprintf(e.stderr, format+"\n", a...)
		}
	}
	res, plan, err := analyzeAndPlan(ctx, e, args, popts, planOptions{demo: o.demo, runtimeBase: o.base, split: o.split, offline: o.offline})
	if err != nil {
		return err
	}
	if plan.Verdict != recommend.Split || plan.Runtime == nil {
		return fmt.Errorf("no runtime image to build: the verdict is %s (%s); --always-split builds one anyway", plan.Verdict, strings.Join(plan.Reasons, "; "))
	}
	sopts := slim.DefaultOptions()
	sopts.Source = popts.Source
	sopts.Walk.Concurrency = popts.Walk.Concurrency
	sopts.Walk.MaxUncompressed = popts.Walk.MaxUncompressed
	sopts.ToolVersion = version
	sopts.Created = created
	say("building on %s …", plan.Runtime.Image)
	built, err := slim.Build(ctx, slim.Source{Image: res.Image, Index: res.Index, Report: res.Report, Info: res.Info}, plan, sopts)
	if err != nil {
		return err
	}
	say("writing %s …", dest.Raw)
	written, err := slim.Write(ctx, built.Image, dest, slim.WriteOptions{Source: popts.Source, Force: o.force, DefaultTag: slimTag(res.Info)})
	if err != nil {
		return err
	}
	say("reading it back from %s …", written.ReadBack)
	back := popts
	back.Summary.Files = false
	readBack, err := pipeline.Run(ctx, written.ReadBack, back)
	if err != nil {
		return fmt.Errorf("reading back what was written: %w", err)
	}
	result, err := check.Run(ctx, readBack.Image, readBack.Index, check.Options{Layers: []int{len(readBack.Index.Layers) - 1}})
	if err != nil {
		return fmt.Errorf("checking %s: %w", written.ReadBack, err)
	}
	layer, err := built.Summary()
	if err != nil {
		return err
	}
	out := &slim.Outcome{
		SchemaVersion: slim.SchemaVersion, Source: res.Info.Reference, Written: written, Base: built.Base, Layer: layer,
		Proof: slim.Compare(plan, res.Report, readBack.Report, built.Base.Layers, o.tolerance), Check: result,
	}
	if o.format == "json" {
		err = slim.WriteJSON(e.stdout, out)
	} else {
		err = slim.WriteText(e.stdout, out, slim.TextOptions{Top: o.top})
	}
	if err != nil {
		return err
	}
	if out.Failed() {
		return &failedError{msg: "slimcheck slim: " + strings.Join(out.Reasons(), "; ")}
	}
	return nil
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH (reproducible-builds.org).
func sourceDateEpoch(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q is not a non-negative number of seconds", v)
	}
	return time.Unix(n, 0).UTC(), nil
}

// slimTag names the image inside a docker archive: a registry source's
// repository with the tag "slim"; "" (slim's default) for other sources.
func slimTag(info source.Info) string {
	if info.Kind != source.KindRegistry && info.Kind != source.KindDaemon {
		return ""
	}
	r, err := name.ParseReference(info.Name)
	if err != nil {
		return ""
	}
	return r.Context().Tag("slim").String()
}
