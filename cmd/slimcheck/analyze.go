package main

import (
	"context"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/slimcheck/slimcheck/analyze/pipeline"
	"github.com/slimcheck/slimcheck/internal/atomicfile"
	"github.com/slimcheck/slimcheck/internal/progress"
	"github.com/slimcheck/slimcheck/report"
)

var analyzeFormats = []string{"text", "json"}

type analyzeOptions struct {
	image imageOptions
	out   outputOptions
	files bool
}

func newAnalyzeCmd(e *env) *cobra.Command {
	o := &analyzeOptions{}
	cmd := &cobra.Command{
		Use:   "analyze IMAGE",
		Short: "Report where an image's bytes are and why",
		Long: `Analyze walks every layer of IMAGE once and reports sizes, layers, dive's
efficiency metrics, hidden bytes and the category of every byte.

IMAGE is a registry reference (nginx:1.27, ghcr.io/org/app@sha256:…),
docker-archive:PATH or a path to a docker save tarball, oci:DIR[:tag|@digest]
or an OCI layout directory, or docker:REF for a local Docker/Podman daemon.`,
		Example: `  slimcheck analyze nginx:1.27
  slimcheck analyze docker-archive:app.tar --format json -o report.json
  slimcheck analyze oci:./layout:v1 --platform linux/arm64`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.out.validate(analyzeFormats...); err != nil {
				return err
			}
			opts, err := o.image.pipelineOptions()
			if err != nil {
				return err
			}
			opts.Summary.Top = o.out.top
			opts.Summary.Files = o.files
			opts.Summary.ToolVersion = version
			res, err := analyzeWithProgress(cmd.Context(), e, args[0], opts)
			if err != nil {
				return err
			}
			return writeReport(e, &o.out, res.Report)
		},
	}
	addImageOptions(cmd, &o.image)
	addOutputOptions(cmd, &o.out, analyzeFormats...)
	cmd.Flags().BoolVar(&o.files, "files", false, "include every entry of every layer in the JSON report")
	return cmd
}

// analyzeWithProgress runs the pipeline, showing progress on an interactive
// stderr once the walk takes more than a moment.
func analyzeWithProgress(ctx context.Context, e *env, ref string, opts pipeline.Options) (*pipeline.Result, error) {
	if isTTY(e.stderr) {
		p := progress.New(e.stderr, ref, 700*time.Millisecond)
		opts.Walk.Progress = p.Update
		defer p.Done()
	}
	return pipeline.Run(ctx, ref, opts)
}

// writeReport renders r in the chosen format to stdout or, atomically, to
// the --output file.
func writeReport(e *env, o *outputOptions, r *report.Report) error {
	render := func(w io.Writer) error {
		if o.format == "json" {
			return report.WriteJSON(w, r)
		}
		return report.WriteText(w, r, report.TextOptions{Color: o.output == "" && e.color(e.stdout, o.noColor), Width: width(e.stdout), Top: o.top})
	}
	if o.output == "" {
		return render(e.stdout)
	}
	// Streamed into a temporary file renamed into place: a report with
	// every file in it is tens of megabytes, never all in memory.
	return atomicfile.WriteFunc(o.output, 0o644, o.force, render)
}
