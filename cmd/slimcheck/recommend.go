package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/recommend/dockerfile"
	"github.com/slimcheck/slimcheck/recommend/openshift"
	"github.com/slimcheck/slimcheck/recommend/output"
)

var (
	recommendFormats = []string{"text", "json"}
	recommendTargets = []string{"docker", "openshift", "all"}
)

type recommendOptions struct {
	image       imageOptions
	format      string
	dir         string
	force       bool
	target      string
	runtimeBase string
	offline     bool
	demo        bool
	split       bool
	top         int
}

func newRecommendCmd(e *env) *cobra.Command {
	o := &recommendOptions{}
	cmd := &cobra.Command{
		Use:   "recommend IMAGE",
		Short: "Plan a builder/runtime split and write the Dockerfiles that build it",
		Long: `Recommend analyzes IMAGE and plans a multi-stage build: the original build
as a builder stage, then a runtime stage on a small base image from the
catalog (chosen by ecosystem, version, libc and architecture) that copies
exactly the files the app needs, with the image's configuration. It prints
the plan — the size estimate, what is copied and left out, quick wins tied
to the layers that caused them — and, with -o DIR, writes the files:

  docker     Dockerfile (multi-stage)
  openshift  runtime.Dockerfile, chained-build.sh and openshift.yaml
             (an OpenShift chained build with an ImageChange trigger)

The runtime base's size is read from its registry (walked once, then cached
by digest); --offline uses the catalog's recorded figures instead.`,
		Example: `  slimcheck recommend quay.io/org/app:1.4
  slimcheck recommend docker-archive:app.tar -o build/ --target all
  slimcheck recommend --demo --offline --format json
  slimcheck recommend app:latest --runtime-base node:20-slim -o out --force`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.validate(args); err != nil {
				return err
			}
			return runRecommend(cmd.Context(), e, o, args)
		},
	}
	addImageOptions(cmd, &o.image)
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "text", fmt.Sprintf("plan format: %v", recommendFormats))
	f.StringVarP(&o.dir, "output", "o", "", "write the generated files into this directory")
	f.BoolVar(&o.force, "force", false, "overwrite existing files in the --output directory")
	f.StringVar(&o.target, "target", "docker", fmt.Sprintf("files to write: %v", recommendTargets))
	f.StringVar(&o.runtimeBase, "runtime-base", "", "use this runtime base image instead of the catalog's choice")
	f.BoolVar(&o.offline, "offline", false, "never contact the runtime base's registry; use the catalog's recorded sizes")
	f.BoolVar(&o.demo, "demo", false, "plan the built-in demo image instead of IMAGE")
	f.BoolVar(&o.split, "always-split", false, "propose a split even for an image that is already slim")
	f.IntVar(&o.top, "top", 10, "rows in long lists of the text plan")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(recommendFormats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("target", cobra.FixedCompletions(recommendTargets, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validate reports every bad flag combination at once.
func (o *recommendOptions) validate(args []string) error {
	var errs []error
	if !oneOf(o.format, recommendFormats) {
		errs = append(errs, fmt.Errorf("--format %q is not one of %v", o.format, recommendFormats))
	}
	if !oneOf(o.target, recommendTargets) {
		errs = append(errs, fmt.Errorf("--target %q is not one of %v", o.target, recommendTargets))
	}
	if o.top <= 0 {
		errs = append(errs, fmt.Errorf("--top must be positive, got %d", o.top))
	}
	switch {
	case o.demo && len(args) > 0:
		errs = append(errs, errors.New("give IMAGE or --demo, not both"))
	case !o.demo && len(args) == 0:
		errs = append(errs, errors.New("IMAGE is required (or --demo)"))
	}
	if o.force && o.dir == "" {
		errs = append(errs, errors.New("--force needs --output"))
	}
	return errors.Join(errs...)
}

func oneOf(s string, list []string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}

// runRecommend analyzes, plans, prints the plan and writes the files.
func runRecommend(ctx context.Context, e *env, o *recommendOptions, args []string) error {
	popts, err := o.image.pipelineOptions()
	if err != nil {
		return err
	}
	_, plan, err := analyzeAndPlan(ctx, e, args, popts, planOptions{demo: o.demo, runtimeBase: o.runtimeBase, split: o.split, offline: o.offline})
	if err != nil {
		return err
	}
	if err := writePlan(e.stdout, o, plan); err != nil {
		return err
	}
	if o.dir == "" {
		return nil
	}
	files, err := planFiles(plan, o.target)
	if errors.Is(err, dockerfile.ErrNoSplit) {
		fmt.Fprintf(e.stderr, "no files written: the verdict is %s (%s)\n", plan.Verdict, strings.Join(plan.Reasons, "; "))
		return nil
	}
	if err != nil {
		return err
	}
	written, err := output.Write(o.dir, files, o.force)
	for _, p := range written {
		fmt.Fprintf(e.stderr, "wrote %s\n", p)
	}
	return err
}

// writePlan prints the plan as text or JSON.
func writePlan(w io.Writer, o *recommendOptions, p *recommend.PlanResult) error {
	if o.format == "json" {
		return recommend.WriteJSON(w, p)
	}
	return recommend.WriteText(w, p, recommend.TextOptions{Top: o.top})
}

// planFiles renders the files of target and checks each Dockerfile with
// BuildKit's parser before anything is written.
func planFiles(p *recommend.PlanResult, target string) ([]output.File, error) {
	var files []output.File
	if target == "docker" || target == "all" {
		df, err := dockerfile.Render(p)
		if err != nil {
			return nil, err
		}
		if err := dockerfile.Check(df, p, dockerfile.MultiStage); err != nil {
			return nil, fmt.Errorf("checking the generated Dockerfile: %w", err)
		}
		files = append(files, output.File{Name: "Dockerfile", Data: df})
	}
	if target == "openshift" || target == "all" {
		os, err := openshift.Render(p, openshift.Options{})
		if err != nil {
			return nil, err
		}
		if err := dockerfile.Check(os.RuntimeDockerfile, p, dockerfile.ChainedRuntime); err != nil {
			return nil, fmt.Errorf("checking the generated runtime.Dockerfile: %w", err)
		}
		files = append(files,
			output.File{Name: "runtime.Dockerfile", Data: os.RuntimeDockerfile},
			output.File{Name: "chained-build.sh", Data: os.Script, Mode: 0o755},
			output.File{Name: "openshift.yaml", Data: os.YAML},
		)
	}
	return files, nil
}
