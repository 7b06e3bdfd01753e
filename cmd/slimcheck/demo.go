package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/slimcheck/slimcheck/analyze/pipeline"
	"github.com/slimcheck/slimcheck/analyze/source"
	"github.com/slimcheck/slimcheck/internal/demo"
)

type demoOptions struct {
	out outputOptions
}

func newDemoCmd(e *env) *cobra.Command {
	o := &demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Analyze the built-in demo image (a 470 MB Node.js s2i build)",
		Long: `Demo analyzes an image embedded in slimcheck: a "hello world" Node.js app
built the way OpenShift's s2i builder builds it, with gcc, make, yum and npm
caches, dev dependencies and docs left in the runtime image. It needs no
network and no Docker. On a terminal it opens the explorer (see explore);
otherwise, or with --format json or -o, it prints the analyze report.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.out.validate(analyzeFormats...); err != nil {
				return err
			}
			img, err := demo.Image()
			if err != nil {
				return err
			}
			opts := pipeline.DefaultOptions()
			opts.Summary.Top = o.out.top
			opts.Summary.ToolVersion = version
			info := source.Info{Reference: demo.Reference, Kind: source.KindDockerArchive, Name: demo.Reference}
			if wantsExplorer(e, &o.out) {
				return explore(cmd.Context(), e, demo.Reference, o.out.noColor,
					exploreLoader(opts, func(ctx context.Context, opts pipeline.Options) (*pipeline.Result, error) {
						return pipeline.RunImage(ctx, img, info, opts)
					}))
			}
			res, err := pipeline.RunImage(cmd.Context(), img, info, opts)
			if err != nil {
				return err
			}
			return writeReport(e, &o.out, res.Report)
		},
	}
	addOutputOptions(cmd, &o.out, analyzeFormats...)
	return cmd
}
