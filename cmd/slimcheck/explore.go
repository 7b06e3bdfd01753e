package main

import (
	"context"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/pipeline"
	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/recommend/output"
	"github.com/slimcheck/slimcheck/report"
	"github.com/slimcheck/slimcheck/tui"
)

type exploreOptions struct {
	image imageOptions
	out   outputOptions
}

func newExploreCmd(e *env) *cobra.Command {
	o := &exploreOptions{}
	cmd := &cobra.Command{
		Use:   "explore IMAGE",
		Short: "Explore an image's layers, categories, files and plan in a terminal UI",
		Long: `Explore opens a full-screen terminal UI over IMAGE: its layers with the
category mix of each, the category breakdown with the packages and rules behind
it, the file tree of the image or of one layer (sorted by size, filterable to
wasted or not-needed bytes), and the recommended builder/runtime split with
its generated files.

When stdout or stdin is not a terminal, or --format/--output ask for a
report, it prints the analyze report instead.`,
		Example: `  slimcheck explore nginx:1.27
  slimcheck explore docker-archive:app.tar --no-color`,
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
			opts.Summary.ToolVersion = version
			ref := args[0]
			if !wantsExplorer(e, &o.out) {
				res, err := analyzeWithProgress(cmd.Context(), e, ref, opts)
				if err != nil {
					return err
				}
				return writeReport(e, &o.out, res.Report)
			}
			return explore(cmd.Context(), e, ref, o.out.noColor, exploreLoader(opts, func(ctx context.Context, opts pipeline.Options) (*pipeline.Result, error) {
				return pipeline.Run(ctx, ref, opts)
			}))
		},
	}
	addImageOptions(cmd, &o.image)
	addOutputOptions(cmd, &o.out, analyzeFormats...)
	return cmd
}

// wantsExplorer reports whether the UI should open: stdin and stdout are
// terminals and no report format or file was asked for.
func wantsExplorer(e *env, o *outputOptions) bool {
	return o.output == "" && o.format == "text" && isTerminal(e.stdin) && isTTY(e.stdout)
}

// isTerminal reports whether r is an interactive terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// explore runs the UI on the terminal with load; Ctrl-C while loading
// returns context.Canceled (exit 130).
func explore(ctx context.Context, e *env, ref string, noColor bool, load tui.LoadFunc) error {
	mux := ""
	switch {
	case e.getenv("TMUX") != "":
		mux = "tmux"
	case strings.HasPrefix(e.getenv("TERM"), "screen"):
		mux = "screen"
	}
	return tui.Run(ctx, tui.Options{
		Reference: ref,
		Load:      load,
		Input:     e.stdin,
		Output:    e.stdout,
		NoColor:   !e.color(e.stdout, noColor),
		Clipboard: tui.OSC52(e.stderr, mux),
		Dir:       "slimcheck-plan",
	})
}

// exploreLoader returns the UI's load function: run the pipeline with
// every file listed and progress forwarded, then plan. A plan that cannot
// be made leaves the Plan pane empty rather than failing the exploration.
func exploreLoader(opts pipeline.Options, analyzeImage func(context.Context, pipeline.Options) (*pipeline.Result, error)) tui.LoadFunc {
	return func(ctx context.Context, progress func(tui.Progress)) (*report.Report, *tui.Recommendation, error) {
		opts := opts
		opts.Summary.Files = true
		progress(tui.Progress{Stage: "opening the image"})
		opts.Walk.Progress = func(p analyze.Progress) {
			progress(tui.Progress{Stage: "pulling and walking layers", Layers: p.Layers, LayersDone: p.LayersDone, BytesRead: p.BytesRead, BytesTotal: p.BytesTotal})
		}
		res, err := analyzeImage(ctx, opts)
		if err != nil {
			return nil, nil, err
		}
		progress(tui.Progress{Stage: "planning the runtime image"})
		plan, err := recommend.Plan(ctx, res.Report, recommend.DefaultOptions())
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			return res.Report, nil, nil
		}
		rec := &tui.Recommendation{Plan: plan}
		files, err := planFiles(plan, "all")
		if err == nil {
			for _, f := range files {
				rec.Files = append(rec.Files, tui.GeneratedFile{Name: f.Name, Content: string(f.Data)})
			}
			rec.Write = func(_ context.Context, dir string, overwrite bool) ([]string, error) {
				return output.Write(dir, files, overwrite)
			}
		}
		return res.Report, rec, nil
	}
}
