package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/slimcheck/slimcheck/analyze/pipeline"
	"github.com/slimcheck/slimcheck/gate"
	"github.com/slimcheck/slimcheck/gate/format"
	"github.com/slimcheck/slimcheck/internal/atomicfile"
	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/report"
)

type ciOptions struct {
	image      imageOptions
	config     string
	format     string
	outputs    []string
	force      bool
	noColor    bool
	dockerfile string
	actions    int
	warn       []string
	rules      map[string]*string // one flag per policy key
}

func newCICmd(e *env) *cobra.Command {
	o := &ciOptions{rules: map[string]*string{}}
	cmd := &cobra.Command{
		Use:   "ci IMAGE",
		Short: "Check an image against size rules; exit 1 when a rule fails",
		Long: `CI analyzes IMAGE, checks it against the rules of a policy and prints a
verdict. It exits 0 when every rule passed (or only warned), 1 when a rule
failed, and 2 when the check itself could not run (bad configuration, image
not found…).

The policy is read from --config, else from .slimcheck.yaml in the working
directory, else from dive's .dive-ci there (read exactly as dive reads it, so
a pipeline that ran "dive --ci" gets the same verdicts). Without any file,
dive's default rules apply (lowestEfficiency 0.9, highestUserWastedPercent
0.1) plus slimcheck's defaults, which only warn. Every rule can also be set
by the flag of the same name; flags win over the file. See docs/ci.md.`,
		Example: `  slimcheck ci registry.example.com/app:1.4 --max-size 250MB --forbid build-toolchain,package-cache
  slimcheck ci docker-archive:app.tar --config .slimcheck.yaml --output junit=slimcheck.xml --output sarif=slimcheck.sarif
  slimcheck ci ghcr.io/org/app:pr-42 --baseline ghcr.io/org/app:main --max-growth 5% --format markdown`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd, e, args[0])
		},
	}
	f := cmd.Flags()
	addImageOptions(cmd, &o.image)
	f.StringVar(&o.config, "config", "", "policy file: a .slimcheck.yaml or a dive .dive-ci (default: ./.slimcheck.yaml, then ./.dive-ci)")
	f.StringVar(&o.format, "format", "text", fmt.Sprintf("output format on stdout: %v", format.Formats()))
	f.StringArrayVar(&o.outputs, "output", nil, "also write FORMAT=FILE, atomically (repeatable: --output junit=report.xml --output sarif=slimcheck.sarif)")
	f.BoolVar(&o.force, "force", true, "overwrite existing --output files")
	f.BoolVar(&o.noColor, "no-color", false, "never use colour")
	f.StringVar(&o.dockerfile, "dockerfile", "", "repository path of the Dockerfile, which SARIF results and GitHub annotations point at")
	f.IntVar(&o.actions, "actions", 3, "recommended actions shown")
	f.StringSliceVar(&o.warn, "warn", nil, "rules whose breach only warns (e.g. --warn max-size,forbid)")
	for _, key := range gate.Keys() {
		o.rules[key] = f.String(key, "", gate.KeyHelp(key))
	}
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(format.Formats(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// ciOutput is one --output FORMAT=FILE.
type ciOutput struct{ format, path string }

// parseOutputs checks --format and every --output, all at once.
func (o *ciOptions) parseOutputs() ([]ciOutput, error) {
	var errs []error
	valid := func(f string) bool {
		for _, v := range format.Formats() {
			if f == v {
				return true
			}
		}
		return false
	}
	if !valid(o.format) {
		errs = append(errs, fmt.Errorf("--format %q is not one of %v", o.format, format.Formats()))
	}
	if o.actions < 0 {
		errs = append(errs, fmt.Errorf("--actions must not be negative, got %d", o.actions))
	}
	var outs []ciOutput
	seen := map[string]bool{}
	for _, s := range o.outputs {
		f, p, ok := strings.Cut(s, "=")
		switch {
		case !ok || p == "":
			errs = append(errs, fmt.Errorf("--output %q: want FORMAT=FILE, e.g. junit=report.xml", s))
		case !valid(f):
			errs = append(errs, fmt.Errorf("--output %q: format %q is not one of %v", s, f, format.Formats()))
		case seen[p]:
			errs = append(errs, fmt.Errorf("--output %q: %s is written twice", s, p))
		default:
			seen[p] = true
			outs = append(outs, ciOutput{f, p})
		}
	}
	return outs, errors.Join(errs...)
}

// policy loads the policy file and applies the rule flags over it.
func (o *ciOptions) policy(cmd *cobra.Command) (*gate.Policy, error) {
	path := o.config
	if path == "" {
		dir, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("finding the working directory: %w", err)
		}
		if path, err = gate.FindPolicy(dir); err != nil {
			return nil, err
		}
	}
	p := gate.DefaultPolicy()
	if path != "" {
		var err error
		if p, err = gate.LoadPolicy(path); err != nil {
			return nil, err
		}
	}
	var errs []error
	for _, key := range gate.Keys() {
		if cmd.Flags().Changed(key) {
			if err := p.Set(key, *o.rules[key]); err != nil {
				errs = append(errs, fmt.Errorf("--%w", err))
			}
		}
	}
	for _, key := range o.warn {
		if err := p.SetLevel(strings.TrimSpace(key), gate.LevelWarn); err != nil {
			errs = append(errs, fmt.Errorf("--warn %w", err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := p.Finish(); err != nil {
		return nil, fmt.Errorf("policy %s:\n%w", p.Source, err)
	}
	return p, nil
}

func (o *ciOptions) run(cmd *cobra.Command, e *env, ref string) error {
	outs, err := o.parseOutputs()
	if err != nil {
		return err
	}
	p, err := o.policy(cmd)
	if err != nil {
		return err
	}
	opts, err := o.image.pipelineOptions()
	if err != nil {
		return err
	}
	opts.Summary.Files = true // ignore-paths, the plan and the HTML treemap read every entry
	opts.Summary.ToolVersion = version
	ctx := cmd.Context()
	rep, excluded, err := analyzeForGate(ctx, e, ref, opts, p)
	if err != nil {
		return err
	}
	in := gate.Input{Report: rep}
	var notes []string
	plan, err := recommend.Plan(ctx, rep, recommend.DefaultOptions())
	switch {
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case err != nil && p.NeedsPlanToFail():
		return fmt.Errorf("recommending a split for %s (needed by the policy's plan rules): %w", ref, err)
	case err != nil:
		in.AdviceNote = "no recommendation: " + err.Error()
		notes = append(notes, in.AdviceNote)
	default:
		in.Advice = gate.FromPlan(plan)
	}
	var growth *gate.Growth
	if p.Baseline != "" {
		base, _, err := analyzeForGate(ctx, e, p.Baseline, opts, p)
		if err != nil {
			return fmt.Errorf("baseline %s: %w", p.Baseline, err)
		}
		in.Baseline = base
		g := gate.Compare(rep, base)
		growth = &g
	}
	fin := &format.Input{
		Report: rep, Policy: p, Results: gate.Evaluate(in, p), Advice: in.Advice,
		Excluded: excluded, Growth: growth, Notes: notes,
	}
	fopts := format.Options{Actions: o.actions, Dockerfile: o.dockerfile}
	if err := o.write(e, fin, fopts, outs); err != nil {
		return err
	}
	if s := fin.Summary(); s.Verdict == gate.Fail {
		return &failedError{msg: fmt.Sprintf("slimcheck ci: %d of %d rules failed", s.Failed, s.Total)}
	}
	return nil
}

// analyzeForGate analyzes ref and applies the policy's ignore-paths.
func analyzeForGate(ctx context.Context, e *env, ref string, opts pipeline.Options, p *gate.Policy) (*report.Report, gate.Excluded, error) {
	res, err := analyzeWithProgress(ctx, e, ref, opts)
	if err != nil {
		return nil, gate.Excluded{}, err
	}
	rep, ex, err := gate.Exclude(res.Report, p.IgnorePaths)
	if err != nil {
		return nil, ex, fmt.Errorf("applying ignore-paths to %s: %w", ref, err)
	}
	return rep, ex, nil
}

// write renders every --output file atomically, then stdout, then the
// GitHub job summary when a github format was asked for.
func (o *ciOptions) write(e *env, in *format.Input, fopts format.Options, outs []ciOutput) error {
	github := o.format == "github"
	for _, out := range outs {
		var buf bytes.Buffer
		if err := format.Write(&buf, out.format, in, fopts); err != nil {
			return err
		}
		if err := atomicfile.Write(out.path, buf.Bytes(), 0o644, o.force); err != nil {
			return err
		}
		github = github || out.format == "github"
	}
	stdout := fopts
	if o.format == "text" {
		stdout.Color = e.color(e.stdout, o.noColor)
		if isTTY(e.stdout) {
			stdout.Width = width(e.stdout)
		}
	}
	if err := format.Write(e.stdout, o.format, in, stdout); err != nil {
		return err
	}
	if path := e.getenv("GITHUB_STEP_SUMMARY"); github && path != "" {
		return appendStepSummary(path, in, fopts)
	}
	return nil
}

// appendStepSummary appends the Markdown verdict to GitHub's job summary
// file, which every step of a job appends to.
func appendStepSummary(path string, in *format.Input, fopts format.Options) error {
	var buf bytes.Buffer
	if err := format.Markdown(&buf, in, fopts); err != nil {
		return err
	}
	buf.WriteString("\n")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("writing the GitHub job summary: %w", err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("writing the GitHub job summary %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing the GitHub job summary %s: %w", path, err)
	}
	return nil
}
