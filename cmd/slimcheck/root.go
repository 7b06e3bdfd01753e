package main

import (
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "slimcheck",
		Short: "Tell why a container image is big and how to make it small",
		Long: `slimcheck opens a container image from a registry, a docker save tarball, an
OCI layout or a Docker daemon, walks every layer once and attributes every
byte to its cause: build toolchain, package caches, dev dependencies, docs,
temp files, wasted bytes, the runtime, the app and the OS base.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.AddCommand(
		newAnalyzeCmd(e),
		newDemoCmd(e),
		newRecommendCmd(e),
		newCICmd(e),
		newExploreCmd(e),
		newSlimCmd(e),
	)
	return root
}
